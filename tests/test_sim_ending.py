"""Every python -m sim run ends and keeps its work: a paused run ends at a simulated-time
limit, Ctrl-C at any point stops cleanly (one line, exit status 130, the pictures and export
made so far written and readable, no traceback from any thread), and a console whose reader
has gone (python -m sim | head -1) does not end the run in a traceback. Real processes, real
signals: the simulator runs as a user starts it."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from PIL import Image

from tests.sim_helpers import ROOT
from tests.test_sim_cli import simulator

CTRL_C_STATUS = 130
# Settings that train many batches per simulated second: one animated batch in a hundred.
QUICK_BATCHES = "FAST_FORWARD_BATCHES = 100\nNN_SEED = 2\n"


def _sigint_as_at_a_terminal():
    """A child started from a shell's background job inherits an ignored SIGINT; these
    tests press Ctrl-C, so the child gets it as at a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(*args, cwd):
    """``python -P -m sim ARGS`` as a process whose console is read line by line."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-P", "-m", "sim", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_sigint_as_at_a_terminal,
    )


def read_until(process, wanted):
    """The console lines up to and including the first that starts with ``wanted``."""
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith(wanted):
            return lines
    pytest.fail("the run ended before printing %r: %s" % (wanted, process.stderr.read()))


def ctrl_c(process, seen):
    """Press Ctrl-C, then let the run finish; (exit status, console lines, stderr lines)."""
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    return process.returncode, seen + out.splitlines(), err.splitlines()


def frames_in(path):
    """How many frames the GIF at ``path`` has, each decoded to the end (a broken file
    raises)."""
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        for index in range(gif.n_frames):
            gif.seek(index)
            gif.load()
        return gif.n_frames


def png_size(path):
    with Image.open(path) as png:
        png.load()
        return png.size


def stopped_cleanly(status, err):
    """Exit status 130 and exactly one line on stderr, naming Ctrl-C, no traceback."""
    assert status == CTRL_C_STATUS, err
    assert len(err) == 1, err
    assert "Ctrl-C" in err[0] and "Traceback" not in err[0]
    return err[0]


OUTPUTS = ("--gif", "run.gif", "--png", "last.png", "--export", "weights.json")


def test_ctrl_c_during_start_up_stops_at_the_first_frame_and_writes_it(tmp_path):
    """Ctrl-C while code.py is still starting (its first console line is out, no frame
    yet): the run stops at its first frame and writes it as the PNG, a one-frame GIF and
    the export of the untrained network."""
    process = start("--batches", "1000", *OUTPUTS, cwd=tmp_path)
    status, out, err = ctrl_c(process, read_until(process, "nn-matrix:"))
    assert "after 0 of 1000 batches" in stopped_cleanly(status, err)
    assert png_size(tmp_path / "last.png") == (64, 32)
    assert frames_in(tmp_path / "run.gif") >= 1
    assert json.loads((tmp_path / "weights.json").read_text())["run_batches"] == 0
    assert "last frame: last.png" in out and "weights: weights.json" in out


def test_ctrl_c_mid_run_writes_what_was_made_so_far(tmp_path):
    """Ctrl-C after a few batches of a run asked for 100 000: one line saying how far it
    got, then the GIF, PNG and export of the run so far, all readable."""
    settings = tmp_path / "quick.toml"
    settings.write_text(QUICK_BATCHES)
    process = start("--settings", str(settings), "--batches", "100000", *OUTPUTS, cwd=tmp_path)
    seen = []
    while sum(line.startswith("(") for line in seen) < 150:
        seen += read_until(process, "(")
    status, out, err = ctrl_c(process, seen)
    line = stopped_cleanly(status, err)
    batches = sum(line.startswith("(") for line in out)
    assert "after %d of 100000 batches" % batches in line
    exported = json.loads((tmp_path / "weights.json").read_text())
    assert exported["run_batches"] == batches >= 150
    assert frames_in(tmp_path / "run.gif") > 100
    assert png_size(tmp_path / "last.png") == (64, 32)
    assert any(line.startswith("animation: run.gif (") for line in out)


def test_ctrl_c_while_the_gif_is_written_leaves_a_shorter_valid_gif(tmp_path):
    """Ctrl-C once the run is over and the GIF is being written (large frames, so that
    takes seconds): the PNG and export are complete, the GIF holds the frames written so
    far and ends properly, and the console says how many of how many."""
    process = start("--batches", "16", "--scale", "32", *OUTPUTS, cwd=tmp_path)
    status, out, err = ctrl_c(process, read_until(process, "weights: weights.json"))
    assert "while writing the files" in stopped_cleanly(status, err)
    summary = next(line for line in out if line.startswith("animation: run.gif"))
    written, total = (int(word) for word in summary.split() if word.isdigit())
    assert 1 <= written < total
    assert "stopped by Ctrl-C" in summary
    assert frames_in(tmp_path / "run.gif") == written
    assert json.loads((tmp_path / "weights.json").read_text())["run_batches"] == 16
    assert png_size(tmp_path / "last.png") == (64, 32)


def test_a_second_ctrl_c_cuts_the_gif_short(tmp_path):
    """The first Ctrl-C stops the run; a second one while its GIF is written stops that
    too, leaving a valid shorter GIF; still one line on stderr and exit status 130."""
    process = start("--batches", "1000", "--scale", "32", *OUTPUTS, cwd=tmp_path)
    seen = read_until(process, "(")
    process.send_signal(signal.SIGINT)
    seen += read_until(process, "weights: weights.json")
    status, out, err = ctrl_c(process, seen)
    assert "writing what was made so far" in stopped_cleanly(status, err)
    summary = next(line for line in out if line.startswith("animation: run.gif"))
    written, total = (int(word) for word in summary.split() if word.isdigit())
    assert 1 <= written < total
    assert frames_in(tmp_path / "run.gif") == written


def test_a_paused_run_ends_at_the_time_limit_with_its_files(tmp_path):
    """UP held at 0.5 s pauses training before any batch is done: the run stops at
    --max-seconds of simulated time, says so, and writes its files, exit status 0."""
    result = simulator("--batches", "3", "--press", "up@500:1200", "--max-seconds", "30",
                       *OUTPUTS, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert (
        "time limit: stopped after 0 of 3 batches, 30.0 s of simulated time while training"
        " was paused (--max-seconds)" in result.stdout.splitlines()
    )
    assert frames_in(tmp_path / "run.gif") > 1
    assert json.loads((tmp_path / "weights.json").read_text())["run_batches"] == 0
    assert png_size(tmp_path / "last.png") == (64, 32)


def test_a_paused_run_ends_by_default(tmp_path):
    """Without --max-seconds a paused run still ends: by default the limit is the time the
    batches would take if every one were animated, plus a minute of simulated time."""
    process = start("--batches", "1", "--press", "up@500:1200", "--gif", "", "--png",
                    "last.png", cwd=tmp_path)  # fmt: skip
    try:
        out, err = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("a paused run did not end")
    assert process.returncode == 0, err
    assert "time limit: stopped after 0 of 1 batches" in out
    assert png_size(tmp_path / "last.png") == (64, 32)


def test_an_unpaused_run_is_not_cut_short_by_the_default_limit(tmp_path):
    """The default limit leaves room for every batch even at the slowest pace the settings
    allow per simulated second: every batch animated, one sample each, and pulses shorter
    than a frame (so each takes a whole frame): 1000 batches take 120 s of simulated time,
    the limit is 220 s."""
    (tmp_path / "slow.toml").write_text(
        "FAST_FORWARD_BATCHES = 0\nNN_BATCH_SIZE = 1\nPULSE_MS = 20\nBACKWARD_PULSE_MS = 20\n"
    )
    result = simulator("--settings", "slow.toml", "--batches", "1000", "--gif", "", "--png",
                       "", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "time limit" not in result.stdout
    assert sum(line.startswith("(") for line in result.stdout.splitlines()) == 1000


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "soon"])
def test_a_bad_time_limit_is_refused(tmp_path, value):
    result = simulator("--max-seconds", value, "--gif", "", "--png", "", cwd=tmp_path)
    assert result.returncode == 2
    assert "--max-seconds" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_console_reader_that_goes_away_does_not_end_the_run(tmp_path):
    """python -m sim | head -1: the reader takes one line and closes the pipe. The run
    goes on without a console, writes its files and ends with status 0, and nothing is
    said about the pipe (no BrokenPipeError, no "Exception ignored")."""
    (tmp_path / "quick.toml").write_text(QUICK_BATCHES)
    process = subprocess.Popen(
        [sys.executable, "-P", "-m", "sim", "--settings", "quick.toml", "--batches", "600",
         "--gif", "", "--png", "last.png"],
        cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    first = process.stdout.readline()
    process.stdout.close()  # as head -1 does after its line
    err = process.stderr.read()
    process.wait(timeout=120)
    assert first.startswith("nn-matrix:")
    assert process.returncode == 0, err
    assert err == ""
    assert png_size(tmp_path / "last.png") == (64, 32)


def open_for_writing_once_read(fifo, process):
    """A file descriptor writing into the named pipe ``fifo``, opened once ``process`` has
    opened it to read (and is thus inside its settings reading, Ctrl-C already taken over)."""
    while process.poll() is None:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: nobody reads it yet
            time.sleep(0.01)
    pytest.fail("the simulator ended before reading its settings: %s" % process.stderr.read())


def test_ctrl_c_before_the_run_starts_writes_nothing(tmp_path):
    """Ctrl-C while the simulator is still reading its settings (held up here by a
    --settings that is a named pipe, written only after the Ctrl-C): one line, status 130,
    no files."""
    fifo = tmp_path / "settings.toml"
    os.mkfifo(fifo)
    process = start("--settings", str(fifo), *OUTPUTS, cwd=tmp_path)
    writer = open_for_writing_once_read(fifo, process)
    process.send_signal(signal.SIGINT)
    os.write(writer, b"NN_SEED = 2\n")
    os.close(writer)
    out, err = process.communicate(timeout=60)
    assert "before the run started" in stopped_cleanly(process.returncode, err.splitlines())
    assert out == ""
    assert sorted(path.name for path in tmp_path.iterdir()) == ["settings.toml"]


def test_ctrl_c_ends_a_window_run_with_its_files(tmp_path, monkeypatch):
    """--window (SDL's dummy display) has no batch limit: Ctrl-C is how it ends from a
    terminal, with the same one line, exit status 130 and files as any other run."""
    pytest.importorskip("pygame")
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    process = start("--window", *OUTPUTS, cwd=tmp_path)
    status, out, err = ctrl_c(process, read_until(process, "starting fresh"))
    assert "animation: run.gif (" in "\n".join(out)
    assert "stopped by Ctrl-C after 0 batches" in stopped_cleanly(status, err)
    assert frames_in(tmp_path / "run.gif") >= 1
    assert png_size(tmp_path / "last.png") == (64, 32)
    assert json.loads((tmp_path / "weights.json").read_text())["run_batches"] == 0
