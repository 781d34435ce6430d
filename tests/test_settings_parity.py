"""The simulator's os.getenv returns what the board's does, for every key of every file.

The oracle is the board-faithful CircuitPython's own os.getenv (its settings.toml parser is
the board's). Its answers for the corpus (tests/settings_corpus.py) are recorded, so the
stand-in is held to them everywhere; with ../shared they are also checked to still be the
board's, and random files are compared live.
"""

import os
import random

import pytest

from bench import interpreters
from sim.clock import VirtualClock
from sim.devices import getenv, install
from sim.runner import ROOT, read_settings
from tests.settings_corpus import CORPUS, board_answers, keys_of, recorded

# What the corpus must show (each name is a CORPUS entry).
LISTED = {
    "bare floats": "bare floats",
    "single quotes": "single quotes",
    "triple quotes": "triple double quotes",
    "hex": "hex, octal and binary",
    "underscores": "underscores",
    "escapes": "escapes",
    "a [section] header": "a section header",
    "lowercase keys": "lowercase keys",
    "a BOM": "a BOM",
    "CRLF": "CRLF",
    "duplicate keys": "duplicate keys",
    "unterminated strings": "unterminated strings",
}


def stand_in_answers(data, keys, folder):
    """{key: answer} of the stand-in reading ``data`` as ``folder``/settings.toml."""
    (folder / "settings.toml").write_bytes(data)
    saved = os.getcwd()
    os.chdir(folder)
    try:
        answers = {}
        for key in keys:
            try:
                answers[key] = getenv.getenv(key)
            except UnicodeError:
                answers[key] = {"raises": "UnicodeError"}
        return answers
    finally:
        os.chdir(saved)


@pytest.fixture
def board():
    """Skips, saying why, where ../shared does not hold the board-faithful interpreter."""
    if not interpreters.CIRCUITPYTHON.is_file():
        pytest.skip(interpreters.CIRCUITPYTHON_MISSING)


def test_the_corpus_has_every_listed_case_and_its_answers_are_recorded():
    """At least 30 files, the listed cases among them; an answer for every key of every
    file is on record (a new or changed file needs a new recording)."""
    assert len(CORPUS) >= 30
    assert set(LISTED.values()) <= set(CORPUS)
    answers = recorded()
    assert set(answers) == set(CORPUS)
    for name, data in CORPUS.items():
        assert sorted(answers[name]) == keys_of(data), name


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_the_stand_in_answers_as_the_board_did(name, tmp_path):
    """For every key of the file, the stand-in returns the board's recorded answer."""
    answers = recorded()[name]
    assert stand_in_answers(CORPUS[name], sorted(answers), tmp_path) == answers


def test_the_recorded_answers_are_the_boards(board):
    """The board-faithful interpreter still gives the recorded answers."""
    assert board_answers(CORPUS) == recorded()


FRAGMENTS = (
    b"NN_SEED", b"NN_SEED", b"NN_SEE", b"nn_seed", b"PULSE_MS", b" ", b"\t", b"=", b"=", b'"',
    b"'", b'"""', b"#", b"\n", b"\n", b"\r\n", b"\r", b"[", b"]", b"\\", b"u", b"U", b"0",
    b"1", b"9", b"x", b"0x", b"00e9", b"D800", b"-", b"+", b"_", b".", b"e", b"\x00", b"\x0b",
    b"\x0c", b"\xef\xbb\xbf", b"\xc3\xa9", b"\xe9", b"\xf0\x9f\x98\x80", b"\xed\xa0\x80",
    b"\xc0\x80",
)  # fmt: skip
RANDOM_KEYS = ["NN_SEED", "NN_SEE", "nn_seed", "PULSE_MS", "SEED"]


def random_files(count, seed):
    """Files pieced together from FRAGMENTS: half as KEY = value lines, half any bytes."""
    generator = random.Random(seed)
    files = {}
    for number in range(count):
        if number % 2:
            lines = [
                generator.choice([b"NN_SEED", b" NN_SEED", b"PULSE_MS", b"[x]", b"#NN_SEED"])
                + generator.choice([b" = ", b"=", b"\t=\t"])
                + b"".join(generator.choice(FRAGMENTS) for _ in range(generator.randint(0, 6)))
                for _ in range(generator.randint(1, 5))
            ]
            files[str(number)] = generator.choice([b"\n", b"\r\n"]).join(lines)
        else:
            parts = generator.randint(0, 30)
            files[str(number)] = b"".join(generator.choice(FRAGMENTS) for _ in range(parts))
    return files


def test_random_files_shipped_settings_and_overrides_read_alike(board, tmp_path):
    """Live against the board: 400 random files, the shipped settings.toml, and every corpus
    file with the simulator's overrides written in."""
    files = random_files(400, seed=11)
    keys = dict.fromkeys(files, RANDOM_KEYS)
    files["shipped"] = (ROOT / "settings.toml").read_bytes()
    for name, data in CORPUS.items():
        files["overridden " + name] = overridden(data, tmp_path)
    for name, data in files.items():
        keys.setdefault(name, keys_of(data))
    expected = board_answers(files, keys)
    for name, data in files.items():
        assert stand_in_answers(data, keys[name], tmp_path) == expected[name], (name, data)


# Overrides as --seed or a test sets them: the key's line is rewritten or a first line added.
OVERRIDES = {"NN_SEED": 12, "NN_DATASET": 'a "quoted" \\ value # not a comment', "nn_loss": "x"}


def overridden(data, folder):
    """``data`` as the simulator's drive holds it with OVERRIDES."""
    path = folder / "user-settings.toml"
    path.write_bytes(data)
    return read_settings(path, OVERRIDES)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_an_override_is_read_as_given_and_leaves_the_other_keys_alone(name, tmp_path):
    """read_settings writes each override where the board reads it, as a str equal to the
    given value; every other key reads as before."""
    data = CORPUS[name]
    keys = sorted(set(keys_of(data)) | set(OVERRIDES))
    before = stand_in_answers(data, keys, tmp_path)
    after = stand_in_answers(overridden(data, tmp_path), keys, tmp_path)
    for key, value in OVERRIDES.items():
        assert after.pop(key) == str(value)
        before.pop(key)
    assert after == before


def test_install_makes_os_getenv_read_the_drive_and_puts_it_back(tmp_path, monkeypatch):
    """Inside sim.devices.install, os.getenv reads settings.toml in the current folder, as
    the board reads its drive's; afterwards it is the process environment again."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NN_SEED", "from the environment")
    (tmp_path / "settings.toml").write_bytes(b"NN_SEED = 0x10 # hex\n")
    with install(VirtualClock()):
        assert os.getenv("NN_SEED") == "0x10"
        assert os.getenv("PULSE_MS", "default") == "default"
    assert os.getenv("NN_SEED") == "from the environment"
