"""code.py in the simulator when things go wrong: power cuts (checkpoints in nvm resumed
across runs, refused when the settings changed, cleared by a restart, torn at boot), a
learning rate far too high (divergence recovery), an nvm that refuses writes, and
settings.toml mistakes. Every run is the unmodified code.py against the stand-in board.

Runs use SHORT_RUN (40/80 ms pulses, 2 fast-forward batches, seed 5). Checkpoint runs
set CHECKPOINT_MINUTES = 1 and a low frame rate, so minutes of virtual time take a few
hundred frames; the nvm lives in a file, as ``python -m sim --nvm`` keeps it.
"""

import itertools
import math
import random
import re
import shutil
import struct

import pytest

from app import autosave
from app import settings as settings_module
from nn import checkpoint
from render.frame import FrameComposer
from render.readout import format_loss
from render.scene import MESSAGE_COLOUR
from sim.devices import getenv, supervisor
from sim.devices import nvm as nvm_module
from sim.runner import ROOT, read_settings
from tests.sim_helpers import BOX, SHORT_RUN, hue, parse_tuple, run_code, text_picture

SAVING = {"CHECKPOINT_MINUTES": 1}
MINUTE_MS = 60000
RESUMED = re.compile(r"^resumed from checkpoint: epoch (\d+), batch (\d+)$")
OUTSIDE_BOX = frozenset((x, y) for x in range(64) for y in range(32)) - BOX
DIVERGED_NOTICE = "DIVERGED\nRATE HALVED"
SLOT_SIZE = nvm_module.NVM_SIZE // 2


def training_settings(overrides=None):
    """The validated settings code.py reads for settings.toml + SHORT_RUN + ``overrides``."""
    data = read_settings(ROOT / "settings.toml", {**SHORT_RUN, **(overrides or {})})
    return settings_module.read(lambda key: getenv.lookup(data, key))[0]


def stored(path, overrides=None):
    """checkpoint.load on the nvm file, for the settings of that run: (state, reason)."""
    config = training_settings(overrides)
    memory = nvm_module.ByteArray(path)
    return checkpoint.load(memory, autosave.fingerprint(config), config["NN_LAYERS"])


def starts(lines):
    """The "resumed from checkpoint ..." or "starting fresh: ..." line of a run."""
    found = [line for line in lines if line.startswith(("resumed from", "starting fresh"))]
    assert len(found) == 1, found
    return found[0]


def record_floats(state):
    """The weights and biases packed in a checkpoint record, decoded here with struct:
    (weights[l][j][i], biases[l][j]) as Python floats (exact float32 values)."""
    sizes = state.sizes
    offset = checkpoint.HEADER_SIZE + len(sizes)

    def take(count):
        nonlocal offset
        values = struct.unpack_from("<%df" % count, state.record, offset)
        offset += 4 * count
        return list(values)

    weights = [[take(sizes[l]) for _j in range(sizes[l + 1])] for l in range(len(sizes) - 1)]
    biases = [take(sizes[l + 1]) for l in range(len(sizes) - 1)]
    return weights, biases


def finite(value):
    """True for a number that is neither None, NaN nor infinite."""
    return value is not None and math.isfinite(value)


def record_saves(monkeypatch):
    """Wrap checkpoint.save; returns the list that gets (virtual ms, nvm write_count before,
    write_count after) for every save."""
    calls = []
    real_save = checkpoint.save

    def save(nvm, *args):
        before = nvm.write_count
        sequence = real_save(nvm, *args)
        calls.append((supervisor.ticks_ms(), before, nvm.write_count))
        return sequence

    monkeypatch.setattr(checkpoint, "save", save)
    return calls


@pytest.fixture
def saves(monkeypatch):
    """Every checkpoint.save call of the test's runs (see record_saves)."""
    return record_saves(monkeypatch)


class FirstFrame:
    """A run_code ``watch`` that notes what the Loop held at its first frame: the state
    app.start left (a first sample is drawn, but weights change only at a batch's end)."""

    def __init__(self):
        self.seen = None

    def __call__(self, simulation, loop):
        if self.seen is None:
            trainer = loop.trainer
            self.seen = {
                "weights": [[list(row) for row in layer] for layer in trainer.network.weights],
                "biases": [list(row) for row in trainer.network.biases],
                "epoch": trainer.epoch,
                "batches": trainer.batches,
                "best": trainer.best_loss,
                "readout": loop.scene.readout_text,
            }


@pytest.fixture(scope="module")
def long_run(tmp_path_factory):
    """A first run of 200 s virtual time at 1 frame/s with CHECKPOINT_MINUTES = 1 (50 unseen
    batches between shown ones): its nvm file, console lines and every save it made."""
    path = tmp_path_factory.mktemp("nvm") / "nvm.bin"
    with pytest.MonkeyPatch.context() as patch:
        calls = record_saves(patch)
        run = run_code(
            overrides={**SAVING, "FAST_FORWARD_BATCHES": 50},
            fps=1,
            until_ms=200000,
            nvm_path=path,
            keep_frames=False,
        )
    return path, run, calls, run.simulation.board.nvm.write_count


def copy_of(long_run, tmp_path):
    """A copy of the long run's nvm file that a test may change."""
    path = tmp_path / "nvm.bin"
    shutil.copyfile(long_run[0], path)
    return path


# -- 1. resume across runs ---------------------------------------------------------------


def test_a_long_run_saves_several_checkpoints_one_nvm_write_each(long_run):
    """200 s of virtual time with CHECKPOINT_MINUTES = 1: the first save comes right after
    the first batch, later ones at least a minute apart; every save is exactly one slice
    assignment (write_count + 1), and nothing else writes the nvm."""
    _path, run, calls, write_count = long_run
    assert starts(run.lines) == "starting fresh: no checkpoint"
    assert len(calls) >= 3
    assert all(after == before + 1 for _t, before, after in calls)
    assert write_count == len(calls)
    assert calls[0][0] <= 40000  # after the first (animated) batch
    times = [t for t, _before, _after in calls]
    assert all(later - earlier >= MINUTE_MS for earlier, later in itertools.pairwise(times))


def test_a_second_run_resumes_from_the_newest_checkpoint(long_run, tmp_path):
    """Same settings, same nvm file: the console says "resumed from checkpoint: epoch E,
    batch B" with E and B those of the newest record on file; right after start the
    trainer's weights and biases are the record's float32 values exactly, and the readout
    shows that record's best loss, not "--". Training then carries on from batch B."""
    path = copy_of(long_run, tmp_path)
    state, reason = stored(path, SAVING)
    assert state is not None, reason
    assert state.sequence == len(long_run[2])  # the newest of the long run's saves
    assert state.seed == SHORT_RUN["NN_SEED"] and state.batches > 50

    first = FirstFrame()
    run = run_code(overrides=SAVING, batches=2, nvm_path=path, fps=25, watch=first)
    at_start = first.seen
    match = RESUMED.match(starts(run.lines))
    assert match, starts(run.lines)
    assert (int(match[1]), int(match[2])) == (state.epoch, state.batches)

    weights, biases = record_floats(state)
    assert at_start["weights"] == weights
    assert at_start["biases"] == biases
    assert (at_start["epoch"], at_start["batches"]) == (state.epoch, state.batches)
    assert at_start["best"] == state.best_loss and finite(state.best_loss)
    assert at_start["readout"] == format_loss(state.best_loss) != "--"
    assert run.frames[0].readout != "--" and run.frames[0].picture.box()

    _batch, first_best, _test = run.batch_lines()[0]
    assert first_best <= state.best_loss * (1 + 1e-4)  # the best loss carried over
    assert run.loop.trainer.batches == state.batches + 2


# -- 2. settings changes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"NN_LEARNING_RATE": "0.25"}, "starting fresh: checkpoint is for other settings"),
        ({"NN_LAYERS": "2,4,1"}, "starting fresh: checkpoint is for other settings"),
        ({"NN_SEED": 6}, "starting fresh: checkpoint is for seed 5, settings ask for 6"),
        ({"NN_SEED": 0}, "resumed from checkpoint: "),
    ],
    ids=["learning-rate", "layers", "other-seed", "any-seed"],
)
def test_a_settings_change_refuses_the_stale_checkpoint(long_run, tmp_path, overrides, expected):
    """Another learning rate or layer shape, or an explicit other NN_SEED: the second run
    starts fresh and says why; NN_SEED = 0 (any seed) resumes. A fresh start's first save
    goes to the other slot, so the refused record still loads under its own settings."""
    path = copy_of(long_run, tmp_path)
    old, _ = stored(path, SAVING)
    run = run_code(overrides={**SAVING, **overrides}, batches=2, nvm_path=path, fps=25)
    assert starts(run.lines).startswith(expected)
    if expected.startswith("starting fresh"):
        assert run.loop.trainer.batches == 2  # from batch 0, not the checkpoint's
        assert run.simulation.board.nvm.write_count == 1  # its own first save
        kept, _ = checkpoint.read_slot(nvm_module.ByteArray(path), old.slot, len(old.record))
        assert kept is not None and kept.record == old.record
    else:
        assert run.loop.trainer.batches == old.batches + 2


# -- 3. restart by both buttons ------------------------------------------------------------


def test_restart_by_both_buttons_clears_the_checkpoint_until_the_next_save(
    long_run, tmp_path, saves
):
    """A resumed run, both buttons held 2.2 s: from the "restart" line on, checkpoint.load
    finds no record in the nvm, until the restarted training's first save. That record is
    of the new training (epoch 0, a few batches) and keeps the data's seed, so the next
    boot with the same settings (an explicit NN_SEED) resumes it."""
    path = copy_of(long_run, tmp_path)
    config = training_settings(SAVING)
    fingerprint = autosave.fingerprint(config)
    seen = []  # (restart line printed?, saves so far, load result) per frame

    def watch(simulation, loop):
        restarted = any(line.startswith("restart") for line in simulation.serial.lines)
        found = checkpoint.load(simulation.board.nvm, fingerprint, config["NN_LAYERS"])
        seen.append((restarted, len(saves), found))

    run = run_code(
        overrides=SAVING,
        presses="up@1000:2300,down@1100:2200",
        until_ms=8000,
        nvm_path=path,
        watch=watch,
        keep_frames=False,
    )
    assert RESUMED.match(starts(run.lines))
    assert all(found[0] is not None for restarted, _n, found in seen if not restarted)
    saved_before = next(count for restarted, count, _found in seen if restarted)
    cleared = [found for restarted, count, found in seen if restarted and count == saved_before]
    assert cleared, "no frame between the restart and the next save"
    assert all(found == (None, checkpoint.NO_CHECKPOINT) for found in cleared)

    assert len(saves) == saved_before + 1  # the restarted training's first best loss
    state, reason = stored(path, SAVING)
    assert state is not None, reason
    assert state.epoch == 0 and state.batches < 10
    assert state.seed == SHORT_RUN["NN_SEED"]  # the data is still made from seed 5

    again = run_code(overrides=SAVING, batches=1, nvm_path=path, fps=25)
    assert starts(again.lines) == "resumed from checkpoint: epoch 0, batch %d" % state.batches


# -- 4. divergence -----------------------------------------------------------------------------


class ComposerWatch:
    """Wraps FrameComposer so that every frame's colours are checked (ints in 0..0xFFFFFF),
    and after every pass the colours it would show at any time of its pulse, whether or not
    a frame lands there. Also counts the passes whose raw input held NaN or inf."""

    SAMPLE_MS = (0, 25, 75, 150, 300, 600, 900, 1800)

    def __init__(self, monkeypatch):
        self.problems = []
        self.passes = 0
        self.non_finite_inputs = 0
        self.colour_frames = 0
        colours_at = FrameComposer.colours_at
        for name in ("show_forward", "show_backward"):
            method = getattr(FrameComposer, name)
            monkeypatch.setattr(FrameComposer, name, self._pass(method, colours_at))
        for name in ("colours_at", "rest_colours"):
            monkeypatch.setattr(FrameComposer, name, self._colours(getattr(FrameComposer, name)))

    def _check(self, where, colours):
        if not all(type(c) is int and 0 <= c <= 0xFFFFFF for c in colours):
            self.problems.append(("colours", where, list(colours)))

    def _pass(self, method, colours_at):
        def checked(composer, nodes, links, weights):
            raw = [v for row in nodes for v in row]
            raw += [v for layer in links for row in layer for v in row]
            if not all(math.isfinite(v) for v in raw):
                self.non_finite_inputs += 1
            method(composer, nodes, links, weights)
            self.passes += 1
            for t in self.SAMPLE_MS:
                self._check((method.__name__, t), colours_at(composer, t))

        return checked

    def _colours(self, method):
        def checked(composer, *args):
            colours = method(composer, *args)
            self.colour_frames += 1
            self._check(method.__name__, colours)
            return colours

        return checked


def readout_watch(problems):
    """A run_code ``watch`` that checks, every frame, that the readout shows format_loss of
    the trainer's finite best loss, or "--" when there is none."""

    def watch(simulation, loop):
        text = loop.scene.readout_text
        best = loop.trainer.best_loss
        if not (best is None or math.isfinite(best)) or text != format_loss(best):
            problems.append((simulation.clock.now_ms, text, best))
        if text != "--" and not math.isfinite(float("0" + text)):
            problems.append((simulation.clock.now_ms, text, best))

    return watch


HALVED = re.compile(r"learning rate halved to (\S+)$")


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"NN_ACTIVATION": "identity", "NN_OUTPUT_ACTIVATION": "identity"},
        {"NN_ACTIVATION": "relu", "NN_OUTPUT_ACTIVATION": "identity"},
    ],
    ids=["sigmoid", "identity", "relu"],
)
def test_a_learning_rate_of_a_million_diverges_recovers_and_settles(monkeypatch, overrides):
    """NN_LEARNING_RATE = 1e6: the console says "training diverged" right after the first
    batch, and the rate halves on every divergence (1e6, 5e5, ...); the matrix shows the
    DIVERGED notice; nothing raises; the readout only ever shows format_loss of a finite best
    loss or "--"; no NaN or inf reaches the composer's normalised values or the palette.
    Each divergence goes back to the last checkpoint or to fresh weights. After enough
    halvings training settles: 40 batches in a row with finite loss, none diverged."""
    composer = ComposerWatch(monkeypatch)
    readout_problems = []
    notices = []

    def watch(simulation, loop):
        readout_watch(readout_problems)(simulation, loop)
        if loop.scene.message_text == DIVERGED_NOTICE:
            notices.append(simulation.clock.now_ms)

    run = run_code(
        overrides={"NN_LEARNING_RATE": "1000000", **overrides},
        fps=25,
        batches=150,
        watch=watch,
    )
    diverged = [k for k, line in enumerate(run.lines) if line.startswith("training diverged")]
    assert diverged, run.lines[:10]
    first_batch = next(k for k, line in enumerate(run.lines) if line.startswith("("))
    assert diverged[0] == first_batch + 1  # reported right after the first batch line
    assert run.lines[diverged[0]].startswith("training diverged at batch 1 ")

    rates = [float(HALVED.search(run.lines[k])[1]) for k in diverged]
    assert rates[0] == 500000
    assert rates == pytest.approx([1e6 / 2 ** (n + 1) for n in range(len(rates))], rel=1e-5)
    assert run.loop.trainer.schedule.rate0 == 1e6 / 2 ** len(rates)
    recoveries = [line for line in run.lines if line.startswith(("went back", "restarted from"))]
    assert len(recoveries) == len(rates)
    if overrides:  # later divergences go back to the checkpoint saved in between
        assert "went back to the last checkpoint" in recoveries

    assert not composer.problems, composer.problems[:3]
    assert composer.passes > 100 and composer.colour_frames > len(run.frames)
    assert not readout_problems, readout_problems[:3]

    assert notices and notices[0] == next(f.t_ms for f in run.frames if f.batches)
    message = text_picture(DIVERGED_NOTICE, (1, 1), colour=MESSAGE_COLOUR, line_spacing=1.2)
    expected = message.region(OUTSIDE_BOX)
    assert len(expected) > 60 and all(hue(message.at(*xy)) == "neutral" for xy in expected)
    shown = [f for f in run.frames if f.t_ms in notices]
    assert shown and all(f.picture.region(OUTSIDE_BOX) == expected for f in shown)

    settled = [parse_tuple(line) for line in run.lines[diverged[-1] :] if line.startswith("(")]
    assert len(settled) >= 40
    assert all(math.isfinite(batch) and math.isfinite(best) for batch, best, _t in settled)
    assert math.isfinite(run.loop.trainer.best_loss) and not run.loop.trainer.diverged


def test_a_parameter_turning_nan_mid_batch_is_caught_and_never_drawn(monkeypatch):
    """A weight set to NaN in the middle of a batch (what a float32 overflow does on the
    board): the next forward passes carry NaN into the composer, which draws it as dark,
    never as a colour; the batch is reported as diverged (loss nan), the rate halves and the
    run carries on with finite losses; the readout never shows anything but "--" or a
    finite best loss."""
    composer = ComposerWatch(monkeypatch)
    readout_problems = []
    poisoned = []

    def watch(simulation, loop):
        readout_watch(readout_problems)(simulation, loop)
        trainer = loop.trainer
        if not poisoned and trainer.batches == 3 and trainer.sample_in_batch == 10:
            trainer.network.weights[0][0][0] = float("nan")
            poisoned.append(simulation.clock.now_ms)

    run = run_code(batches=10, watch=watch, fps=50)
    assert poisoned
    assert composer.non_finite_inputs > 0  # NaN really reached show_forward / show_backward
    assert not composer.problems, composer.problems[:3]
    assert not readout_problems, readout_problems[:3]
    diverged = [line for line in run.lines if line.startswith("training diverged")]
    assert diverged == ["training diverged at batch 4 (loss nan); learning rate halved to 0.25"]
    assert run.loop.trainer.learning_rate == 0.25
    weights = run.loop.trainer.network.weights
    assert all(math.isfinite(w) for layer in weights for row in layer for w in row)
    assert "went back to the last checkpoint" in run.lines
    assert all(math.isfinite(batch) for batch, _best, _test in run.batch_lines()[4:])


# -- 5. nvm write failure ------------------------------------------------------------------


def test_a_read_only_nvm_is_reported_once_and_training_goes_on(
    long_run, tmp_path, monkeypatch, saves
):
    """Every nvm write raises OSError(30, "Read-only filesystem"): the console says so once,
    although autosave tries again (a save after the restart; the restart itself writes
    nothing, as the records on file are other settings', which it keeps); a failed save
    waits CHECKPOINT_MINUTES like a good one, so 30 batches make only two save attempts;
    batch lines keep coming and the file is untouched."""
    path = copy_of(long_run, tmp_path)
    before = path.read_bytes()
    attempts = []

    def read_only(self, index, value):
        attempts.append(index)
        raise OSError(30, "Read-only filesystem")

    monkeypatch.setattr(nvm_module.ByteArray, "__setitem__", read_only)
    run = run_code(
        overrides={**SAVING, "NN_LEARNING_RATE": "0.25"},  # the records on file are stale
        presses="up@3000:2300,down@3100:2200",
        batches=30,
        nvm_path=path,
        keep_frames=False,
    )
    reports = [line for line in run.lines if line.startswith("cannot write the checkpoint")]
    assert reports == [
        "cannot write the checkpoint ([Errno 30] Read-only filesystem); training goes on"
    ]
    assert any(line.startswith("restart, seed") for line in run.lines)
    sizes = [len(range(*index.indices(nvm_module.NVM_SIZE))) for index in attempts]
    record = checkpoint.record_size([2, 3, 3, 1])
    assert sizes == [record, record]  # a save before the restart and one after
    after = run.lines.index(reports[0])
    assert sum(line.startswith("(") for line in run.lines[after:]) >= 25
    assert len(run.batch_lines()) == 30
    assert path.read_bytes() == before


# -- 6. settings.toml mistakes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "key", "report"),
    [
        (
            {"NN_LAYER": "2,4,1"},
            "NN_LAYER",
            "settings.toml: NN_LAYER: unknown setting, ignored (see README)",
        ),
        (
            {"NN_LAYERS": "2," + "3," * 28 + "1"},
            "NN_LAYERS",
            "settings.toml: NN_LAYERS: network [2, 3, 3, 3, ",
        ),
        (
            {"nn_layers": "2,4,1"},
            "nn_layers",
            "settings.toml: nn_layers: line 1 ignored, keys are case-sensitive (NN_LAYERS)",
        ),
    ],
    ids=["typo", "thirty-layers", "lowercase"],
)
def test_a_settings_mistake_is_named_shown_and_the_defaults_train(overrides, key, report):
    """A misspelt key (NN_LAYER), a 30-layer NN_LAYERS or a lowercase nn_layers, which the
    board does not read: one console line naming the key,
    before the banner; "BAD SETTINGS:" and the key on the matrix for 6 s; the default
    2-3-3-1 network trains."""
    run = run_code(overrides=overrides, until_ms=7000)
    reports = [line for line in run.lines if line.startswith("settings.toml: ")]
    assert len(reports) == 1 and reports[0].startswith(report)
    assert run.lines[0] == reports[0]
    assert run.lines[1].startswith("nn-matrix: 2-3-3-1 ")
    assert run.loop.trainer.network.sizes == [2, 3, 3, 1]

    message = text_picture("BAD SETTINGS:\n" + key, (1, 1), colour=MESSAGE_COLOUR, line_spacing=1.2)
    expected = message.region(OUTSIDE_BOX)
    assert len(expected) > 60
    shown = run.between(0, 6000)
    assert all(f.picture.region(OUTSIDE_BOX) == expected for f in shown)
    assert not any(f.message for f in run.between(6010, 7000))
    assert len(run.batch_lines()) >= 3


def test_lines_the_board_skips_or_cannot_read_are_named_and_shown(tmp_path):
    """The shipped settings.toml behind an unterminated NN_LAYERS line, with a [section] and
    an NN_SEED line after it: the console names each line the board skips or cannot read,
    the matrix each key once, and the default network trains with the run's seed (the
    NN_SEED after the [section] does not count)."""
    shipped = (ROOT / "settings.toml").read_bytes()
    layers = 2 + [line[:10] for line in shipped.split(b"\n")].index(b"NN_LAYERS ")
    header = 2 + shipped.count(b"\n")
    path = tmp_path / "settings.toml"
    path.write_bytes(b'NN_LAYERS = "2,4,1\n' + shipped + b"[extra]\nNN_SEED = 3\n")
    run = run_code(settings=path, until_ms=7000)
    assert run.lines[:4] == [
        "settings.toml: NN_LAYERS: line %d ignored, the board reads line 1 (the first)" % layers,
        "settings.toml: NN_SEED: line %d ignored, the board stops at the [section] on line %d"
        % (header + 1, header),
        "settings.toml: NN_LAYERS: line 1 unreadable to the board (check its quotes);"
        " using 2,3,3,1",
        "nn-matrix: 2-3-3-1 sigmoid->sigmoid, loss mse, momentum lr 0.5 constant, batch 32,"
        " regression data, seed %d" % SHORT_RUN["NN_SEED"],
    ]
    message = text_picture(
        "BAD SETTINGS:\nNN_LAYERS\nNN_SEED", (1, 1), colour=MESSAGE_COLOUR, line_spacing=1.2
    )
    expected = message.region(OUTSIDE_BOX)
    assert all(f.picture.region(OUTSIDE_BOX) == expected for f in run.between(0, 6000))
    assert len(run.batch_lines()) >= 3


# -- 7. a torn nvm at boot -----------------------------------------------------------------------


def half_a_record(long_run):
    """Erased flash with the first half of an intact record at the start (a write cut short)."""
    state, _ = stored(long_run[0], SAVING)
    memory = bytearray([0xFF]) * nvm_module.NVM_SIZE
    memory[: len(state.record) // 2] = state.record[: len(state.record) // 2]
    return memory


def magic_then_garbage(long_run):
    """Random bytes everywhere, with the record magic at 0 and half way (the old slots)."""
    generator = random.Random(7)
    memory = bytearray(generator.getrandbits(8) for _ in range(nvm_module.NVM_SIZE))
    memory[0:4] = memory[SLOT_SIZE : SLOT_SIZE + 4] = checkpoint.MAGIC
    return memory


def newest_torn(long_run):
    """The long run's nvm with the newest record's second half erased (cut off mid-write)."""
    memory = bytearray(long_run[0].read_bytes())
    state, _ = stored(long_run[0], SAVING)
    middle = state.slot + len(state.record) // 2
    memory[middle : state.slot + len(state.record)] = bytes([0xFF]) * (
        len(state.record) - len(state.record) // 2
    )
    return memory


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (half_a_record, "starting fresh: checkpoint damaged"),
        (magic_then_garbage, "starting fresh: checkpoint damaged"),
        (newest_torn, "resumed from checkpoint: "),
    ],
    ids=["half-a-record", "garbage", "newest-torn"],
)
def test_a_torn_nvm_at_boot_starts_fresh_or_uses_the_older_record(
    long_run, tmp_path, damage, expected
):
    """Half a record, garbage behind the magic, or the newest of two records torn: code.py
    boots without an exception, says "starting fresh: checkpoint damaged" or resumes from
    the older intact record (its epoch and batch), and trains; after a fresh start the
    first save is an intact record that loads."""
    path = tmp_path / "nvm.bin"
    older = None
    if damage is newest_torn:
        newest, _ = stored(long_run[0], SAVING)
        kept = checkpoint.records(nvm_module.ByteArray(long_run[0]))
        older = [state for state in kept if getattr(state, "sequence", 0) == newest.sequence - 1]
        assert len(older) == 1
        older = older[0]
    path.write_bytes(damage(long_run))

    run = run_code(overrides=SAVING, batches=3, nvm_path=path, fps=25)
    line = starts(run.lines)
    assert line.startswith(expected)
    if older is not None:
        assert line == "resumed from checkpoint: epoch %d, batch %d" % (older.epoch, older.batches)
    else:
        state, reason = stored(path, SAVING)
        assert state is not None, reason
        assert state.sequence >= 1 and state.batches <= 3
    assert len(run.batch_lines()) == 3
