"""settings.toml values: parsed as the board returns them, every bad value reported."""

import ast
from pathlib import Path

import pytest

from app import settings
from sim.devices import getenv
from tests.device import on_both

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = {key: default for key, default, _, _, _ in settings.SPECS}


def read(values):
    return settings.read(lambda key: values.get(key))


def test_defaults_when_nothing_is_set():
    """No settings at all: every key takes its documented default, no complaint."""
    config, problems = read({})
    assert problems == []
    assert config["NN_LAYERS"] == [2, 3, 3, 1]
    assert config["NN_LEARNING_RATE"] == 0.5
    assert config["NN_BATCH_SIZE"] == 32
    assert config["SHOW_LOSS"] is True


def test_shipped_settings_file_is_valid_and_matches_defaults():
    """The board reads every key from the settings.toml we ship, each value equal to the
    default, and the file has nothing to report."""
    data = (ROOT / "settings.toml").read_bytes()
    assert all(getenv.lookup(data, key) is not None for key in DEFAULTS)
    config, problems = settings.read(lambda key: getenv.lookup(data, key), ROOT / "settings.toml")
    assert problems == []
    assert config == read({})[0]


def test_good_values_of_both_types():
    """Ints may arrive as int or str; floats are written as quoted strings."""
    config, problems = read(
        {"NN_BATCH_SIZE": "16", "PULSE_MS": 120, "NN_LEARNING_RATE": "0.05", "SHOW_LOSS": "0"}
    )
    assert problems == []
    assert (config["NN_BATCH_SIZE"], config["PULSE_MS"]) == (16, 120)
    assert config["NN_LEARNING_RATE"] == pytest.approx(0.05)
    assert config["SHOW_LOSS"] is False


BAD_VALUES = [
    ("NN_LAYERS", "2,x,1"),
    ("NN_LAYERS", "2"),
    ("NN_LAYERS", "2,9,1"),
    ("NN_LAYERS", "2,0,1"),
    ("NN_ACTIVATION", "softmax"),
    ("NN_OUTPUT_ACTIVATION", 3),
    ("NN_LOSS", "l1"),
    ("NN_OPTIMIZER", "adam"),
    ("NN_MOMENTUM", "1.5"),
    ("NN_LEARNING_RATE", "fast"),
    ("NN_LEARNING_RATE", "nan"),
    ("NN_LEARNING_RATE", "-1"),
    ("NN_SCHEDULE", "linear"),
    ("NN_SCHEDULE_FACTOR", "0"),
    ("NN_SCHEDULE_EPOCHS", "0"),
    ("NN_BATCH_SIZE", "3.5"),
    ("NN_BATCH_SIZE", 0),
    ("NN_DATASET", "mnist"),
    ("NN_SEED", -1),
    ("PULSE_MS", "slow"),
    ("BACKWARD_PULSE_MS", 5),
    ("FAST_FORWARD_BATCHES", -2),
    ("LED_BIT_DEPTH", 7),
    ("LED_GAMMA", "0.5"),
    ("SHOW_LOSS", "yes"),
    ("SHOW_COLOURS", 2),
    ("CHECKPOINT_MINUTES", -1),
]


@pytest.mark.parametrize(("key", "value"), BAD_VALUES)
def test_every_bad_value_falls_back_to_the_default_with_a_message(key, value):
    """A wrong type or out-of-range value: one message naming the key, and the default."""
    config, problems = read({key: value})
    assert len(problems) == 1
    assert problems[0].startswith(key + ":")
    assert repr(value) in problems[0]
    assert config[key] == read({})[0][key]


def test_every_key_is_covered_by_the_bad_value_table():
    """No setting escapes validation testing."""
    assert {key for key, _ in BAD_VALUES} == set(DEFAULTS)


def test_too_many_layers_for_the_panel():
    """A shape with too many layers does not fit 64x32: reported, default shape used."""
    config, problems = read({"NN_LAYERS": "2," + "3," * 30 + "1"})
    assert config["NN_LAYERS"] == [2, 3, 3, 1]
    assert problems and problems[0].startswith("NN_LAYERS:")


def test_layers_must_match_the_data():
    """Every data set has 2 inputs and 1 output: other ends are corrected and reported."""
    config, problems = read({"NN_LAYERS": "3,4,2"})
    assert config["NN_LAYERS"] == [2, 4, 1]
    assert problems[0].startswith("NN_LAYERS:")


def test_bce_needs_a_sigmoid_output():
    """Cross-entropy with a tanh output would take log of negatives: corrected, reported."""
    config, problems = read({"NN_LOSS": "bce", "NN_OUTPUT_ACTIVATION": "tanh"})
    assert config["NN_OUTPUT_ACTIVATION"] == "sigmoid"
    assert problems[0].startswith("NN_OUTPUT_ACTIVATION:")


def test_a_new_activation_in_nn_is_a_valid_setting_and_trains(monkeypatch):
    """The choices are nn's own registries: an activation added to nn.activations (and a
    schedule to nn.schedules) is accepted and used, with no edit to the app."""
    import nn
    from app import build

    def softsign(z):
        return z / (1.0 + abs(z))

    def softsign_derivative(a):
        return (1.0 - abs(a)) ** 2

    monkeypatch.setitem(nn.activations.ACTIVATIONS, "softsign", (softsign, softsign_derivative))
    monkeypatch.setitem(
        nn.schedules.SCHEDULES, "halving", lambda rate, factor, epochs: nn.schedules.Step(rate)
    )
    config, problems = read({"NN_ACTIVATION": "softsign", "NN_SCHEDULE": "halving"})
    assert problems == []
    trainer = build.trainer(config, 3)
    assert trainer.network.activation == "softsign"
    before = trainer.test_loss
    for _ in range(40):
        trainer.train_batch()
    assert trainer.test_loss < before
    _, problems = read({"NN_ACTIVATION": "softplus"})
    assert problems == [
        "NN_ACTIVATION: 'softplus' is not one of identity/leaky_relu/relu/sigmoid/softsign/tanh;"
        " using sigmoid"
    ]


# What the board ignores or misreads in a settings file, as the app reports it.
UNREADABLE = "line 1 unreadable to the board (check its quotes); using "
FILE_REPORTS = {
    "a lowercase key": (
        b'nn_layers = "2,4,1"\nNN_SEED = 3\n',
        ["nn_layers: line 1 ignored, keys are case-sensitive (NN_LAYERS)"],
    ),
    "a key after a [section]": (
        b"NN_SEED = 3\n[extra]\nNN_BATCH_SIZE = 8\n",
        ["NN_BATCH_SIZE: line 3 ignored, the board stops at the [section] on line 2"],
    ),
    "a duplicate key": (
        b'NN_DATASET = "xor"\nNN_LOSS = "bce"\nNN_DATASET = "circles"\n',
        ["NN_DATASET: line 3 ignored, the board reads line 1 (the first)"],
    ),
    "a BOM": (
        b'\xef\xbb\xbfNN_LAYERS = "2,4,1"\nNN_SEED = 3\n',
        ["NN_LAYERS: line 1 ignored, it starts with a BOM (save the file without one)"],
    ),
    "an unterminated string": (
        b'NN_DATASET = "xor\nNN_SEED = 3\n',
        ["NN_DATASET: " + UNREADABLE + "regression"],
    ),
    "a bad first of two": (
        b'NN_DATASET = "xor\nNN_DATASET = "circles"\n',
        [
            "NN_DATASET: line 2 ignored, the board reads line 1 (the first)",
            "NN_DATASET: " + UNREADABLE + "regression",
        ],
    ),
    "a comment that is not UTF-8": (
        b"NN_SEED = 3 # caf\xe9 in Latin-1\nNN_SEED = 4\n",
        ["NN_SEED: line 2 ignored, the board reads line 1 (the first)"],
    ),
    "triple quotes": (b'NN_LAYERS = """2,4,1"""\n', ["NN_LAYERS: " + UNREADABLE + "2,3,3,1"]),
    "text after the quote": (b'NN_LOSS = "bce" mse\n', ["NN_LOSS: " + UNREADABLE + "mse"]),
    "no value": (b"NN_SEED =\n", ["NN_SEED: " + UNREADABLE + "0"]),
    "single quotes": (
        b"NN_ACTIVATION = 'tanh'\n",
        [
            "NN_ACTIVATION: \"'tanh'\" is not one of identity/leaky_relu/relu/sigmoid/tanh;"
            " using sigmoid"
        ],
    ),
    "hex": (b"NN_SEED = 0x10\n", ["NN_SEED: '0x10' is not a whole number; using 0"]),
    "CR alone": (
        b"NN_SEED = 3\rNN_BATCH_SIZE = 8\r",
        ["NN_SEED: '3\\rNN_BATCH_SIZE = 8' is not a whole number; using 0"],
    ),
    "what the board reads well": (
        b"NN_LEARNING_RATE = 0.05\r\n"
        b"NN_SEED = 1_000 # underscores\r\n"
        b"CIRCUITPY_WEB_API_PORT = 80\r\n"
        b"# NN_SEED = 4\r\n"
        b"OTHER = 'x'\r\n"
        b"[other.program]\r\n"
        b"key = 1\r\n",
        [],
    ),
}


def read_file(data, folder):
    """app.settings.read on ``data`` as settings.toml, through the simulator's os.getenv."""
    path = folder / "settings.toml"
    path.write_bytes(data)
    return settings.read(lambda key: getenv.lookup(data, key), str(path))


@pytest.mark.parametrize("name", sorted(FILE_REPORTS))
def test_what_the_board_ignores_or_misreads_is_reported(name, tmp_path):
    """Each line the board skips (lowercase key, after a [section], a duplicate, behind a BOM)
    or cannot read (its default used) is one "KEY: why" line, with an ASCII key for the matrix."""
    data, expected = FILE_REPORTS[name]
    _, problems = read_file(data, tmp_path)
    assert problems == expected
    assert all(problem.split(":")[0].isascii() for problem in problems)  # shown on the matrix


def test_reported_lines_keep_the_values_the_board_reads(tmp_path):
    """The board's values stand: the first of two lines, the lines before a [section]."""
    config, _ = read_file(FILE_REPORTS["a duplicate key"][0], tmp_path)
    assert (config["NN_DATASET"], config["NN_LOSS"]) == ("xor", "bce")
    config, _ = read_file(FILE_REPORTS["a key after a [section]"][0], tmp_path)
    assert (config["NN_SEED"], config["NN_BATCH_SIZE"]) == (3, 32)
    config, _ = read_file(FILE_REPORTS["what the board reads well"][0], tmp_path)
    assert (config["NN_LEARNING_RATE"], config["NN_SEED"]) == (0.05, 1000)


REPORT_SCRIPT = """
import os
import sys
sys.path.append(%r)
from app import settings
for folder, answers in %r:
    os.chdir(folder)
    getenv = os.getenv if sys.implementation.name == "circuitpython" else answers.get
    print(repr(settings.read(getenv, "settings.toml")[1]))
"""


@on_both
def test_the_reports_are_the_same_on_the_device_interpreters(interpreter, tmp_path):
    """The same report lines on the MicroPython wheel (given the simulator's answers) and on
    the board-faithful CircuitPython with its own os.getenv, which reads each file itself."""
    cases = []
    for number, name in enumerate(sorted(FILE_REPORTS)):
        data = FILE_REPORTS[name][0]
        folder = tmp_path / str(number)
        folder.mkdir()
        (folder / "settings.toml").write_bytes(data)
        answers = {key: getenv.lookup(data, key) for key in DEFAULTS}
        cases.append((str(folder), answers))
    result = interpreter.run(REPORT_SCRIPT % (str(ROOT), cases), heap="256K")
    assert result.returncode == 0, result.stderr + result.stdout
    problems = [ast.literal_eval(line) for line in result.stdout.splitlines()]
    assert problems == [FILE_REPORTS[name][1] for name in sorted(FILE_REPORTS)]
