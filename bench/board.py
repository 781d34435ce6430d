"""p5 and p8 on the board-faithful CircuitPython (issue 11), from the bundle's .mpy files.

- p5_heap_kb_board: the smallest heap in which bench.device.heap_soak's batches (p5's body)
  complete, with nn, render, app and the soak itself loaded from .mpy files, as the bundle
  ships them (the board never compiles them: compiling from source needs room of its own).
- p8_codepy_heap_kb_board: the smallest heap in which the real code.py starts from the
  bundle (bench.boot: .mpy files, the board's built-in modules stood in) and trains 100
  batches, the buttons untouched.

Smallest: found by bisection in STEP_KB steps, then the next WINDOW sizes up must complete
too (the heap fragments, so a larger heap can fail where a smaller one worked; the search
goes on above any that fails). Both skip, saying why, without the interpreter (../shared).
"""

import atexit
import functools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import boot, interpreters
from bench.interpreters import parse
from tools.bundle.mpy import compile_module, mpy_cross

SMALLEST_KB = 16
LARGEST_KB = 512
STEP_KB = 1
WINDOW = 4
# The soak's own modules, compiled beside the bundle's packages.
SOAK_MODULES = ("bench/__init__.py", "bench/device/__init__.py", "bench/device/heap_soak.py")


def missing():
    """Why the board-faithful interpreter cannot run here, or None when it can."""
    if not interpreters.CIRCUITPYTHON.is_file():
        return interpreters.CIRCUITPYTHON_MISSING
    try:
        done = subprocess.run(
            [str(interpreters.CIRCUITPYTHON), "-c", "print(1)"], capture_output=True, timeout=60
        )
    except OSError as error:  # e.g. a kernel without 32-bit support
        return "%s does not run here: %s" % (interpreters.CIRCUITPYTHON, error)
    if done.stdout.strip() != b"1":
        return "%s does not run here: %r" % (interpreters.CIRCUITPYTHON, done.stderr[-300:])
    return None


def smallest_heap_kb(fits, *, step=STEP_KB, window=WINDOW):
    """The smallest heap (KB, a multiple of ``step``) in which ``fits(kb)`` holds, with the
    ``window`` sizes above it; and the sizes above it that failed."""
    outcomes = {}

    def works(kb):
        if kb not in outcomes:
            outcomes[kb] = fits(kb)
        return outcomes[kb]

    low, high = SMALLEST_KB // step, LARGEST_KB // step  # in steps; low fails or is the floor
    if not works(high * step):
        raise RuntimeError("the run fails even in a %d KB heap" % LARGEST_KB)
    while True:
        while high - low > 1:
            middle = (low + high) // 2
            if works(middle * step):
                high = middle
            else:
                low = middle
        above = [k for k in range(high + 1, high + window + 1) if not works(k * step)]
        if not above:
            failed = sorted(kb for kb, ok in outcomes.items() if kb > high * step and not ok)
            return high * step, failed
        low, high = above[-1], LARGEST_KB // step


def _completed(result, finished):
    """True if the run completed, False on MemoryError; anything else raises."""
    if result.returncode == 0 and finished in result.stdout:
        return True
    if "MemoryError" in result.stdout + result.stderr:
        return False
    raise RuntimeError(
        "the board-faithful run failed:\n%s%s" % (result.stdout[-2000:], result.stderr[-2000:])
    )


def soak_drive(dest, *, root=boot.ROOT):
    """Add the soak's modules, compiled, to the bundle folder ``dest``; ``root``: the
    checkout (or a changed copy of it) they come from."""
    tool = mpy_cross()
    for name in SOAK_MODULES:
        target = dest / (name[:-3] + ".mpy")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(compile_module(Path(root) / name, name, tool))


def soak(dest, heap_kb, batches, growth_from):
    """The finished soak run in the bundle folder ``dest``."""
    call = "from bench.device.heap_soak import main\nmain(batches=%d, growth_from=%d)"
    return interpreters.run_micropython(
        call % (batches, growth_from),
        heap="%dK" % heap_kb,
        timeout=boot.TIMEOUT,
        cwd=dest,
        interpreter=interpreters.CIRCUITPYTHON,
    )


@functools.cache
def _drive():
    """One bundle folder (bench.boot.drive) for every board run of this process, with the
    soak's modules added."""
    scratch = tempfile.mkdtemp(prefix="board-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    dest = boot.drive(scratch)
    soak_drive(dest)
    return dest


def measure_p5(*, batches=1000, growth_from=100, step=STEP_KB, window=WINDOW):
    """p5's board figures (KB): the smallest heap, the live peak, growth, live when ready;
    {} without the interpreter."""
    if missing():
        return {}
    dest = _drive()

    def fits(kb):
        return _completed(soak(dest, kb, batches, growth_from), "test_loss")

    heap_kb, failed = smallest_heap_kb(fits, step=step, window=window)
    figures = {k: v[-1] for k, v in parse(soak(dest, heap_kb, batches, growth_from).stdout).items()}
    if failed:
        print("p5 board: failed above %d KB at %s KB" % (heap_kb, failed), file=sys.stderr)
    kb = 1 / 1024
    return {
        "p5_heap_kb_board": heap_kb,
        "p5_live_kb_board": figures["peak_live"] * kb,
        "p5_ready_kb_board": figures["heap_ready"] * kb,
        "p5_heap_growth_kb_board": (figures["live_end"] - figures["live_from"]) * kb,
        "p5_batches_board": batches,
    }


def stand_ins_bytes(dest):
    """Live bytes the stand-ins' own code takes once imported: on the board they are C."""
    names = sorted(path.stem for path in (dest / "stubs").glob("*.mpy"))
    script = (
        "import gc\ngc.collect()\nbefore = gc.mem_alloc()\nimport %s\ngc.collect()\n"
        "print('stand_ins', gc.mem_alloc() - before)" % ", ".join(names)
    )
    result = boot.run_script(dest, script, heap_kb=256, timeout=60)
    return parse(result.stdout)["stand_ins"][-1]


def measure_p8(*, batches=100, step=STEP_KB, window=WINDOW):
    """p8's figures (KB): the smallest heap for code.py's ``batches`` batches, the live heap
    at its first frame and at the end, and the stand-ins' share; {} without the interpreter."""
    if missing():
        return {}
    dest = _drive()

    def fits(kb):
        return _completed(boot.boot(dest, heap_kb=kb, batches=batches), "heap_end")

    heap_kb, failed = smallest_heap_kb(fits, step=step, window=window)
    run = boot.Boot(boot.boot(dest, heap_kb=heap_kb, batches=batches).stdout)
    if failed:
        print("p8 board: failed above %d KB at %s KB" % (heap_kb, failed), file=sys.stderr)
    kb = 1 / 1024
    return {
        "p8_codepy_heap_kb_board": heap_kb,
        "p8_ready_kb_board": run.heap_ready * kb,
        "p8_end_kb_board": run.heap_end * kb,
        "p8_stand_ins_kb_board": stand_ins_bytes(dest) * kb,
        "p8_batches_board": len(run.batches),
    }
