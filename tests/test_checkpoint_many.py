"""Checkpoints of several settings share the nvm: each settings keeps its newest record while
there is room, the least recently saved settings give way first, and a power cut during a
save never costs the saving settings their last good record."""

import pytest

from app.autosave import Autosave, fingerprint
from nn.checkpoint import OTHER_SETTINGS, load, restore, save
from tests.test_checkpoint import (
    PRINT,
    SEED,
    BareTrainer,
    CountingNvm,
    PowerCut,
    TearingNvm,
    default_settings,
    make_trainer,
    state_of,
)

SIZES = [2, 3, 3, 1]
OTHER_SIZES = [2, 4, 1]
DEFAULT_RECORDS = 32  # 2-3-3-1 records (244 bytes, 256 with their padding) in 8 KB


def settings_with(**changes):
    """The default settings with ``changes`` (as app.settings.read would give them)."""
    settings = dict(default_settings())
    settings.update(changes)
    return settings


def key(number):
    """The fingerprint of the ``number``-th of many settings (same shape, other runs)."""
    return PRINT + "\nrun %d" % number


def resumes(memory, number):
    """The batch count the ``number``-th settings resume at, or None."""
    state, _ = load(memory, key(number), SIZES)
    return None if state is None else state.batches


def test_switching_layers_back_and_forth_resumes_each():
    """2-3-3-1 trains and saves, 2-4-1 trains and saves twice (enough to fill both slots of
    a two-slot memory), then 2-3-3-1 resumes exactly where it was, and so on back again."""
    memory = bytearray([0xFF]) * 8192
    prints = {
        "A": fingerprint(settings_with(NN_LAYERS=SIZES)),
        "B": fingerprint(settings_with(NN_LAYERS=OTHER_SIZES)),
    }
    trainers = {"A": make_trainer(batches=0), "B": make_trainer(batches=0, sizes=OTHER_SIZES)}
    for turn in "ABABA":
        trainer = trainers[turn]
        for _ in range(2):
            trainer.train_batch()
            save(memory, trainer, SEED, prints[turn])
        other = "B" if turn == "A" else "A"
        fresh = make_trainer(batches=0, seed=SEED + 1, sizes=trainers[other].network.sizes)
        state, reason = load(memory, prints[other], fresh.network.sizes)
        if trainers[other].batches == 0:  # not trained yet
            assert state is None and reason == OTHER_SETTINGS
            continue
        assert reason is None, turn
        restore(fresh, state)
        assert state_of(fresh) == state_of(trainers[other]), turn
        assert fresh.batches == trainers[other].batches > 0


def test_switching_seeds_back_and_forth_resumes_each():
    """NN_SEED 5, then 6 (two saves), then 5 again: the app finds seed 5's record; NN_SEED 0
    (any seed) finds the newest, and a seed never saved is refused, naming the newest seed."""
    memory = bytearray([0xFF]) * 8192
    trainer = make_trainer(batches=0)
    for seed, batches in ((5, 1), (5, 2), (6, 3), (6, 4)):
        trainer.batches = batches
        save(memory, trainer, seed, PRINT)
    found = {}
    for wanted in (5, 6, 0, 7):
        state, reason = Autosave(memory, settings_with(NN_SEED=wanted)).find()
        found[wanted] = (state.seed, state.batches) if state else reason
    assert found == {
        5: (5, 2),
        6: (6, 4),
        0: (6, 4),
        7: "checkpoint is for seed 6, settings ask for 7",
    }


def test_many_settings_fill_the_memory_and_the_least_recently_saved_give_way():
    """16 settings saved twice fill the 8 KB (32 records); 16 more, saved once each, take
    the older records of the others, oldest settings first, so all 32 still resume; then
    every new settings takes the room of the least recently saved one, whatever order the
    settings were first seen in, and the saving settings always keep their newest record."""
    memory = CountingNvm()
    trainer = BareTrainer(SIZES)
    count = [0]

    def save_as(number):
        count[0] += 1
        trainer.batches = count[0]
        save(memory, trainer, SEED, key(number))
        return count[0]

    saved = {}
    for number in range(16):
        save_as(number)
        saved[number] = save_as(number)
    saved[0] = save_as(0)  # the first settings are now the most recently saved
    assert all(resumes(memory, number) == saved[number] for number in range(16))
    writes = len(memory.writes)
    for number in range(16, 32):
        saved[number] = save_as(number)
        assert all(resumes(memory, n) == saved[n] for n in saved), number
    assert len(memory.writes) == writes + 16  # one write per save, nothing moved
    # Full: 32 settings with one record each. Settings 1 are now the least recently saved.
    for number in range(32, 40):
        saved[number] = save_as(number)
        gone = number - 31  # 1, 2, ... (0 was saved after them)
        assert resumes(memory, gone) is None, number
        del saved[gone]
        assert all(resumes(memory, n) == saved[n] for n in saved), number
    assert resumes(memory, 0) == saved[0]
    # Saving the newest settings again keeps its newest record, taking the next oldest's room.
    saved[39] = save_as(39)
    assert resumes(memory, 39) == saved[39] and resumes(memory, 9) is None


@pytest.mark.parametrize("others", [1, 31], ids=["one-other", "full"])
def test_a_torn_save_never_costs_the_current_settings_their_last_record(others):
    """Settings A saved once, then ``others`` other settings once each (31: the memory is
    full). A's next save is cut off after every byte count (over old bytes or erased
    flash): A still resumes its earlier record, and so does every other settings but the
    one whose room A's save took."""
    memory = bytearray([0xFF]) * 8192
    trainer = BareTrainer(SIZES)
    trainer.batches = 1
    save(memory, trainer, SEED, key(0))
    for number in range(1, others + 1):
        trainer.batches = number + 1
        save(memory, trainer, SEED, key(number))
    trainer.batches = 99
    for erased in (False, True):
        for keep in range(0, 244, 3):
            torn = TearingNvm(memory, keep, erased)
            with pytest.raises(PowerCut):
                save(torn, trainer, SEED, key(0))
            assert resumes(torn.data, 0) == 1, (erased, keep)
            kept = [number for number in range(1, others + 1) if resumes(torn.data, number)]
            assert len(kept) >= others - 1, (erased, keep)


def test_a_restart_forgets_the_current_settings_only():
    """Both buttons held (Autosave.clear) forget what these settings would resume; another
    layer shape's checkpoint stays."""
    memory = bytearray([0xFF]) * 8192
    first, second = settings_with(NN_SEED=5), settings_with(NN_SEED=5, NN_LAYERS=OTHER_SIZES)
    for settings in (first, second):
        trainer = make_trainer(batches=1, sizes=settings["NN_LAYERS"])
        saver = Autosave(memory, settings)
        saver.seed = 5
        saver.maybe_save(trainer, 0)
    Autosave(memory, first).clear()
    assert Autosave(memory, first).find() == (None, OTHER_SETTINGS)
    state, reason = Autosave(memory, second).find()
    assert reason is None and state.sizes == OTHER_SIZES
