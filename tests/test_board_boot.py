"""code.py boots on the board-faithful CircuitPython from the bundle's .mpy files (issue 11).

The bundle is built into a temporary folder with NN_SEED = 1, the stand-ins for the board's
built-in modules (boardstubs/) go beside it, and the real code.py runs until it has trained
100 batches, on the stand-ins' clock at 40 ms a frame, while a button script makes every
gesture. What the panel shows is read from the stand-in display's ``shown`` lines (which
layers are shown, the network's palette), taken every SHOW_MS; a gesture acts in the frame
its button comes up. Skips, saying why, without ../shared.
"""

import math
import os
import subprocess

import pytest

from bench import board, boot, interpreters
from render.layout import Layout
from tests.sim_helpers import hue, rgb_of_colour

# More than the smallest heap code.py's 100 batches need here (make bench:
# p8_codepy_heap_kb_board, BENCHMARKS.md), with room for this test's own printing.
HEAP_KB = 144
BATCHES = 100
FRAME_MS = 40
SHOW_MS = 200
# UP tap, UP tap, DOWN tap, DOWN tap, UP held, UP held, DOWN held, DOWN held, both held.
PRESSES = (
    "up@4000,up@8000,down@12000,down@16000,up@20000:1200,up@26000:1200,"
    "down@32000:1200,down@37000:1200,up@42000:2300,down@42100:2200"
)
NETWORK, CURVE, READOUT, MESSAGE = range(4)  # the root group's layers (render.scene)
LAYOUT = Layout([2, 3, 3, 1])
LINK_INDICES = [
    index for layer in LAYOUT.segment_index for node in layer for link in node for index in link
]


@pytest.fixture(scope="module")
def drive(tmp_path_factory):
    reason = board.missing()
    if reason:
        pytest.skip(reason)
    return boot.drive(tmp_path_factory.mktemp("board-boot"))


@pytest.fixture(scope="module")
def run(drive):
    """The 100-batch run with every gesture: (finished process, Boot)."""
    result = boot.boot(
        drive,
        heap_kb=HEAP_KB,
        batches=BATCHES,
        presses=PRESSES,
        frame_ms=FRAME_MS,
        show_ms=SHOW_MS,
        modules=True,
    )
    return result, boot.Boot(result.stdout)


def shown(run, start_ms, end_ms):
    """The snapshots taken from ``start_ms`` to ``end_ms`` (both included); never none."""
    snapshots = [s for s in run.shown if start_ms <= s[0] <= end_ms]
    assert snapshots, (start_ms, end_ms)
    return snapshots


def layer_shown(snapshots, layer):
    """{True, False}: whether ``layer`` is shown, over the snapshots."""
    return {layers[layer] == "1" for _ms, _batches, layers, _colours in snapshots}


def link_hues(snapshots):
    """The hues of every link segment's palette colour, over the snapshots."""
    return {
        hue(rgb_of_colour(colours[index]))
        for _ms, _batches, _layers, colours in snapshots
        for index in LINK_INDICES
    }


def test_code_py_trains_100_batches_from_the_mpy_files(drive, run):
    result, boot_run = run
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert len(boot_run.batches) == BATCHES
    assert all(math.isfinite(v) and v > 0 for line in boot_run.batches for v in line)
    # Every module of app, nn and render was loaded, each from its .mpy file.
    shipped = {
        path.relative_to(drive).with_suffix("").as_posix().replace("/", ".")
        for package in ("app", "nn", "render")
        for path in (drive / package).glob("*.mpy")
    }
    shipped = {name.removesuffix(".__init__") for name in shipped}
    loaded = {
        name: path
        for name, path in boot_run.modules.items()
        if name.split(".")[0] in ("app", "nn", "render")
    }
    assert set(loaded) == shipped
    assert all(path.endswith(".mpy") for path in loaded.values()), loaded
    assert boot_run.modules["code"] == "code.py"


def test_losses_fall_before_and_after_the_restart(run):
    _, boot_run = run
    restart = next(k for k, line in enumerate(boot_run.lines) if line.startswith("restart"))
    before = [line for line in boot_run.lines[:restart] if line.startswith("(")]
    after = [line for line in boot_run.lines[restart:] if line.startswith("(")]
    assert len(before) > 20 and len(after) > 20
    for lines in (before, after):
        losses = [tuple(float(v) for v in line[1:-1].split(",")) for line in lines]
        assert losses[-1][1] < losses[0][0]  # the best loss is below the first batch's
        assert losses[-1][2] < losses[0][2]  # and the test loss has come down
        # batch mean of the last ten under the first ten
        assert sum(b for b, _, _ in losses[-10:]) < sum(b for b, _, _ in losses[:10])


def test_up_tap_hides_and_shows_the_readout(run):
    _, boot_run = run
    assert layer_shown(shown(boot_run, 0, 4000), READOUT) == {True}
    assert layer_shown(shown(boot_run, 4200, 8000), READOUT) == {False}
    assert layer_shown(shown(boot_run, 8200, 20000), READOUT) == {True}


def test_down_tap_turns_the_weight_colours_off_and_on(run):
    _, boot_run = run
    assert link_hues(shown(boot_run, 0, 12000)) == {"red", "blue"}
    assert link_hues(shown(boot_run, 12200, 16000)) == {"neutral"}
    assert link_hues(shown(boot_run, 16200, 20000)) == {"red", "blue"}


def test_up_held_pauses_training_and_held_again_resumes_it(run):
    _, boot_run = run
    # The PAUSED notice covers the views for 1.5 s from the release at 21.2 s.
    assert layer_shown(shown(boot_run, 21400, 22600), MESSAGE) == {True}
    paused = shown(boot_run, 21400, 27000)
    assert len({batches for _ms, batches, _, _ in paused}) == 1
    assert len({tuple(colours) for *_, colours in shown(boot_run, 22800, 27000)}) == 1
    assert shown(boot_run, 40000, 40000)[0][1] > paused[0][1]


def test_down_held_shows_the_loss_curve_and_held_again_the_network(run):
    _, boot_run = run
    curve = shown(boot_run, 33400, 38000)
    assert layer_shown(curve, CURVE) == {True} and layer_shown(curve, NETWORK) == {False}
    back = shown(boot_run, 38400, 42000)
    assert layer_shown(back, CURVE) == {False} and layer_shown(back, NETWORK) == {True}


def test_both_held_restart_training_with_a_new_seed(run):
    _, boot_run = run
    restarts = [line for line in boot_run.lines if line.startswith("restart")]
    assert len(restarts) == 1 and restarts[0].startswith("restart, seed ")
    assert layer_shown(shown(boot_run, 44400, 45800), MESSAGE) == {True}  # RESTART notice
    before, after = shown(boot_run, 44200, 44200)[0], shown(boot_run, 44400, 44400)[0]
    assert before[1] == after[1]  # the restart itself trained no batch


def test_a_second_boot_resumes_from_the_checkpoint_in_nvm(drive):
    first = boot.boot(drive, heap_kb=HEAP_KB, batches=3)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert "starting fresh: no checkpoint" in first.stdout
    second = boot.boot(drive, heap_kb=HEAP_KB, batches=3, keep_nvm=True)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert "resumed from checkpoint: epoch 0, batch " in second.stdout
    erased = boot.boot(drive, heap_kb=HEAP_KB, batches=1)
    assert "starting fresh: no checkpoint" in erased.stdout


def test_stand_ins_are_only_for_modules_the_interpreter_lacks(tmp_path):
    """A stand-in's own code takes heap that the board does not (p8_stand_ins_kb_board), so
    there is none for a module the interpreter already has (its os: code.py needs getenv)."""
    reason = board.missing()
    if reason:
        pytest.skip(reason)
    names = sorted(path.stem for path in boot.STUBS.glob("*.py"))
    script = (
        "for name in %r:\n try:\n  __import__(name)\n  print(name)\n except ImportError:\n  pass"
    )
    done = subprocess.run(
        [str(interpreters.CIRCUITPYTHON), "-c", script % (names,)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=dict(os.environ, MICROPYPATH=str(tmp_path)),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
