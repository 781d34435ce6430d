"""p3: bitmap pixel writes and palette writes per animation frame, counted in the simulator.

Runs the board's code.py through sim.runner.Simulation with short pulses and no unseen
batches, so every frame after the first belongs to an animated batch, and counts the drawing
calls of each frame with sim.counting.count_writes. The first frame is left out: set-up
(drawing the network once, pixel by pixel, and the readout's first text) happens before it.

When the best loss improves, the loss readout's label redraws its text (at most once per
batch, in its own bitmap). Those writes are counted apart, by wrapping Scene.set_readout,
and reported per batch; p3_pixel_writes_per_frame counts everything else.
"""

import contextlib
import io
import itertools

import render.scene
from bench.timing import median
from sim.counting import count_writes
from sim.runner import ROOT, Simulation, read_settings

PULSE_MS = 60
BACKWARD_PULSE_MS = 120
FPS = 50


@contextlib.contextmanager
def readout_writes_counted(counts, tally):
    """While active, bitmap writes made inside Scene.set_readout are added to tally[0]."""
    original = render.scene.Scene.set_readout

    def set_readout(scene, text, visible):
        before = counts.bitmap_writes
        try:
            return original(scene, text, visible)
        finally:
            tally[0] += counts.bitmap_writes - before

    render.scene.Scene.set_readout = set_readout
    try:
        yield
    finally:
        render.scene.Scene.set_readout = original


def measure(*, batches=2):
    """p3 figures over ``batches`` whole animated batches (and their backward pulses)."""
    settings = read_settings(
        ROOT / "settings.toml",
        {
            "NN_SEED": 1,
            "PULSE_MS": PULSE_MS,
            "BACKWARD_PULSE_MS": BACKWARD_PULSE_MS,
            "FAST_FORWARD_BATCHES": 0,
        },
    )
    readout = [0]
    marks = []  # after each frame: (bitmap writes, palette writes, readout writes)

    with count_writes() as counts, readout_writes_counted(counts, readout):

        def on_frame(_simulation):
            marks.append((counts.bitmap_writes, counts.palette_writes, readout[0]))

        simulation = Simulation(
            settings,
            batches=batches,
            fps=FPS,
            on_frame=on_frame,
            last_pulse=True,  # the last batch's pulses, backward included
        )
        simulation.run(stdout=io.StringIO())
    pixels, palette = [], []
    for before, after in itertools.pairwise(marks):
        readout_writes = after[2] - before[2]
        pixels.append(after[0] - before[0] - readout_writes)
        palette.append(after[1] - before[1])
    return {
        "p3_pixel_writes_per_frame": sum(pixels) / len(pixels),
        "p3_pixel_writes_per_frame_max": max(pixels),
        "p3_palette_writes_per_frame_mean": sum(palette) / len(palette),
        "p3_palette_writes_per_frame_median": median(palette),
        "p3_palette_writes_per_frame_max": max(palette),
        "p3_readout_writes_per_batch": (readout[0] - marks[0][2]) / batches,
        "p3_setup_pixel_writes": marks[0][0],
        "p3_frames": len(pixels),
    }
