"""p2: the Python work of one animation frame against one training sample, under MicroPython.

The body is bench.device.frame_cost, run once under the unix MicroPython and once under
CPython; each interpreter measures both sides in one process, round by round, and the ratio
is the median of the per-round ratios. Under MicroPython every float is a heap object (not on
the M4), which slows both sides; the ratio is what carries over to the board.
"""

from bench import interpreters
from bench.timing import median

HEAP = "256K"  # room to time in: the heap figures are p5's


def _figures(micropython, rounds):
    figures = interpreters.run(
        "frame_cost", "rounds=%d" % rounds, micropython=micropython, heap=HEAP
    )
    return {name: median(values) for name, values in figures.items()}


def measure(*, rounds=9):
    """p2 figures for both interpreters."""
    result = {}
    for label, micropython in (("micropython", True), ("cpython", False)):
        figures = _figures(micropython, rounds)
        result["p2_frame_vs_sample_" + label] = figures["frame_vs_sample"]
        result["p2_frame_us_" + label] = figures["frame_us"]
        result["p2_sample_us_" + label] = figures["sample_us"]
        result["p2_colours_at_us_" + label] = figures["colours_at_us"]
        result["p2_show_forward_us_" + label] = figures["show_forward_us"]
    result["p2_frames_per_pulse"] = figures["frames_per_pulse"]
    return result
