"""``python -m sim`` end to end, as a user runs it: a separate process in a folder of its own,
files written where asked, every option documented, bad input refused with a clear message."""

import os
import subprocess
import sys

import pytest
from PIL import Image

from tests.sim_helpers import ROOT

OPTIONS = (
    "--batches",
    "--seed",
    "--gif",
    "--png",
    "--scale",
    "--fps",
    "--press",
    "--window",
    "--settings",
)


def simulator(*args, cwd, timeout=120):
    """Run ``python -P -m sim ARGS`` in ``cwd`` with the repository importable; -P keeps the
    repository's code.py from shadowing the standard library's ``code`` module."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-P", "-m", "sim", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_one_batch_writes_a_png_and_an_animated_gif_and_says_where(tmp_path):
    """--batches 1 --png --gif --seed 2: exit 0, the console shows the run and names both
    files, the PNG is the 64x32 panel with lit pixels, the GIF has many frames."""
    result = simulator(
        "--batches", "1", "--png", "out.png", "--gif", "out.gif", "--seed", "2", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "seed 2" in out
    assert sum(line.startswith("(") for line in out.splitlines()) == 1
    assert "last frame: out.png" in out
    assert "animation: out.gif (" in out
    assert "Traceback" not in result.stderr
    with Image.open(tmp_path / "out.png") as png:
        assert png.size == (64, 32)
        assert png.convert("RGB").getbbox() is not None  # not all black
    with Image.open(tmp_path / "out.gif") as gif:
        assert gif.n_frames > 1
        assert gif.size[0] > 64 and gif.size[0] * 32 == gif.size[1] * 64


def test_help_lists_every_option(tmp_path):
    """--help exits 0 and documents every option a user needs."""
    result = simulator("--help", cwd=tmp_path)
    assert result.returncode == 0
    for option in OPTIONS:
        assert option in result.stdout, option


@pytest.mark.parametrize(
    ("press", "complaint"),
    [
        ("sideways@100", "expected NAME@MS"),
        ("up@soon", "MS must be a whole number"),
        ("up@100:500,up@300", "overlaps"),
    ],
)
def test_a_bad_press_script_exits_2_with_a_clear_message(tmp_path, press, complaint):
    """A --press value that is not NAME@MS[:HOLD] stops before any run: exit 2, usage and the
    reason on stderr, no files written."""
    result = simulator("--press", press, "--png", "out.png", "--gif", "", cwd=tmp_path)
    assert result.returncode == 2
    assert "--press" in result.stderr and complaint in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.png").exists()


def test_a_missing_settings_file_is_refused_with_a_clear_message(tmp_path):
    """--settings naming no file: non-zero exit and a one-line reason that names the file,
    not a traceback."""
    result = simulator("--settings", "missing.toml", "--gif", "", "--png", "", cwd=tmp_path)
    assert result.returncode != 0
    assert "missing.toml" in result.stderr
    assert "Traceback" not in result.stderr
    assert "nn-matrix" not in result.stdout  # nothing ran


def test_the_console_carries_no_blinka_platform_warning(tmp_path):
    """The simulator's stdout is code.py's console only: Blinka's "GENERIC_X86 is not fully
    supported" banner (meaningless for a simulated Matrix Portal) is kept out of it."""
    result = simulator("--help", cwd=tmp_path)
    assert "GENERIC_X86" not in result.stdout + result.stderr


def test_a_bad_pulse_setting_is_named_and_the_default_used_as_on_the_board(tmp_path):
    """The simulator takes its pacing from the app's checked settings: a value the board
    reports and replaces does the same here, and the run ends normally."""
    (tmp_path / "settings.toml").write_text('BACKWARD_PULSE_MS = "banana"\nNN_SEED = 2\n')
    result = simulator("--settings", "settings.toml", "--batches", "1", "--gif", "", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "settings.toml: BACKWARD_PULSE_MS: 'banana' is not a whole number; using 900"
        in result.stdout.splitlines()
    )
    assert (tmp_path / "sim-out" / "last.png").is_file()


def test_a_file_that_is_not_toml_runs_as_on_the_board(tmp_path):
    """A settings file no TOML parser takes (a key twice, an unterminated string, a bare
    word) runs as the board runs it: the first NN_SEED, with --seed written over it, the
    rest reported, and the defaults where the board reads nothing."""
    (tmp_path / "settings.toml").write_bytes(
        b'NN_SEED = 2\r\nNN_SEED = 3\r\nNN_DATASET = "xor\r\nNN_LOSS = bce\r\n'
    )
    result = simulator(
        "--settings", "settings.toml", "--seed", "4", "--batches", "1", "--gif", "", "--png", "",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "settings.toml: NN_SEED: line 2 ignored, the board reads line 1 (the first)",
        "settings.toml: NN_DATASET: line 3 unreadable to the board (check its quotes);"
        " using regression",
        "nn-matrix: 2-3-3-1 sigmoid->sigmoid, loss bce, momentum lr 0.5 constant, batch 32,"
        " regression data, seed 4",
    ]
