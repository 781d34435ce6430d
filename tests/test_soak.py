"""Long runs: the board trains for days, across the 2**29 ms ticks wrap, without growing."""

import gc
import io
import itertools
import sys
import tracemalloc
from array import array

import busdisplay
import pytest

from sim.clock import TICKS_PERIOD, VirtualClock
from sim.runner import ROOT, SerialTee, Simulation, read_settings

SAMPLES = 100_000
BATCH = 32
FRAME_MS = 10  # 100 frames per second of virtual time
PULSE_MS = 20  # the shortest pulse the settings allow: two frames
FAST_FORWARD = 15
WARM_UP = 400  # batches before memory is measured
TRACED = 250  # batches traced by tracemalloc (it slows displayio ~20x)
# Blinka composes one refresh in this many. A cycle is 82 frames, prime to 7, so every frame of
# the cycle is composed in some cycle; the pixels are the picture tests' business.
COMPOSED_EVERY = 7


def compose_every(monkeypatch, n):
    """Let Blinka draw only every n-th refresh; the others report a refresh that ran, as
    the board's would, and leave their changes marked dirty for the next one drawn."""
    compose = busdisplay.BusDisplay.refresh
    refreshes = itertools.count()

    def refresh(self, **kwargs):
        return True if next(refreshes) % n else compose(self, **kwargs)

    monkeypatch.setattr(busdisplay.BusDisplay, "refresh", refresh)


class Discard(io.TextIOBase):
    """A console that keeps nothing (a StringIO would grow with every line)."""

    def write(self, text):
        return len(text)


@pytest.mark.slow
def test_soak_100k_samples_across_the_ticks_wrap(monkeypatch):
    """100 000 samples with animation, the virtual ticks_ms wrapping early in the run:
    every animated cycle takes the same time before and after the wrap, no exception, and
    memory does not grow after warm-up (tracemalloc over a window, allocated blocks over
    the whole run)."""
    batches = SAMPLES // BATCH
    # The simulator's console capture is a ring of lines; lines made before tracing began
    # leaving it would look like growth, so keep it short enough to cycle before measuring.
    monkeypatch.setattr(SerialTee, "KEPT_LINES", 20)
    compose_every(monkeypatch, COMPOSED_EVERY)
    settings = read_settings(
        ROOT / "settings.toml",
        {
            "PULSE_MS": PULSE_MS,
            "BACKWARD_PULSE_MS": PULSE_MS,
            "FAST_FORWARD_BATCHES": FAST_FORWARD,
            "NN_SEED": 21,
        },
    )
    cycle = FAST_FORWARD + 1
    cycle_ms = BATCH * PULSE_MS + PULSE_MS + cycle * FRAME_MS  # pulses, then a frame a batch
    clock = VirtualClock(start_ms=TICKS_PERIOD - cycle_ms * 50)  # wraps after ~800 batches
    # Preallocated and unboxed, so the test's own bookkeeping does not grow while measured.
    batch_seen_at = array("q", [-1]) * (batches + 1)
    memory = {"traced_start": 0, "traced_end": 0, "blocks_warm": 0, "blocks_end": 0}

    def watch(sim):
        done = sim.serial.batches
        if batch_seen_at[done] >= 0:
            return
        batch_seen_at[done] = clock.now_ms
        if done == WARM_UP:
            gc.collect()
            memory["blocks_warm"] = sys.getallocatedblocks()
            tracemalloc.start()
        elif done == WARM_UP + 50:
            gc.collect()
            memory["traced_start"] = tracemalloc.get_traced_memory()[0]
        elif done == WARM_UP + TRACED:
            gc.collect()
            memory["traced_end"] = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
        elif done == batches - 1:
            gc.collect()
            memory["blocks_end"] = sys.getallocatedblocks()

    simulation = Simulation(
        settings, batches=batches, fps=1000 // FRAME_MS, clock=clock, on_frame=watch
    )
    try:
        serial = simulation.run(stdout=Discard())
    finally:
        tracemalloc.stop()
    assert serial.batches == batches
    assert not [line for line in serial.lines if line.startswith("settings.toml")]
    assert clock.now_ms > TICKS_PERIOD, "the run never crossed the ticks wrap"
    # Pacing: a wrap bug would end a pulse at once (negative time) or never.
    starts = [ms for b, ms in enumerate(batch_seen_at) if b % cycle == 1 and ms >= 0]
    cycles = [b - a for a, b in itertools.pairwise(starts)]
    assert min(cycles) >= cycle_ms - 2 * FRAME_MS * 3, cycles
    assert max(cycles) <= cycle_ms + 2 * FRAME_MS * 3, cycles
    traced_growth = memory["traced_end"] - memory["traced_start"]
    block_growth = memory["blocks_end"] - memory["blocks_warm"]
    print(
        "\nsoak: %d samples, %d frames; traced growth %d B over %d batches; "
        "allocated blocks %d -> %d"
        % (
            batches * BATCH,
            simulation.frames,
            traced_growth,
            TRACED - 50,
            memory["blocks_warm"],
            memory["blocks_end"],
        )
    )
    assert traced_growth < 4 * 1024
    assert block_growth < 200, "allocated blocks grew by %d" % block_growth
