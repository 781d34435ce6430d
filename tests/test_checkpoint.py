"""Checkpoints in nvm: exact round trips, records of many settings side by side, and no torn,
bit-flipped or garbage record ever loading as valid (a power cut may strike during any write)."""

import ast
import random
import struct
import zlib

import pytest

import nn
from app import settings as settings_module
from app.autosave import TRAINING_KEYS, Autosave, fingerprint
from nn import checkpoint
from nn.checkpoint import (
    DAMAGED,
    NO_CHECKPOINT,
    OTHER_FORMAT,
    OTHER_SETTINGS,
    fingerprint_code,
    load,
    record_size,
    restore,
    save,
    snapshot,
)
from render.layout import Layout
from sim.devices.nvm import ByteArray
from tests.device import BOARD_HEAP, ROOT, mpy_cross_errors, on_both

SIZES = [2, 3, 3, 1]
SEED = 5
RECORD = 244  # bytes in a 2-3-3-1 record
STRIDE = 256  # where the next 2-3-3-1 record starts: 4 blocks of 64 bytes
FAILURES = (NO_CHECKPOINT, DAMAGED, OTHER_FORMAT, OTHER_SETTINGS)


def default_settings():
    """The settings a board with an empty settings.toml runs with."""
    return settings_module.read(lambda key: None)[0]


PRINT = fingerprint(default_settings())


def make_trainer(seed=SEED, batches=3, sizes=SIZES):
    """A trainer on the default problem after ``batches`` batches (velocities non-zero)."""
    train_x, train_y, test_x, test_y = nn.problems.load("regression", seed=1)
    network = nn.Network(list(sizes), seed=seed)
    trainer = nn.Trainer(network, train_x, train_y, test_x, test_y, batch_size=32)
    for _ in range(batches):
        trainer.train_batch()
    return trainer


def f32(x):
    """x rounded to float32, as a record stores it."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def state_of(trainer):
    """Every number a checkpoint keeps, rounded to float32, plus the counters."""
    optimizer = trainer.optimizer
    net = trainer.network
    floats = []
    for links, layers in (
        (net.weights, net.biases),
        (optimizer.weight_velocity, optimizer.bias_velocity),
    ):
        floats += [f32(v) for layer in links for row in layer for v in row]
        floats += [f32(v) for row in layers for v in row]
    best = None if trainer.best_loss is None else f32(trainer.best_loss)
    return floats, trainer.epoch, trainer.batches, best


class CountingNvm:
    """An nvm stand-in over a bytearray that logs every assignment as (start, stop, bytes)."""

    def __init__(self, size=8192, fill=0xFF):
        self.data = bytearray([fill]) * size
        self.writes = []

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        return bytes(self.data[index])

    def __setitem__(self, index, value):
        assert isinstance(index, slice), "single-byte writes cost a flash cycle each"
        self.writes.append((index.start, index.stop, len(value)))
        self.data[index] = value


class PowerCut(Exception):
    """The board lost power in the middle of an nvm write."""


class TearingNvm(CountingNvm):
    """Writes only the first ``keep`` bytes of the next assignment, then loses power.

    ``erased`` decides what lies under the rest: the slot's old bytes (a write that
    stopped part way) or 0xFF (flash erased first, then written part way).
    """

    def __init__(self, data, keep, erased):
        super().__init__(len(data))
        self.data[:] = data
        self.keep = keep
        self.erased = erased

    def __setitem__(self, index, value):
        if self.erased:
            self.data[index] = b"\xff" * len(value)
        self.data[index.start : index.start + self.keep] = value[: self.keep]
        raise PowerCut()


# --- CRC-32 ---------------------------------------------------------------------------

# A 2-1 trainer after 2 batches (make_trainer(sizes=[2, 1], batches=2)), saved in format 1 by
# the pure-Python CRC-32 nn carried before binascii.crc32 (nn/crc32.py, commit 31140ed) with
# fingerprint 0x12345678 as sequence 7. Format 1 records came from the interpreter's own
# ``random``, whose numbers for a seed nn.rng no longer makes.
OLD_RECORD = bytes.fromhex(
    "4e4e636b01030200420000000700000078563412050000000000000002000000cb091b3c0201b0bc"
    "7d3efa35003f8a2f0b3f13aa3d3bdfca1d3c619bf2bc01f648ff"
)


def test_a_record_of_the_old_generator_is_refused_as_another_format():
    """A format 1 record is intact (binascii.crc32 is the CRC-32 it was written with: a
    damaged one reads as damaged instead) but refused, so a board never resumes its weights
    on the different data set nn.rng now makes from its seed."""
    memory = bytearray([0xFF]) * 8192
    memory[0 : len(OLD_RECORD)] = OLD_RECORD
    assert OLD_RECORD[4] == 1 != checkpoint.FORMAT_VERSION
    assert checkpoint.read_slot(memory, 0, 4096) == (None, OTHER_FORMAT)
    assert load(memory, PRINT) == (None, OTHER_FORMAT)
    memory[5] ^= 1  # one flipped bit: the CRC no longer matches
    assert checkpoint.read_slot(memory, 0, 4096) == (None, DAMAGED)


# --- settings fingerprint ---------------------------------------------------------------


def test_fingerprint_covers_every_training_setting_in_sorted_order():
    """Every NN_ setting except the seed (kept in the record) shapes the fingerprint."""
    keys = {spec[0] for spec in settings_module.SPECS if spec[0].startswith("NN_")}
    assert tuple(sorted(keys - {"NN_SEED"})) == TRAINING_KEYS


def test_fingerprint_changes_with_each_setting_and_not_with_dict_order():
    """A changed training setting changes the fingerprint; the seed, the display settings
    and the order keys were inserted in do not."""
    base = default_settings()
    backwards = {key: base[key] for key in reversed(list(base))}
    assert fingerprint(backwards) == PRINT
    changes = {
        "NN_LAYERS": [2, 4, 1],
        "NN_ACTIVATION": "tanh",
        "NN_OUTPUT_ACTIVATION": "identity",
        "NN_LOSS": "bce",
        "NN_OPTIMIZER": "sgd",
        "NN_MOMENTUM": 0.8,
        "NN_LEARNING_RATE": 0.25,
        "NN_SCHEDULE": "step",
        "NN_SCHEDULE_FACTOR": 0.25,
        "NN_SCHEDULE_EPOCHS": 11,
        "NN_BATCH_SIZE": 16,
        "NN_DATASET": "xor",
    }
    assert set(changes) == set(TRAINING_KEYS)
    prints = {PRINT}
    for key, value in changes.items():
        changed = dict(base)
        changed[key] = value
        prints.add(fingerprint(changed))
    assert len(prints) == len(changes) + 1
    for key, value in (("NN_SEED", 99), ("PULSE_MS", 50), ("SHOW_LOSS", False)):
        same = dict(base)
        same[key] = value
        assert fingerprint(same) == PRINT
    assert "NN_LAYERS=2,3,3,1\nNN_LEARNING_RATE=0.5\n" in fingerprint(base)


def test_records_of_earlier_versions_still_resume_under_the_default_settings():
    """The record keeps the CRC-32 of the fingerprint text; earlier versions wrote 3912333965
    for the defaults (nn built the same text then), so their checkpoints still match."""
    assert fingerprint_code(PRINT) == 3912333965 == zlib.crc32(PRINT.encode())
    assert fingerprint_code(PRINT.encode()) == fingerprint_code(PRINT)


# --- sizes ----------------------------------------------------------------------------


def largest_panel_shape():
    """The most parameters the 64x32 panel can show: as many layers of 5 as fit."""
    layers = 2
    while True:
        try:
            Layout([5] * (layers + 1))
        except ValueError:
            return [5] * layers
        layers += 1


def test_record_sizes_fit_a_slot(record_property):
    """2-3-3-1 takes 244 bytes; the largest shape the panel fits stays within a 4 KB slot."""
    largest = largest_panel_shape()
    assert struct.calcsize(checkpoint.HEADER) == checkpoint.HEADER_SIZE
    assert record_size(SIZES) == len(snapshot(make_trainer(batches=0), 1, PRINT)) == RECORD
    assert record_size([5] * 6) == 1246
    assert len(largest) == 10 and record_size(largest) == 2210
    # Two of the largest records (35 blocks each) fit in 8 KB beside each other.
    assert 2 * checkpoint.blocks(record_size(largest)) * checkpoint.BLOCK <= 8192
    record_property("record 2-3-3-1", record_size(SIZES))
    record_property("record %s" % largest, record_size(largest))


class BareTrainer:
    """Just what save() reads, for shapes the data sets do not fit (5 inputs)."""

    def __init__(self, sizes):
        self.network = nn.Network(sizes, seed=9)
        self.optimizer = nn.SGD(sizes, momentum=0.9)
        rng = random.Random(9)
        for layer in self.optimizer.weight_velocity:
            for row in layer:
                row[:] = [rng.uniform(-1, 1) for _ in row]
        self.epoch, self.batches, self.best_loss = 7, 123, 0.25


def test_largest_panel_shape_saves_and_loads():
    """A checkpoint of the largest shape is one write that reads back bit for bit."""
    largest = largest_panel_shape()
    trainer = BareTrainer(largest)
    memory = ByteArray()
    assert save(memory, trainer, 3, PRINT) == 1
    assert memory.write_count == 1
    state, reason = load(memory, PRINT, largest)
    assert reason is None and state.sizes == largest
    assert bytes(state.record) == bytes(snapshot(trainer, 3, PRINT, 1))


def test_a_record_too_big_for_the_nvm_is_refused_clearly():
    """save() raises ValueError naming the bytes needed, and writes nothing: into 200 bytes,
    and into 400 bytes already holding one record of these settings (kept)."""
    memory = CountingNvm(size=200)
    with pytest.raises(ValueError, match="needs 244 bytes; this nvm of 200 bytes has no room"):
        save(memory, make_trainer(batches=0), SEED, PRINT)
    assert memory.writes == []
    memory = CountingNvm(size=400)
    save(memory, make_trainer(batches=1), SEED, PRINT)
    with pytest.raises(ValueError, match="needs 244 bytes; this nvm of 400 bytes has no room"):
        save(memory, make_trainer(batches=2), SEED, PRINT)
    assert len(memory.writes) == 1 and load(memory, PRINT)[0].batches == 1


# --- round trip and slots -----------------------------------------------------------


def test_round_trip_restores_every_number_exactly_at_float32():
    """Weights, biases, velocities, epoch, batches and best loss come back as saved."""
    trained = make_trainer(batches=40)  # past one epoch (17 batches)
    memory = ByteArray()
    save(memory, trained, SEED, PRINT)
    fresh = make_trainer(seed=SEED + 1, batches=0)
    state, reason = load(memory, PRINT, SIZES)
    assert reason is None
    assert (state.seed, state.epoch, state.batches) == (SEED, 2, 40)
    restore(fresh, state)
    assert state_of(fresh) == state_of(trained)
    assert fresh.optimizer.weight_velocity[0][0][0] != 0.0
    assert fresh.learning_rate == fresh.schedule.rate(2)
    assert fresh.test_loss == fresh.network.loss_on(fresh.test_x, fresh.test_y)
    assert (fresh.batch_in_epoch, fresh.sample_in_batch) == (0, 0)
    fresh.train_batch()  # and it trains on
    assert fresh.batches == 41


def test_missing_or_nan_best_loss_comes_back_as_none():
    """No best loss yet (or a NaN one) is a flag, not a number."""
    for best in (None, float("nan")):
        trainer = make_trainer(batches=0)
        trainer.best_loss = best
        memory = bytearray([0xFF]) * 8192
        save(memory, trainer, SEED, PRINT)
        state, _ = load(memory, PRINT)
        assert state.best_loss is None


def test_saves_fill_free_blocks_in_one_write_each_and_the_newest_wins():
    """Sequence 1, 2, 3... goes to the next free blocks (4 blocks of 64 bytes per 244-byte
    record); each save is one slice assignment of the whole record; load returns the latest."""
    memory = CountingNvm()
    trainer = make_trainer(batches=0)
    for sequence in range(1, 6):
        trainer.train_batch()
        assert save(memory, trainer, SEED, PRINT) == sequence
        start = (sequence - 1) * STRIDE
        assert memory.writes[-1] == (start, start + RECORD, RECORD)
        assert len(memory.writes) == sequence
        state, reason = load(memory, PRINT)
        assert reason is None
        assert (state.sequence, state.slot, state.batches) == (sequence, start, sequence)


def test_every_save_is_one_write_on_the_simulated_nvm():
    """The simulator's nvm.ByteArray counts one erase/write cycle per save."""
    memory = ByteArray()
    trainer = make_trainer(batches=1)
    for count in range(1, 4):
        save(memory, trainer, SEED, PRINT)
        assert memory.write_count == count


def test_sequence_numbers_wrap_around():
    """After sequence 2**32 - 1 comes 0, and 0 counts as the newer of the two."""
    trainer = make_trainer(batches=1)
    memory = bytearray([0xFF]) * 8192
    memory[4096 : 4096 + RECORD] = snapshot(trainer, SEED, PRINT, 0xFFFFFFFF)
    assert load(memory, PRINT)[0].sequence == 0xFFFFFFFF
    assert save(memory, trainer, SEED, PRINT) == 0
    state, _ = load(memory, PRINT)
    assert (state.sequence, state.slot) == (0, 0)
    assert save(memory, trainer, SEED, PRINT) == 1
    assert load(memory, PRINT)[0].slot == STRIDE


def test_a_checkpoint_survives_a_reboot_of_the_simulator(tmp_path):
    """Saved through a file-backed nvm.ByteArray, it loads from a new one on that file."""
    trainer = make_trainer(batches=2)
    save(ByteArray(tmp_path / "nvm.bin"), trainer, SEED, PRINT)
    state, reason = load(ByteArray(tmp_path / "nvm.bin"), PRINT, SIZES)
    assert reason is None and state.batches == 2


def saved_pair():
    """nvm holding records #1 (at 0, 1 batch) and #2 (at STRIDE, 2 batches), the trainer
    after 3 batches and its record #3, which would go to the free blocks after them."""
    memory = bytearray([0xFF]) * 8192
    trainer = make_trainer(batches=0)
    for _ in range(2):
        trainer.train_batch()
        save(memory, trainer, SEED, PRINT)
    trainer.train_batch()
    return memory, trainer, bytes(snapshot(trainer, SEED, PRINT, 3))


def test_a_damaged_slot_falls_back_to_the_other():
    """Whichever slot is damaged, the other one's record loads."""
    memory, _, _ = saved_pair()
    for start, batches in ((STRIDE, 1), (0, 2)):
        damaged = bytearray(memory)
        damaged[start + 100] ^= 0x10
        state, reason = load(damaged, PRINT)
        assert reason is None and state.batches == batches


# --- power cuts, bit flips and garbage --------------------------------------------------


def test_a_write_torn_at_every_byte_never_loads_and_the_previous_record_does(record_property):
    """A power cut after 0..243 bytes of record #3 (over #1's bytes, or over erased flash):
    load() never returns #3 (or garbage), never raises, and returns #2."""
    memory, trainer, new = saved_pair()
    tried = 0
    for erased in (False, True):
        for keep in range(len(new)):
            torn = TearingNvm(memory, keep, erased)
            with pytest.raises(PowerCut):
                save(torn, trainer, SEED, PRINT)
            assert torn.writes == [] and bytes(torn.data[keep:RECORD]) != new[keep:]
            state, reason = load(torn, PRINT)
            assert reason is None and (state.sequence, state.batches) == (2, 2), keep
            tried += 1
    record_property("torn offsets tried", tried)


@pytest.mark.slow
def test_the_largest_record_torn_at_every_byte_never_loads():
    """The same for the largest panel shape's 2210-byte record, torn over its predecessor."""
    largest = largest_panel_shape()
    trainer = BareTrainer(largest)
    memory = bytearray([0xFF]) * 8192
    for batches in (1, 2):
        trainer.batches = batches
        save(memory, trainer, SEED, PRINT)
    trainer.batches = 3
    for keep in range(record_size(largest)):
        torn = TearingNvm(memory, keep, False)
        with pytest.raises(PowerCut):
            save(torn, trainer, SEED, PRINT)
        state, reason = load(torn, PRINT)
        assert reason is None and (state.sequence, state.batches) == (2, 2), keep


def test_the_first_save_torn_at_every_byte_leaves_no_checkpoint():
    """With nothing saved before, a torn first record reads as absent or damaged."""
    trainer = make_trainer(batches=1)
    for keep in range(RECORD):
        torn = TearingNvm(bytearray([0xFF]) * 8192, keep, True)
        with pytest.raises(PowerCut):
            save(torn, trainer, SEED, PRINT)
        state, reason = load(torn, PRINT)
        assert state is None and reason == (NO_CHECKPOINT if keep < 4 else DAMAGED), keep


def test_every_single_bit_flip_and_random_multi_bit_flips_are_caught(record_property):
    """All 1952 single-bit flips of a 244-byte record, then 3000 random sets of 2-16 flips
    (seeded): never valid, never an exception; with an intact older record, it loads."""
    memory, _, _ = saved_pair()
    alone = bytearray([0xFF]) * 8192
    alone[STRIDE:] = memory[STRIDE:]  # record #2 by itself
    flips = []
    for bit in range(RECORD * 8):
        flips.append((bit,))
    rng = random.Random(2024)
    for _ in range(3000):
        flips.append(tuple(rng.sample(range(RECORD * 8), rng.randrange(2, 17))))
    for bits in flips:
        for base in (alone, memory):
            damaged = bytearray(base)
            for bit in bits:
                damaged[STRIDE + bit // 8] ^= 1 << bit % 8
            state, reason = load(damaged, PRINT)
            if base is alone:
                assert state is None and reason in FAILURES, bits
            else:
                assert reason is None and state.sequence == 1, bits
    record_property("bit-flip cases tried", len(flips))


def test_erased_zeroed_and_random_memory_give_no_checkpoint():
    """Fresh (0xFF), zeroed and random nvm, and ones too small for a record, load nothing."""
    rng = random.Random(7)
    memories = [bytearray([0xFF]) * 8192, bytearray(8192), bytearray(0), bytearray(30)]
    memories += [bytearray(rng.randbytes(8192)) for _ in range(50)]
    for memory in memories:
        assert load(memory, PRINT) == (None, NO_CHECKPOINT)


def test_garbage_behind_a_valid_magic_never_loads_or_raises():
    """2000 random records that start with the magic and version (random lengths, layer
    counts and sizes included) are damaged, never an exception."""
    rng = random.Random(11)
    for trial in range(2000):
        memory = bytearray(rng.randbytes(8192))
        for start in (0, 4096):
            memory[start : start + 5] = checkpoint.MAGIC + bytes([checkpoint.FORMAT_VERSION])
            if trial % 2:  # a plausible header: small layer count and length
                memory[start + 6] = rng.randrange(40)
                struct.pack_into("<I", memory, start + 8, rng.randrange(4200))
        state, reason = load(memory, PRINT)
        assert state is None and reason == DAMAGED


def test_other_settings_are_refused_with_the_reason():
    """A record made under other settings (or for another shape) is not resumed."""
    memory, _, _ = saved_pair()
    other = dict(default_settings())
    other["NN_LEARNING_RATE"] = 0.1
    assert load(memory, fingerprint(other)) == (None, OTHER_SETTINGS)
    assert load(memory, PRINT, [2, 4, 1]) == (None, OTHER_SETTINGS)
    assert load(memory, PRINT, SIZES)[1] is None


def test_the_newest_record_with_matching_settings_wins():
    """After a run under other settings saved once, the older matching record still loads."""
    memory, trainer, _ = saved_pair()
    save(memory, trainer, SEED, PRINT + "\nother")  # #3 in free blocks, other settings
    state, reason = load(memory, PRINT)
    assert reason is None and (state.sequence, state.slot) == (2, STRIDE)
    assert load(memory, PRINT + "\nother")[0].sequence == 3


def test_another_format_version_is_refused():
    """A record of another format version (with a valid CRC) is not read."""
    memory, _, _ = saved_pair()
    for start in (0, STRIDE):
        memory[start + 4] = checkpoint.FORMAT_VERSION + 1
        end = start + RECORD - 4
        struct.pack_into("<I", memory, end, zlib.crc32(memory[start:end]))
    assert load(memory, PRINT) == (None, OTHER_FORMAT)


def test_restore_refuses_another_shape():
    """restore() into a network of another shape raises ValueError and changes nothing."""
    memory, _, _ = saved_pair()
    state, _ = load(memory, PRINT)
    other = make_trainer(batches=0, sizes=[2, 4, 1])
    weights = [list(row) for row in other.network.weights[0]]
    with pytest.raises(ValueError, match="for a \\[2, 3, 3, 1\\] network"):
        restore(other, state)
    assert other.network.weights[0] == weights


# --- clear and write errors ---------------------------------------------------------------


def test_a_restart_forgets_these_settings_only_with_small_writes():
    """Autosave.clear (both buttons held) zeroes the magic of each record of the running
    settings (of their NN_SEED, or any seed for 0) in one 4-byte write and keeps other
    settings' records; with nothing to forget it writes nothing; a save afterwards goes
    on from the sequence numbers left."""
    memory = CountingNvm()
    settings = default_settings()
    Autosave(memory, settings).clear()
    assert memory.writes == []
    trainer = make_trainer(batches=1)
    for text in (PRINT, PRINT, PRINT + "\nother"):
        save(memory, trainer, SEED, text)
    del memory.writes[:]
    Autosave(memory, dict(settings, NN_SEED=SEED + 1)).clear()
    assert memory.writes == []
    Autosave(memory, dict(settings, NN_SEED=0)).clear()
    assert memory.writes == [(0, 4, 4), (STRIDE, STRIDE + 4, 4)]
    assert load(memory, PRINT) == (None, OTHER_SETTINGS)
    assert load(memory, PRINT + "\nother")[0].sequence == 3
    assert save(memory, trainer, SEED, PRINT) == 4 and memory.writes[-1][0] == 0


class ReadOnlyNvm(CountingNvm):
    """Writes fail as on a board whose flash is not writable."""

    def __setitem__(self, index, value):
        raise OSError(30, "Read-only filesystem")


def test_a_failing_write_raises_its_oserror():
    """save() passes the memory's OSError on, for the caller to report once."""
    with pytest.raises(OSError) as error:
        save(ReadOnlyNvm(), make_trainer(batches=0), SEED, PRINT)
    assert error.value.errno == 30


# --- device truth -----------------------------------------------------------------------


def test_compiles_with_mpy_cross():
    """Valid MicroPython grammar."""
    assert mpy_cross_errors(ROOT / "nn" / "checkpoint.py") == ""


# On top of nn, its data and trainer, the run holds the 8 KB nvm stand-in (outside the heap on
# the board) and the checkpoint module (~10 KB live on the 64-bit wheel, ~24 KB more while it
# compiles): the wheel needs more than its usual heap; the board-faithful build runs it all in
# the board's 64 KB (measured: 52 KB live at most).
HEAPS = {"wheel": "128K", "board": BOARD_HEAP}
DEVICE_SCRIPT = """
import binascii
import gc
import struct

# Compiled from source here (the board gets .mpy files): all of it first, checkpoint first,
# while the heap is in one piece, or the data's 6 KB array finds no gap in the board's 64 KB.
from nn import checkpoint, problems, Network, Trainer


def exact(value):
    # The numbers of nested lists, flat, each as its IEEE double in hex: exact in any float
    # format (the board's 30-bit floats widen to doubles exactly).
    if isinstance(value, (list, tuple)):
        return " ".join(exact(item) for item in value)
    return binascii.hexlify(struct.pack("<d", value)).decode()


gc.collect()
print("heap nn", gc.mem_alloc())
memory = bytearray(8192)  # the board's nvm is outside the heap; allocated early, in one piece
train_x, train_y, test_x, test_y = problems.load("regression", seed=1)
trainer = Trainer(Network([2, 3, 3, 1], seed=5), train_x, train_y, test_x, test_y)
for _ in range(20):
    trainer.train_batch()
gc.collect()
print("heap trainer", gc.mem_alloc())
for _ in range(3):
    sequence = checkpoint.save(memory, trainer, 5, %r)
gc.collect()
print("heap saved", gc.mem_alloc())
print("sequence", sequence)
print("saved", exact((trainer.network.weights, trainer.network.biases)))
print("velocity", exact(trainer.optimizer.weight_velocity))
print("counters", trainer.epoch, trainer.batches, exact(trainer.best_loss))
print("record", list(memory[512:512 + %d]))  # #3, after #1 and #2
trainer.network.randomise()
trainer.restart()
state, reason = checkpoint.load(memory, %r, [2, 3, 3, 1])
print("reason", reason)
checkpoint.restore(trainer, state)
print("loaded", exact((trainer.network.weights, trainer.network.biases)))
print("velocity", exact(trainer.optimizer.weight_velocity))
print("counters", trainer.epoch, trainer.batches, exact(trainer.best_loss))
print("crc", binascii.crc32(b"123456789"), binascii.crc32(memory[512:512 + %d]))
print("other", checkpoint.load(memory, %r))
"""


def numbers(text):
    """The numbers DEVICE_SCRIPT's ``exact`` printed."""
    return [struct.unpack("<d", bytes.fromhex(word))[0] for word in text.split()]


@on_both
def test_the_device_saves_and_loads_a_2_3_3_1_trainer(record_property, interpreter):
    """On the device: save three times into a bytearray(8192), scramble the trainer, load
    and restore: the same weights, velocities and counters (float32), and a record CPython
    reads back to the same numbers."""
    script = DEVICE_SCRIPT % (PRINT, RECORD, PRINT, RECORD - 4, PRINT + "\nother")
    result = interpreter.run(script, heap=HEAPS[interpreter.name])
    assert result.returncode == 0, result.stdout + result.stderr
    lines = {}
    for line in result.stdout.splitlines():
        key, _, value = line.partition(" ")
        lines.setdefault(key, []).append(value)
    assert lines["sequence"] == ["3"] and lines["reason"] == ["None"]
    record = bytes(ast.literal_eval(lines["record"][0]))
    # The devices' binascii.crc32 is zlib's: the check value, and the record's own CRC.
    assert lines["crc"] == ["%d %d" % (0xCBF43926, zlib.crc32(record[:-4]))]
    assert lines["other"] == ["(None, '%s')" % OTHER_SETTINGS]
    saved, loaded = numbers(lines["saved"][0]), numbers(lines["loaded"][0])
    assert len(saved) == 25 and loaded == pytest.approx(saved, rel=1e-6)
    assert [f32(v) for v in saved] == loaded
    velocity = [numbers(text) for text in lines["velocity"]]
    assert [f32(v) for v in velocity[0]] == velocity[1]
    before, after = [text.split(" ", 2) for text in lines["counters"]]
    assert before[:2] == after[:2] and numbers(after[2]) == [f32(v) for v in numbers(before[2])]
    # The record the device wrote is one CPython reads, with the same numbers.
    memory = bytearray([0xFF]) * 8192
    memory[0:RECORD] = record
    state, reason = load(memory, PRINT, SIZES)  # read at another place, too
    assert reason is None and state.sequence == 3
    trainer = make_trainer(batches=0)
    restore(trainer, state)
    assert flat((trainer.network.weights, trainer.network.biases)) == loaded
    for line in lines["heap"]:
        name, value = line.split()
        record_property("%s heap %s" % (interpreter.name, name), int(value))


def flat(value):
    """All numbers of nested lists, in order."""
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in flat(item)]
    return [value]


# --- records of many settings -------------------------------------------------------------


def other_print(number):
    """The fingerprint of settings number ``number`` (another learning rate each)."""
    other = dict(default_settings())
    other["NN_LEARNING_RATE"] = 0.001 * (number + 1)
    return fingerprint(other)


def test_switching_settings_back_and_forth_resumes_each():
    """2-3-3-1 saves twice, then 2-4-1 saves twice: 2-3-3-1 still loads its newest record
    (its batches, weights and velocities); after it saves again, 2-4-1 still loads."""
    memory = bytearray([0xFF]) * 8192
    first, second = make_trainer(batches=0), make_trainer(batches=0, sizes=[2, 4, 1])
    other = PRINT + "\nNN_LAYERS=2,4,1"
    for trainer, settings in ((first, PRINT),) * 2 + ((second, other),) * 2:
        trainer.train_batch()
        save(memory, trainer, SEED, settings)
    for trainer, settings in ((first, PRINT), (second, other)):
        state, reason = load(memory, settings, trainer.network.sizes)
        assert reason is None and state.batches == 2
        fresh = make_trainer(batches=0, sizes=trainer.network.sizes)
        restore(fresh, state)
        assert state_of(fresh) == state_of(trainer)
        fresh.train_batch()
        save(memory, fresh, SEED, settings)
    assert load(memory, PRINT, SIZES)[0].batches == load(memory, other)[0].batches == 3


def test_each_seed_keeps_its_own_record():
    """The same settings under seeds 5 and 6: each seed's newest record stays (seed None:
    the newest of either)."""
    memory = bytearray([0xFF]) * 8192
    for seed in (5, 6, 5, 6):
        save(memory, make_trainer(seed=seed, batches=seed + 1), seed, PRINT)
    assert load(memory, PRINT, SIZES, 5)[0].batches == 6
    assert load(memory, PRINT, SIZES, 6)[0].batches == 7
    assert load(memory, PRINT)[0].seed == 6


def loadable(memory, count):
    """The settings numbers (of other_print) whose record loads."""
    return [number for number in range(count) if load(memory, other_print(number))[0]]


def test_new_settings_take_the_room_of_the_least_recently_used():
    """40 settings saved once each in turn: 32 records of 256 bytes fit, so #0..#7 go first.
    Settings #8 saved again become the most recent: the next to go is #9; the next new
    settings take #8's older record first, then #10's room."""
    memory = bytearray([0xFF]) * 8192
    trainer = make_trainer(batches=1)
    for number in range(40):
        save(memory, trainer, SEED, other_print(number))
    assert loadable(memory, 40) == list(range(8, 40))
    save(memory, trainer, SEED, other_print(8))  # takes #9's room, keeps its own record
    assert loadable(memory, 40) == [8] + list(range(10, 40))
    save(memory, trainer, SEED, other_print(40))
    assert loadable(memory, 41) == [8] + list(range(10, 41))
    save(memory, trainer, SEED, other_print(41))
    assert loadable(memory, 42) == [8] + list(range(11, 42))


def test_the_current_settings_keep_two_records_and_others_one_each():
    """Saving the current settings again and again in a full nvm costs other settings only
    their older records and one room for its second record: 31 settings stay loadable."""
    memory = bytearray([0xFF]) * 8192
    trainer = make_trainer(batches=1)
    for number in range(32):
        save(memory, trainer, SEED, other_print(number))
        save(memory, trainer, SEED, other_print(number))  # older records to give up
    for batches in range(2, 12):
        trainer.batches = batches
        save(memory, trainer, SEED, PRINT)
    assert load(memory, PRINT)[0].batches == 11
    assert len(loadable(memory, 32)) + 1 == records_fitting(SIZES) - 1 == 31


def records_fitting(sizes, size=8192):
    """How many records of ``sizes`` an nvm of ``size`` bytes holds."""
    return size // (checkpoint.blocks(record_size(sizes)) * checkpoint.BLOCK)


@pytest.mark.parametrize("erased", [False, True], ids=["over-old-bytes", "erased-first"])
def test_a_torn_save_in_a_full_nvm_keeps_the_current_settings_record(erased):
    """The current settings saved once, then 31 other settings fill the nvm: the current
    record is the oldest of all. A save of the current settings torn after any byte still
    loads the current record, and every other settings' record but the least recently used."""
    memory = bytearray([0xFF]) * 8192
    trainer = make_trainer(batches=1)
    save(memory, trainer, SEED, PRINT)
    for number in range(31):
        save(memory, make_trainer(batches=2), SEED, other_print(number))
    trainer.train_batch()
    for keep in range(0, RECORD, 3):
        torn = TearingNvm(memory, keep, erased)
        with pytest.raises(PowerCut):
            save(torn, trainer, SEED, PRINT)
        state, reason = load(torn, PRINT)
        assert reason is None and (state.sequence, state.batches) == (1, 1), keep
        assert loadable(torn.data, 31) in (list(range(31)), list(range(1, 31))), keep
    save(memory, trainer, SEED, PRINT)
    assert load(memory, PRINT)[0].batches == 2 and loadable(memory, 31) == list(range(1, 31))


def test_a_record_of_the_two_slot_layout_is_read():
    """The records main wrote at 0 and half way (the old slots A and B) load unchanged."""
    trainer = make_trainer(batches=1)
    memory = bytearray([0xFF]) * 8192
    memory[4096 : 4096 + RECORD] = snapshot(trainer, SEED, PRINT, 8)
    memory[0:RECORD] = snapshot(trainer, SEED, PRINT + "x", 7)
    state, reason = load(memory, PRINT)
    assert reason is None and (state.slot, state.sequence) == (4096, 8)
    assert save(memory, trainer, SEED, PRINT) == 9 and load(memory, PRINT + "x")[0]


def largest_allowed_shape():
    """The largest NN_LAYERS the settings accept: 2 inputs, 1 output and as many hidden layers
    of the most nodes allowed as the panel shows."""
    widest = next(spec for spec in settings_module.SPECS if spec[0] == "NN_LAYERS")[3][1]
    hidden = 1
    while True:
        try:
            Layout([2] + [widest] * (hidden + 1) + [1])
        except ValueError:
            return [2] + [widest] * hidden + [1]
        hidden += 1


@pytest.mark.parametrize("shape", ["default", "largest"])
def test_the_readme_says_how_many_settings_keep_a_checkpoint(shape):
    """Other settings saved twice each fill the nvm, then the current settings save three
    times: as many settings stay loadable as the README says, with its record sizes."""
    sizes = SIZES if shape == "default" else largest_allowed_shape()
    size = checkpoint.blocks(record_size(sizes)) * checkpoint.BLOCK
    fitting = records_fitting(sizes)
    memory = bytearray([0xFF]) * 8192
    trainer = BareTrainer(sizes)
    for number in range(fitting + 2):
        for _ in range(2):
            save(memory, trainer, SEED, other_print(number))
    for _ in range(3):
        save(memory, trainer, SEED, PRINT)
    kept = len(loadable(memory, fitting + 2))
    assert load(memory, PRINT)[0] and kept == fitting - 2
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### ... you switch settings and back")[1].split("\n#")[0]
    section = " ".join(section.split())
    name = "-".join(str(count) for count in sizes)
    assert " %s" % name in section
    assert "a record takes %d bytes and %d fit" % (size, fitting) in section
    if shape == "default":
        assert "%d other settings keep one each: %d settings in all" % (kept, kept + 1) in section
    else:
        assert "the current settings and %d others" % kept in section
