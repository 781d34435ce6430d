"""What each RAM-saving trick saves, measured on the board-faithful CircuitPython interpreter.

    .venv/bin/python -m bench.tricks                         # every trick, both runs
    .venv/bin/python -m bench.tricks --only T3,T4 --runs soak --batches 200
    .venv/bin/python -m bench.tricks --only T5 --pad 1024    # the same with 1 KB held first
    .venv/bin/python -m bench.tricks --noise --only T5       # how far the baseline moves

Issue 10 keeps a trick only if it saves 2 KB or more on the board. The interpreter is
CircuitPython 10.2.1's unix port built like the Matrix Portal M4 (../shared/tools/
circuitpython-m4, see its README); without it this prints why and exits 0.

Every variant is a copy of the checkout in a temporary folder: the baseline with every trick
on, then one copy per trick with that trick turned off by an edit of the copied file (the
project's own files are never changed; an edit that no longer matches the source stops the
script, so a moved trick is never measured as "no saving"). Each copy becomes a bundle as
bench.boot writes it: every module a CircuitPython 10 .mpy file, as the board gets them (so
nothing compiles in the heap), and the board's built-in modules stood in by boardstubs/. Two
runs:

- soak: bench.device.heap_soak (p5's body, as bench.board runs it): nn and render's frame
  logic set up, then ``batches`` batches, one in 16 animated.
- app: the real code.py (bench.boot), NN_SEED = 1, until it has printed ``batches`` batch
  lines, buttons untouched.

Figures per variant: the smallest heap (``-X heapsize``) in which the set-up and the batches
complete (bench.board.smallest_heap_kb: 1 KB steps, bisection, then the next sizes up must
complete too, since the heap fragments), and the live heap after set-up (``heap_ready``:
``gc.mem_alloc()`` after ``gc.collect()``, the soak's last set-up figure, code.py's at its
first frame). A trick's saving is its variant's figure minus the baseline's. The live figure
is exact and adds up; the smallest heap moves with any change in what was allocated before the
largest blocks (the data set's arrays, the bitmaps), so a small difference there means little:
``--pad`` holds bytes from the first line in every variant, and a difference that stays the
same under a few pads is not an accident of where things landed; ``--noise`` measures the
baseline under several pads, each of which should move it by its own size.
"""

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

from bench import board, boot, interpreters

ROOT = boot.ROOT
# What the bundle and the soak are made from (tools.circuitpy names the drive's files).
COPIED = ("code.py", "settings.toml", "fonts", "nn", "render", "app", *board.SOAK_MODULES)
FRAME_MS = 100  # of the stand-in clock per frame, as bench.boot's default
NOISE_PADS = (256, 512, 1024, 2048, 4096)
RUNS = ("soak", "app")


def substitute(pattern, replacement, count=1):
    """An edit: re.sub in multiline mode that must change ``count`` places (None: any, not 0)."""

    def edit(text):
        text, made = re.subn(pattern, replacement, text, flags=re.M)
        if made == 0 or count not in (None, made):
            raise LookupError("%r matched %d times, not %d" % (pattern, made, count))
        return text

    return edit


def move(block, before):
    """An edit: cut the lines matching the regex ``block`` and paste them in front of the
    exact line ``before``."""

    def edit(text):
        found = re.findall(block, text, flags=re.M | re.S)
        if len(found) != 1 or text.count(before) != 1:
            raise LookupError("%r or %r is not in the file exactly once" % (block, before))
        text = text.replace(found[0], "")
        return text.replace(before, found[0] + before)

    return edit


SOAK = "bench/device/heap_soak.py"
MEMORY = "app/memory.py"  # set_up: the app's order of set-up and its releases
DRAWING_RELEASE = "    release(DRAWING_MODULES)\n"
DATA_RELEASE = "    release(DATA_MODULES)\n"
SOAK_DRAWING_RELEASE = "    memory.release(memory.DRAWING_MODULES)\n"
SOAK_DATA_RELEASE = "    memory.release(memory.DATA_MODULES)\n"
# The picture's part of set-up and, unless T3 is off too, the release of its modules.
SET_UP_DRAW = r"^    drawn = draw\(\)\n(?:%s)?" % re.escape(DRAWING_RELEASE)
MADE = r"^(    made = make_data\(\)\n)"
BUILT_LAST = r"^    return drawn, build\(made\)$"
SOAK_TRAINER = r"^    from nn\.network import Network\n.*?^    print\(\"heap_trainer_built\".*?\n"
SOAK_DRAW = r"^    composer = FrameComposer\(.*?^    print\(\"heap_drawing_released\".*?\n"

NN = "nn/__init__.py"
NN_LAZY = r"^(# Where each class lives)"
NN_EAGER = (
    "from . import activations, checkpoint, data, gradients, losses, network, optim, problems\n"
    "from . import rng, schedules, table, trainer\n\n\\1"
)
ASSEMBLE = "app/assemble.py"
AUTOSAVE_IMPORT = r"^(from \.autosave import Autosave\n)"
LOOP_IMPORT = "from .loop import SETTINGS_NOTICE_MS, Loop\n"
LOOP_IMPORT_LATE = r"^    # Only now, into the room.*\n    from \.loop import .*\n\n"

# name: (what the trick does, {run: [(file, edit), ...] that turn it off}).
TRICKS = {
    "T3": (
        "render.layout, geometry and colour released after drawing (app.memory)",
        {
            "soak": [(SOAK, substitute(re.escape(SOAK_DRAWING_RELEASE), ""))],
            "app": [(MEMORY, substitute(re.escape(DRAWING_RELEASE), ""))],
        },
    ),
    "T4": (
        "nn.problems and nn.data released once the data exists (app.memory)",
        {
            "soak": [(SOAK, substitute(re.escape(SOAK_DATA_RELEASE), ""))],
            "app": [(MEMORY, substitute(re.escape(DATA_RELEASE), ""))],
        },
    ),
    "T5": (
        "the data made before the picture is drawn (app.memory.set_up)",
        {
            "soak": [(SOAK, move(SOAK_DRAW, "    train_x, train_y, test_x, test_y = "))],
            "app": [(MEMORY, move(SET_UP_DRAW, "    made = make_data()\n"))],
        },
    ),
    "T10": (
        "app.loop imported only after set-up (app.assemble)",
        {
            "app": [
                (ASSEMBLE, substitute(LOOP_IMPORT_LATE, "")),
                (ASSEMBLE, substitute(AUTOSAVE_IMPORT, r"\1" + LOOP_IMPORT)),
            ],
        },
    ),
    "T11": (
        "nn's modules loaded on first use: the network's and trainer's after drawing (nn)",
        {
            "soak": [(NN, substitute(NN_LAZY, NN_EAGER))],
            "app": [(NN, substitute(NN_LAZY, NN_EAGER))],
        },
    ),
    "T12": (
        "the network and trainer built after the picture is drawn (app.memory.set_up)",
        {
            "soak": [(SOAK, move(SOAK_TRAINER, "    del problems\n"))],
            "app": [
                (MEMORY, substitute(MADE, r"\1    built = build(made)\n")),
                (MEMORY, substitute(BUILT_LAST, "    return drawn, built")),
            ],
        },
    ),
}
# Every trick off at once (T5 last: it moves lines that T3 and T12 edit).
ALL_OFF = ("T3", "T4", "T10", "T11", "T12", "T5")


def variant_edits(name, run):
    """The (file, edit) list for variant ``name`` of ``run``: "baseline", "all-off", "padN"
    (the baseline, see NOISE_PADS) or one trick turned off (None: not measured in ``run``)."""
    if name == "baseline" or name.startswith("pad"):
        return []
    if name == "all-off":
        return [edit for trick in ALL_OFF for edit in (variant_edits(trick, run) or [])]
    _, by_run = TRICKS[name]
    return by_run.get(run)


def copy_checkout(dest, edits):
    """Copy what the runs are made from into ``dest`` and apply ``edits`` there."""
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(source, dest / name, ignore=ignore)
        else:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, dest / name)
    for path, edit in edits:
        target = dest / path
        try:
            target.write_text(edit(target.read_text()))
        except LookupError as error:
            message = "bench.tricks: %s no longer matches the trick: %s" % (path, error)
            raise SystemExit(message) from None


def run_once(drive, run, heap_kb, batches, pad=0):
    """The finished interpreter process for ``run`` in the bundle folder ``drive`` with a
    ``heap_kb`` KB heap (and ``pad`` bytes held from the first line)."""
    held = "_pad = bytearray(%d)\n" % pad if pad else ""
    if run == "soak":  # as bench.board.soak
        return interpreters.run_micropython(
            held + "from bench.device.heap_soak import main\nmain(batches=%d)" % batches,
            heap="%dK" % heap_kb,
            timeout=boot.TIMEOUT,
            cwd=drive,
            interpreter=interpreters.CIRCUITPYTHON,
        )
    prelude = boot.PRELUDE % (False, batches, FRAME_MS, 0, ())
    return boot.run_script(drive, held + prelude + "import code\n", heap_kb=heap_kb)


def _completed(result, run, heap_kb):
    """True if the run completed, False on MemoryError; anything else stops the script."""
    if result.returncode == 0 and ("test_loss" if run == "soak" else "heap_end") in result.stdout:
        return True
    if "MemoryError" in result.stdout + result.stderr:
        return False
    raise RuntimeError(
        "bench.tricks: the %s run failed at %d KB:\n%s%s"
        % (run, heap_kb, result.stdout[-2000:], result.stderr[-2000:])
    )


def measure(name, run, batches, pad=0):
    """{"heap_kb", "live_kb", "batches", "failing_above"} for one variant; None if not in run.
    ``pad``: bytes every variant holds from its first line (a "padN" variant holds N more)."""
    edits = variant_edits(name, run)
    if edits is None:
        return None
    pad += int(name[3:]) if name.startswith("pad") else 0
    with tempfile.TemporaryDirectory(prefix="tricks-") as scratch:
        checkout = Path(scratch) / "checkout"
        copy_checkout(checkout, edits)
        drive = boot.drive(scratch, root=checkout)
        if run == "soak":
            board.soak_drive(drive, root=checkout)
        outputs = {}

        def fits(heap_kb):
            result = run_once(drive, run, heap_kb, batches, pad)
            outputs[heap_kb] = result.stdout
            return _completed(result, run, heap_kb)

        heap_kb, failing_above = board.smallest_heap_kb(fits)
    done = boot.Boot(outputs[heap_kb])
    return {
        "heap_kb": heap_kb,
        "live_kb": done.heap_ready / 1024,
        "batches": len(done.batches) if run == "app" else batches,
        "failing_above": failing_above,  # the heap's fragmentation at work
    }


def table(results, runs):
    """Markdown rows: per trick and run, the figures with the trick on and off, and the saving."""
    lines = [
        "| trick | run | smallest heap on / off | saving | live after set-up on / off | saving |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        base = results.get(("baseline", run))
        if base is None:
            continue
        lines.append(
            "| baseline | %s | %d KB | | %.1f KB | |" % (run, base["heap_kb"], base["live_kb"])
        )
        for name in [*TRICKS, "all-off"] + ["pad%d" % pad for pad in NOISE_PADS]:
            off = results.get((name, run))
            if off is None:
                continue
            lines.append(
                "| %s | %s | %d / %d KB | %+d KB | %.1f / %.1f KB | %+.1f KB |"
                % (
                    name,
                    run,
                    base["heap_kb"],
                    off["heap_kb"],
                    off["heap_kb"] - base["heap_kb"],
                    base["live_kb"],
                    off["live_kb"],
                    off["live_kb"] - base["live_kb"],
                )
            )
    return "\n".join(lines)


def _arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.tricks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--batches", type=int, default=1000, help="batches per run (1000)")
    parser.add_argument("--only", default="", help="tricks to measure, e.g. T3,T5 (default all)")
    parser.add_argument("--runs", default="soak,app", help="soak, app or both (default)")
    parser.add_argument("--no-all-off", action="store_true", help="skip every-trick-off variant")
    parser.add_argument("--noise", action="store_true", help="also the baseline with pads held")
    parser.add_argument(
        "--pad", type=int, default=0, help="bytes every variant holds from its first line (0)"
    )
    args = parser.parse_args(argv)
    args.tricks = [name for name in args.only.split(",") if name] or list(TRICKS)
    args.runs = [run for run in args.runs.split(",") if run]
    unknown = [name for name in args.tricks if name not in TRICKS]
    unknown += [run for run in args.runs if run not in RUNS]
    if unknown:
        parser.error(
            "unknown %s; tricks: %s; runs: %s" % (unknown, ", ".join(TRICKS), ", ".join(RUNS))
        )
    return args


def main(argv=None):
    """Measure, print progress to stderr and the table to stdout. Returns 0."""
    args = _arguments(sys.argv[1:] if argv is None else argv)
    missing = board.missing()
    if missing:
        print("bench.tricks skipped: " + missing)
        return 0
    names = ["baseline", *args.tricks] + ([] if args.no_all_off else ["all-off"])
    names += ["pad%d" % pad for pad in NOISE_PADS] if args.noise else []
    results = {}
    for run in args.runs:
        for name in names:
            figures = measure(name, run, args.batches, args.pad)
            if figures is None:
                continue
            results[(name, run)] = figures
            print(
                "%s %s: %d KB, live %.1f KB, %d batches%s"
                % (
                    run,
                    name,
                    figures["heap_kb"],
                    figures["live_kb"],
                    figures["batches"],
                    ", failed above: %s" % figures["failing_above"]
                    if figures["failing_above"]
                    else "",
                ),
                file=sys.stderr,
                flush=True,
            )
    print(table(results, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
