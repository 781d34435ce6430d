"""p2: the Python work of one animation frame against one training sample.

The body is bench.device.frame_cost, run under the board-faithful CircuitPython (when
../shared holds it: the goal's figure), the unix MicroPython wheel and CPython; each
interpreter measures both sides in one process, round by round, and the ratio is the median
of the per-round ratios. The wheel boxes every float in a heap object (the board keeps them
in the object word), which slows both sides there.
"""

from bench import board, interpreters
from bench.timing import median

HEAP = "256K"  # room to time in: the heap figures are p5's

# label: the MicroPython-like binary to run under, None for CPython
INTERPRETERS = {
    "board": interpreters.CIRCUITPYTHON,
    "micropython": interpreters.MICROPYTHON,
    "cpython": None,
}


def _figures(interpreter, rounds):
    where = {"micropython": False} if interpreter is None else {"interpreter": interpreter}
    figures = interpreters.run("frame_cost", "rounds=%d" % rounds, heap=HEAP, **where)
    return {name: median(values) for name, values in figures.items()}


def measure(*, rounds=9):
    """p2 figures for each interpreter (the board's only where it runs)."""
    result = {}
    labels = [label for label in INTERPRETERS if label != "board" or not board.missing()]
    for label in labels:
        figures = _figures(INTERPRETERS[label], rounds)
        result["p2_frame_vs_sample_" + label] = figures["frame_vs_sample"]
        result["p2_frame_us_" + label] = figures["frame_us"]
        result["p2_sample_us_" + label] = figures["sample_us"]
        result["p2_colours_at_us_" + label] = figures["colours_at_us"]
        result["p2_show_forward_us_" + label] = figures["show_forward_us"]
    result["p2_frames_per_pulse"] = figures["frames_per_pulse"]
    return result
