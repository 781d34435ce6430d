"""python -m bench: measure the performance goals, print a table, write bench-results.json.

python -m bench              every benchmark, full length (a few minutes)
python -m bench --quick      the same figures from short runs (seconds; for tests)
python -m bench --only p1,p3 just those benchmarks
"""

import argparse
import contextlib
import io
import sys
import time

with contextlib.redirect_stdout(io.StringIO()):  # Blinka's "GENERIC_X86 not supported" banner
    import displayio  # noqa: F401

from bench import (
    board,
    frame_vs_sample,
    heap,
    interpreters,
    report,
    sim_speed,
    training,
    web,
    writes,
)

# The board-faithful figures' search for the smallest heap, quick: 8 KB steps, no window.
QUICK_SEARCH = {"step": 8, "window": 0}
# name: (what it measures, full-length options, quick options)
BENCHMARKS = {
    "p1": (training.measure, {"epochs": 4, "rounds": 15}, {"epochs": 1, "rounds": 3}),
    "p2": (frame_vs_sample.measure, {"rounds": 9}, {"rounds": 2}),
    "p3": (writes.measure, {"batches": 2}, {"batches": 1}),
    "p4": (
        sim_speed.measure,
        {"runs": 3},
        {"runs": 1, "batches": 2, "gif_pulse_ms": 40},
    ),
    "p5": (heap.measure, {"batches": 1000, "growth_from": 100}, {"batches": 60, "growth_from": 30}),
    "p5_board": (
        board.measure_p5,
        {"batches": 1000, "growth_from": 100},
        {"batches": 60, "growth_from": 30, **QUICK_SEARCH},
    ),
    "p8": (board.measure_p8, {"batches": 100}, {"batches": 5, **QUICK_SEARCH}),
    "p9": (web.measure, {"loads": 7, "live_s": 25}, {"loads": 2, "live_s": 2}),
}
# Benchmarks with figures on the board-faithful CircuitPython (../shared), left out without it.
ON_THE_BOARD = ("p2", "p5_board", "p8")
# Benchmarks of the web page in Chromium, left out without it (or without web/node_modules).
IN_A_BROWSER = ("p9",)


def _arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Measure the project's performance goals."
    )
    parser.add_argument("--quick", action="store_true", help="short runs (figures are rough)")
    parser.add_argument(
        "--only", default="", help="comma-separated benchmarks to run, e.g. p1,p3 (default all)"
    )
    parser.add_argument(
        "--out", default="bench-results.json", help="where to write the figures as JSON"
    )
    args = parser.parse_args(argv)
    args.names = [name for name in args.only.split(",") if name] or list(BENCHMARKS)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error("unknown benchmark %s; choose from %s" % (unknown, ", ".join(BENCHMARKS)))
    return args


def main(argv=None):
    """Run the chosen benchmarks; print the table; write the JSON file. Returns 0."""
    args = _arguments(sys.argv[1:] if argv is None else argv)
    skipped = {}
    missing = board.missing() if set(args.names) & set(ON_THE_BOARD) else None
    if missing:
        skipped["board"] = "figures on the board-faithful CircuitPython: " + missing
    missing = web.missing() if set(args.names) & set(IN_A_BROWSER) else None
    if missing:
        skipped["web"] = "figures of the web page in Chromium: " + missing
    figures = {}
    for name in args.names:
        measure, full, quick = BENCHMARKS[name]
        print("%s ..." % name, file=sys.stderr, flush=True)
        start = time.perf_counter()
        figures.update(measure(**(quick if args.quick else full)))
        print("%s done in %.1f s" % (name, time.perf_counter() - start), file=sys.stderr)
    print(report.table(figures))
    for name, reason in skipped.items():
        print("skipped (%s): %s" % (name, reason))
    notes = report.machine(interpreters.micropython_version())
    report.write(args.out, figures, notes, args.quick, skipped)
    print("written: %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
