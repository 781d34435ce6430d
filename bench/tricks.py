"""What each RAM-saving trick saves, measured on the board-faithful CircuitPython interpreter.

    .venv/bin/python -m bench.tricks                     # every trick, both runs (~13 min)
    .venv/bin/python -m bench.tricks --only T3,T4 --runs soak --batches 200
    .venv/bin/python -m bench.tricks --only T1 --noise   # how much of a saving is noise

Issue 10 keeps a trick only if it saves 2 KB or more on the board. The interpreter is
CircuitPython 10.2.1's unix port built like the Matrix Portal M4 (../shared/tools/
circuitpython-m4, see its README; CIRCUITPYTHON_M4 names another copy); without it this
prints why and exits 0.

Every variant runs in a fresh copy of the project in a temporary folder: the baseline with
every trick on, then one copy per trick with that trick turned off by an edit of the copied
file (the project's own files are never changed; an edit that no longer matches the source
stops the script, so a moved trick is never measured as "no saving"). Two runs:

- soak: bench.device.heap_soak (p5's body): render's frame logic and nn set up in the soak's
  order, then ``batches`` batches, one in 16 animated.
- app: the real code.py, with the pinned Adafruit libraries from site-packages in lib/ and
  the board's built-in modules stood in by bench/board_stubs (displayio, rgbmatrix, keypad,
  ...: no code on the heap, objects about their board size); NN_SEED is fixed at 1. The
  stand-in display stops the run after about ``batches`` batches.

Figures per variant: the smallest heap (``-X heapsize``, 1 KB steps) in which the set-up and
the batches complete, found by bisection and then confirmed by the next WINDOW sizes up (the
heap fragments, so a larger heap can fail where a smaller one worked); and the live heap
after set-up (``gc.mem_alloc()`` after ``gc.collect()``: the soak's last set-up figure, the
app's at its first frame). A trick's saving is its variant's figure minus the baseline's.
The live figure is exact and adds up; the smallest heap moves by a few KB with any change in
what was allocated before the data set's arrays (see --noise), so a small difference there
means little.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INTERPRETER = Path(
    os.environ.get(
        "CIRCUITPYTHON_M4",
        ROOT.parent / "shared" / "tools" / "circuitpython-m4" / "bin" / "circuitpython-unix-m4",
    )
)
STUBS = ROOT / "boardstubs"
LIBRARIES = ("adafruit_bitmap_font", "adafruit_display_text", "adafruit_matrixportal")
LIBRARY_FILES = ("adafruit_ticks.py",)
PACKAGES = ("nn", "render", "app")  # app/ once the application moves out of render/
FRAMES_PER_BATCH = 8  # the stand-in display's frames (100 ms each) per batch, default pacing
SMALLEST_KB = 16
LARGEST_KB = 512
WINDOW = 4  # sizes above the smallest that must work too
TIMEOUT = 300


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
APP = "render/app.py"
DRAWING_FORGET = "    release.forget(*release.DRAWING_MODULES)\n"
DATA_FORGET = "    release.forget(*release.DATA_MODULES)\n"
SOAK_NN_BLOCK = r"^    from nn import problems\n.*?^    print\(\"heap_ready\".*?\n"
# The drawing and, unless T3 is off too, the release of its modules.
APP_DRAW_BLOCK = r"^    scene, composer = draw\(.*?\n(?:%s)?" % re.escape(DRAWING_FORGET)

# name: (what the trick does, {run: [(file, edit), ...] that turn it off}); "both" = each run.
TRICKS = {
    "T1": (
        "gc.collect() between nn's core module imports",
        {"both": [("nn/__init__.py", substitute(r"^gc\.collect\(\)\n", "", count=None))]},
    ),
    "T2": (
        "nn.data and nn.problems imported on first use, not with the package",
        {
            "both": [
                (
                    "nn/__init__.py",
                    substitute(
                        r"^(?=_LAZY = \{)",
                        "from . import data\n\ngc.collect()\nfrom . import problems\n\n"
                        "gc.collect()\n",
                    ),
                )
            ]
        },
    ),
    "T2b": (
        "gc.collect() before and after each set-up module's import (nn._load)",
        {"both": [("nn/__init__.py", substitute(r"^    gc\.collect\(\).*\n", "", count=2))]},
    ),
    "T2c": (
        "a set-up module's nn dependency compiled first (nn._DEPENDENCY)",
        {"both": [("nn/__init__.py", substitute(r"^_DEPENDENCY = \{.*\}$", "_DEPENDENCY = {}"))]},
    ),
    "T3": (
        "render.layout, geometry and colour released after drawing",
        {
            "soak": [(SOAK, substitute(re.escape(DRAWING_FORGET), ""))],
            "app": [(APP, substitute(re.escape(DRAWING_FORGET), ""))],
        },
    ),
    "T4": (
        "nn.problems and nn.data released once the data exists",
        {
            "soak": [(SOAK, substitute(re.escape(DATA_FORGET), ""))],
            "app": [(APP, substitute(re.escape(DATA_FORGET), ""))],
        },
    ),
    "T5": (
        "the picture (Layout, FrameComposer) built before the data, network and trainer",
        {
            # The soak's nn block goes before its render block; it needs release first.
            "soak": [
                (SOAK, move(SOAK_NN_BLOCK, "    # The layout first")),
                (
                    SOAK,
                    substitute(
                        r"^(?=    from nn import problems\n)", "    from render import release\n"
                    ),
                ),
            ],
            "app": [(APP, move(APP_DRAW_BLOCK, "    keeper.seed = seed\n"))],
        },
    ),
    "T6": (
        "code.py loads the font with adafruit_bitmap_font.bdf, not bitmap_font.load_font",
        {
            "app": [
                (
                    "code.py",
                    substitute(
                        r"^from adafruit_bitmap_font\.bdf import BDF$",
                        "from adafruit_bitmap_font.bitmap_font import load_font",
                    ),
                ),
                (
                    "code.py",
                    substitute(
                        r"BDF\(open\((\"[^\"]+\"), \"rb\"\), displayio\.Bitmap\)",
                        r"load_font(\1, displayio.Bitmap)",
                    ),
                ),
            ]
        },
    ),
}
# Every trick off at once (T2's eager imports before T1 drops the collects between them).
ALL_OFF = ("T2", "T1", "T3", "T4", "T5", "T6")
# With --noise: the baseline holding this many bytes more from its first line. How far each
# figure moves from the expected +1 KB per KB shows how much of a saving is noise.
NOISE_PADS = (256, 512, 1024, 2048, 4096)
RUNS = ("soak", "app")


def variant_edits(name, run):
    """The (file, edit) list for variant ``name`` of ``run``: "baseline", "all-off", "padN"
    (the baseline, see NOISE_PADS) or one trick turned off (None: not measured in ``run``)."""
    if name == "baseline" or name.startswith("pad"):
        return []
    if name == "all-off":
        return [edit for trick in ALL_OFF for edit in (variant_edits(trick, run) or [])]
    _, by_run = TRICKS[name]
    return by_run.get(run, by_run.get("both"))


def _copy_tree(source, dest):
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def build_tree(dest, run, edits, batches):
    """Write the ``run``'s copy of the project into ``dest`` and apply ``edits``."""
    for package in PACKAGES:
        if (ROOT / package).is_dir():
            _copy_tree(ROOT / package, dest / package)
    if run == "soak":
        (dest / "bench").mkdir()
        shutil.copy(ROOT / "bench" / "__init__.py", dest / "bench")
        _copy_tree(ROOT / "bench" / "device", dest / "bench" / "device")
    else:
        shutil.copy(ROOT / "code.py", dest)
        _copy_tree(ROOT / "fonts", dest / "fonts")
        site = Path(sysconfig.get_paths()["purelib"])
        for library in LIBRARIES:
            _copy_tree(site / library, dest / "lib" / library)
        for name in LIBRARY_FILES:
            shutil.copy(site / name, dest / "lib")
        _copy_tree(STUBS, dest / "stubs")
        settings = (ROOT / "settings.toml").read_text()
        (dest / "settings.toml").write_text(substitute(r"^NN_SEED = \d+", "NN_SEED = 1")(settings))
        frames = dest / "stubs" / "framebufferio.py"
        frames.write_text(
            substitute(r"^FRAMES = \d+", "FRAMES = %d" % (batches * FRAMES_PER_BATCH))(
                frames.read_text()
            )
        )
    for path, edit in edits:
        target = dest / path
        try:
            target.write_text(edit(target.read_text()))
        except LookupError as error:
            message = "bench.tricks: %s no longer matches the trick: %s" % (path, error)
            raise SystemExit(message) from None


def run_once(tree, run, heap_kb, batches, pad=0):
    """The finished interpreter process for ``run`` in ``tree`` with a ``heap_kb`` KB heap
    (and ``pad`` bytes held from the first line, to see how the figures move with it)."""
    if run == "soak":
        script = "from bench.device.heap_soak import main\nmain(batches=%d)" % batches
        path = ".frozen"
    else:
        script = "import code"  # imported, not run as a path: file names stay relative
        path = ".frozen:lib:stubs"
    if pad:
        script = "_pad = bytearray(%d)\n%s" % (pad, script)
    return subprocess.run(
        [str(INTERPRETER), "-X", "heapsize=%dK" % heap_kb, "-c", script],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=str(tree),
        env=dict(os.environ, MICROPYPATH=path),
    )


def _figures(stdout):
    """Live heap after set-up (bytes) and batches trained, from a finished run's output."""
    live = None
    batches = 0
    for line in stdout.splitlines():
        words = line.split()
        if line.startswith("(") and line.endswith(")"):  # the app's per-batch console line
            batches += 1
        elif words[:1] == ["heap_total"]:  # the soak's run has begun: set-up is over
            break
        elif len(words) == 2 and words[0].startswith("heap_"):
            if words[0] == "heap_end":
                break
            live = int(words[1])
    return live, batches


class Variant:
    """One copy of the project, run at any heap size; remembers every outcome."""

    def __init__(self, tree, run, batches, pad=0):
        self.tree = tree
        self.run = run
        self.batches = batches
        self.pad = pad
        self.outcomes = {}  # heap KB -> stdout of a run that completed, or None

    def fits(self, heap_kb):
        if heap_kb not in self.outcomes:
            result = run_once(self.tree, self.run, heap_kb, self.batches, self.pad)
            finished = "heap_end" in result.stdout or "test_loss" in result.stdout
            if result.returncode == 0 and finished:
                self.outcomes[heap_kb] = result.stdout
            elif "MemoryError" in result.stdout + result.stderr:
                self.outcomes[heap_kb] = None
            else:
                raise RuntimeError(
                    "bench.tricks: the %s run failed at %d KB:\n%s%s"
                    % (self.run, heap_kb, result.stdout[-2000:], result.stderr[-2000:])
                )
        return self.outcomes[heap_kb] is not None

    def smallest(self):
        """The smallest heap KB from which WINDOW + 1 sizes in a row all complete."""
        if not self.fits(LARGEST_KB):
            raise RuntimeError(
                "bench.tricks: the %s run fails even in %d KB" % (self.run, LARGEST_KB)
            )
        low, high = SMALLEST_KB, LARGEST_KB  # low: fails (or is the floor), high: works
        while True:
            while high - low > 1:
                middle = (low + high) // 2
                if self.fits(middle):
                    high = middle
                else:
                    low = middle
            failing = [k for k in range(high + 1, high + WINDOW + 1) if not self.fits(k)]
            if not failing:
                return high
            low, high = failing[-1], LARGEST_KB


def measure(name, run, batches):
    """{"heap_kb", "live_kb", "batches", "failing_above"} for one variant; None if not in run."""
    edits = variant_edits(name, run)
    if edits is None:
        return None
    with tempfile.TemporaryDirectory(prefix="tricks-") as scratch:
        tree = Path(scratch)
        build_tree(tree, run, edits, batches)
        variant = Variant(tree, run, batches, int(name[3:]) if name.startswith("pad") else 0)
        heap_kb = variant.smallest()
        live, done = _figures(variant.outcomes[heap_kb])
    return {
        "heap_kb": heap_kb,
        "live_kb": live / 1024,
        "batches": done if run == "app" else batches,
        # Sizes above the smallest that failed: the heap's fragmentation at work.
        "failing_above": sorted(
            k for k, out in variant.outcomes.items() if k > heap_kb and not out
        ),
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
    parser.add_argument("--only", default="", help="tricks to measure, e.g. T1,T3 (default all)")
    parser.add_argument("--runs", default="soak,app", help="soak, app or both (default)")
    parser.add_argument("--no-all-off", action="store_true", help="skip every-trick-off variant")
    parser.add_argument("--noise", action="store_true", help="also the baseline with pads held")
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


def available():
    """Why the interpreter cannot run here, or None when it can."""
    if not INTERPRETER.is_file():
        return (
            "%s not found (set CIRCUITPYTHON_M4 to the circuitpython-unix-m4 binary)" % INTERPRETER
        )
    try:
        result = subprocess.run(
            [str(INTERPRETER), "-c", "print(1)"], capture_output=True, timeout=60
        )
    except OSError as error:  # e.g. no 32-bit support in the kernel
        return "%s does not run here: %s" % (INTERPRETER, error)
    if result.stdout.strip() != b"1":
        return "%s does not run here: %r" % (INTERPRETER, result.stderr[-500:])
    return None


def main(argv=None):
    """Measure, print progress to stderr and the table to stdout. Returns 0."""
    args = _arguments(sys.argv[1:] if argv is None else argv)
    missing = available()
    if missing:
        print("bench.tricks skipped: " + missing)
        return 0
    names = ["baseline", *args.tricks] + ([] if args.no_all_off else ["all-off"])
    names += ["pad%d" % pad for pad in NOISE_PADS] if args.noise else []
    results = {}
    for run in args.runs:
        for name in names:
            figures = measure(name, run, args.batches)
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
