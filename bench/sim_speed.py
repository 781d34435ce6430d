"""p4: how fast the headless simulator renders, and what recording a GIF adds per frame.

The board's code.py runs through sim.runner.Simulation with the default settings.toml (seed
fixed): an animated batch (a 300 ms pulse per sample, a 900 ms backward pulse, 25 simulated
fps) and then its 15 unseen batches, one per frame, as on the board. Every frame trains as
due, composes the palette and refreshes through Blinka's displayio into the stand-in matrix.
Frames per second count wall time from the first frame to the last (start-up left out).

GIF cost is measured in a separate run with sim.pictures.GifRecorder: the time spent adding
frames plus writing the file, divided by the frames added.
"""

import io
import tempfile
import time
from pathlib import Path

from bench.timing import median
from sim.pictures import GifRecorder
from sim.runner import ROOT, Simulation, read_settings

SEED = 1
UNSEEN_BATCHES = 15  # settings.toml's FAST_FORWARD_BATCHES


def _settings(overrides=None):
    values = {"NN_SEED": SEED}
    values.update(overrides or {})
    return read_settings(ROOT / "settings.toml", values)


def frames_per_second(batches):
    """(fps, frames) of one headless run of ``batches`` batches, start-up excluded."""
    stamps = []
    simulation = Simulation(
        _settings(), batches=batches, on_frame=lambda _s: stamps.append(time.perf_counter())
    )
    simulation.run(stdout=io.StringIO())
    return (len(stamps) - 1) / (stamps[-1] - stamps[0]), len(stamps)


class TimedGifRecorder(GifRecorder):
    """A GifRecorder that adds up the time spent in ``add`` and ``save``."""

    def __init__(self, **options):
        super().__init__(**options)
        self.seconds = 0.0
        self.added = 0

    def add(self, frame, duration_ms=None):
        start = time.perf_counter()
        super().add(frame, duration_ms)
        self.seconds += time.perf_counter() - start
        self.added += 1

    def save(self, path):
        start = time.perf_counter()
        frames = super().save(path)
        self.seconds += time.perf_counter() - start
        return frames


def gif_ms_per_frame(overrides):
    """(ms per frame added, frames added, distinct frames) for one recorded run."""
    recorder = TimedGifRecorder(scale=6, fps=25)
    simulation = Simulation(_settings(overrides), batches=1, recorder=recorder)
    simulation.run(stdout=io.StringIO())
    with tempfile.TemporaryDirectory() as folder:
        distinct = recorder.save(str(Path(folder) / "bench.gif"))
    return 1000 * recorder.seconds / recorder.added, recorder.added, distinct


def measure(*, runs=3, batches=UNSEEN_BATCHES + 1, gif_pulse_ms=300):
    """p4 figures: median fps over ``runs`` runs; GIF ms per frame from one recorded batch."""
    results = [frames_per_second(batches) for _ in range(runs)]
    gif_ms, gif_frames, distinct = gif_ms_per_frame(
        {"PULSE_MS": gif_pulse_ms, "FAST_FORWARD_BATCHES": 0}
    )
    return {
        "p4_sim_fps": median([fps for fps, _frames in results]),
        "p4_sim_frames": results[0][1],
        "p4_gif_ms_per_frame": gif_ms,
        "p4_gif_frames": gif_frames,
        "p4_gif_distinct_frames": distinct,
    }
