"""settings.toml files as people write them, and what the board's ``os.getenv`` returns for
them, recorded from the board-faithful CircuitPython (tests/data/settings_oracle.json).

An answer is the value (a str), None where the board returns the default, or
{"raises": name}. ``PYTHONPATH=. .venv/bin/python -P -m tests.settings_corpus`` records
the answers again; it needs ../shared.
"""

import json
import re
import sys
import tempfile
from pathlib import Path

from app.settings import SPECS
from bench import interpreters

RECORDED = Path(__file__).resolve().parent / "data" / "settings_oracle.json"

CORPUS = {
    "bare whole numbers": b"NN_SEED = 42\nNN_BATCH_SIZE=16\nPULSE_MS = -5\nLED_BIT_DEPTH = +4\n",
    "bare floats": (
        b"NN_LEARNING_RATE = 0.05\n"
        b"NN_MOMENTUM = .9\n"
        b"LED_GAMMA = 2.\n"
        b"NN_SCHEDULE_FACTOR = 1e-3\n"
        b"NN_LEARNING_RATE = 7\n"
    ),
    "bare values with comments": (
        b"NN_SEED = 3   # trailing spaces go\n"
        b"PULSE_MS = 120\t# a tab too\n"
        b"NN_BATCH_SIZE = 8#no space\n"
        b"NN_DATASET = two words  \n"
        b"NN_LAYERS = 2, 4, 1\n"
    ),
    "double quotes": (
        b'NN_ACTIVATION = "tanh"\n'
        b'NN_DATASET = "xor" # and a comment\n'
        b'NN_LAYERS = " 2,4,1 "\n'
        b'NN_LOSS = "a # is text here"\n'
        b'NN_OPTIMIZER = "sgd"   \n'
    ),
    "single quotes": (
        b"NN_ACTIVATION = 'tanh'\n"
        b"NN_DATASET = 'xor' # comment\n"
        b"NN_LOSS = 'bce\n"
        b"NN_OPTIMIZER = ''\n"
        b"NN_SCHEDULE = 'it''s'\n"
    ),
    "triple double quotes": b'NN_LAYERS = """2,4,1"""\nNN_SEED = 4\n',
    "triple quotes over lines": (b'NN_DATASET = """\nNN_SEED = 9\n"""\nNN_BATCH_SIZE = 8\n'),
    "triple single quotes": b"NN_ACTIVATION = '''relu'''\n",
    "hex, octal and binary": (
        b"NN_SEED = 0x10\nNN_BATCH_SIZE = 0X1f\nPULSE_MS = 0o17\nBACKWARD_PULSE_MS = 0b101\n"
    ),
    "underscores": b'NN_SEED = 1_000\nPULSE_MS = 3_0_0\nNN_BATCH_SIZE = "1_6"\n',
    "booleans": b"SHOW_LOSS = true\nSHOW_COLOURS = false\n",
    "escapes": (
        b'NN_DATASET = "a\\"b\\\\c"\n'
        b'NN_LOSS = "tab\\there, newline\\nthere"\n'
        b'NN_OPTIMIZER = "\\r\\b\\f\\v"\n'
        b'NN_SCHEDULE = "\\q\\x41\\/\\\'"\n'
    ),
    "unicode escapes": (
        b'NN_DATASET = "caf\\u00e9"\n'
        b'NN_LOSS = "\\U0001F600"\n'
        b'NN_OPTIMIZER = "\\u00E9\\u00e9"\n'
        b'NN_SCHEDULE = "\\uD800"\n'
        b'NN_ACTIVATION = "\\u 0x4"\n'
    ),
    "bad escapes": (
        b'NN_DATASET = "\\u12"\n'
        b'NN_LOSS = "\\U00110000"\n'
        b'NN_OPTIMIZER = "\\uzzzz"\n'
        b'NN_SCHEDULE = "ends in \\\n'
        b'NN_SCHEDULE = "\\u0041"\n'
    ),
    "a section header": (b'NN_LAYERS = "2,4,1"\n[network]\nNN_SEED = 7\nNN_LAYERS = 2,5,1\n'),
    "an indented header": b"NN_SEED = 1\n  [extra]\nPULSE_MS = 100\n",
    "an array of tables": b"[[runs]]\nNN_SEED = 1\n",
    "a header inside a comment": b"# [not a header]\nNN_SEED = 2\n",
    "lowercase keys": (
        b'nn_layers = "2,4,1"\nNn_Seed = 3\nnn_batch_size = 8\nNN_BATCH_SIZE = 16\n'
    ),
    "a BOM": b'\xef\xbb\xbfNN_LAYERS = "2,4,1"\nNN_SEED = 3\n',
    "a BOM before a comment": b"\xef\xbb\xbf# settings\nNN_SEED = 3\n",
    "a BOM and the key again": b"\xef\xbb\xbfNN_SEED = 1\nNN_SEED = 2\n",
    "CRLF": (
        b'NN_DATASET = "xor"\r\n'
        b"NN_SEED = 5\r\n"
        b"PULSE_MS = 100 # ms\r\n"
        b"NN_ACTIVATION = 'tanh'\r\n"
        b'NN_LOSS = "bce" \r\n'
        b"[more]\r\n"
        b"NN_BATCH_SIZE = 8\r\n"
    ),
    "CR alone": b"NN_SEED = 3\rNN_BATCH_SIZE = 8\r",
    "duplicate keys": b'NN_DATASET = "xor"\nNN_SEED = 1\nNN_DATASET = "circles"\nNN_SEED = 2\n',
    "duplicate, the first one bad": b'NN_DATASET = "xor\nNN_DATASET = "circles"\n',
    "unterminated strings": b'NN_DATASET = "xor\nNN_LOSS = "bce\nNN_SEED = 3\n',
    "unterminated at the end": b'NN_SEED = 3\nNN_DATASET = "xor',
    "text after the closing quote": b'NN_DATASET = "xor" circles\nNN_LOSS = "bce"" \nNN_SEED = 3\n',
    "empty values": (
        b"NN_SEED =\n"
        b"NN_BATCH_SIZE = # just a comment\n"
        b'NN_DATASET = ""\n'
        b"NN_LOSS = ''\n"
        b"PULSE_MS =   \r\n"
    ),
    "no newline at the end": b'NN_SEED = 3\nNN_LAYERS = "2,4,1"',
    "spacing": (
        b"NN_SEED=3\n"
        b"\tNN_BATCH_SIZE\t=\t8\t\n"
        b"   PULSE_MS   =   100\n"
        b"NN_LOSS == bce\n"
        b"NN_DATASET = = xor\n"
    ),
    "keys that share a start": b"NN_SEED_X = 1\nNN_SEE = 2\nNN_SEED = 3\nNN_SEED2 = 4\n",
    "quoted and dotted keys": b'"NN_SEED" = 5\nNN.SEED = 6\nNN_SEED X = 7\n',
    "arrays and tables as values": b'NN_LAYERS = [2, 4, 1]\nNN_DATASET = { name = "xor" }\n',
    "a key alone on its line": b"NN_SEED\n= 7\nNN_BATCH_SIZE\nNN_BATCH_SIZE = 8\n",
    "commented-out keys": b"# NN_SEED = 5\n  # NN_BATCH_SIZE = 8\n#NN_LOSS=bce\nNN_LOSS = mse\n",
    "non-ASCII text": 'NN_DATASET = "café"\nNN_LOSS = ünïcode # é\nNN_SEED = 3 # ✓\n'.encode(),
    "a value that is not UTF-8": b'NN_DATASET = "caf\xe9"\nNN_SEED = 3\n',
    "vertical tab and form feed": b"NN_SEED = 3\x0b\nPULSE_MS = 100 \x0c# c\n\x0cNN_LOSS = bce\n",
    "other programs' keys": (
        b'CIRCUITPY_WIFI_SSID = "home"\nCIRCUITPY_WEB_API_PORT = 80\nNN_SEED = 3\nMY_KEY = "x"\n'
    ),
    "a long value": b'NN_LAYERS = "' + b"2," * 150 + b'1"\nNN_SEED = ' + b"9" * 300 + b"\n",
    "an empty file": b"",
    "only comments": b"# nothing here\n\n   \n# NN_SEED = 1\n",
}


def keys_of(data):
    """The keys asked for in a file: ours, and every word in it as written and upper-case."""
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", data.decode("latin-1")))
    keys = {spec[0] for spec in SPECS} | words | {word.upper() for word in words}
    return sorted(keys)


ORACLE = """
import os

def answer(key):
    try:
        value = os.getenv(key)
    except Exception as error:
        return "!" + type(error).__name__
    return "-" if value is None else "=" + ",".join([str(ord(c)) for c in value])

for folder, keys in CASES:
    os.chdir(folder)
    for key in keys:
        print(answer(key))
"""


def _answer(line):
    if line.startswith("!"):
        return {"raises": line[1:]}
    if line == "-":
        return None
    return "".join(chr(int(code)) for code in line[1:].split(",") if code)


def board_answers(files, keys=None):
    """{name: {key: answer}} of the board-faithful CircuitPython's own os.getenv for each of
    ``files`` ({name: bytes}), asked for ``keys[name]`` (default: keys_of); all in one run."""
    with tempfile.TemporaryDirectory() as folder:
        cases = []
        for number, (name, data) in enumerate(sorted(files.items())):
            path = Path(folder) / str(number)
            path.mkdir()
            (path / "settings.toml").write_bytes(data)
            cases.append((name, str(path), keys[name] if keys else keys_of(data)))
        script = "CASES = %r\n%s" % ([case[1:] for case in cases], ORACLE)
        result = interpreters.run_micropython(
            script, heap="4M", timeout=120, cwd=folder, interpreter=interpreters.CIRCUITPYTHON
        )
    if result.returncode:
        raise RuntimeError(result.stderr + result.stdout)
    lines = iter(result.stdout.splitlines())
    return {name: {key: _answer(next(lines)) for key in keys_} for name, _, keys_ in cases}


def recorded():
    """The board's answers for CORPUS, as recorded."""
    return json.loads(RECORDED.read_text())


def main():
    """Record the board's answers for CORPUS (needs ../shared)."""
    if not interpreters.CIRCUITPYTHON.is_file():
        sys.exit(interpreters.CIRCUITPYTHON_MISSING)
    answers = board_answers(CORPUS)
    RECORDED.write_text(json.dumps(answers, indent=1, sort_keys=True) + "\n")
    print("%s: %d files" % (RECORDED, len(answers)))


if __name__ == "__main__":
    main()
