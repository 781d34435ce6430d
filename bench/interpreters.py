"""Run a bench/device module under the unix MicroPython or CPython, in a fresh process.

The device modules print ``name value`` lines; ``run`` returns them as {name: [floats]} (a
name printed once per round has one value per round). ``nn`` and ``render`` import from
the repository root, as from the board's drive.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MICROPYTHON = Path(sys.executable).parent / "micropython"
# CircuitPython 10.2.1 built like the Matrix Portal M4 (../shared/tools/circuitpython-m4): it
# exists beside the checkout in CI and on the team's machines, nowhere else.
CIRCUITPYTHON = ROOT.parent / "shared/tools/circuitpython-m4/bin/circuitpython-unix-m4"
CIRCUITPYTHON_MISSING = "no board-faithful CircuitPython at %s (it comes with ../shared)" % (
    CIRCUITPYTHON
)
PRINT_VERSION = "import sys\nprint('%d.%d.%d' % sys.implementation.version[:3], sys.version)"


def run_micropython(script, *, heap, timeout, cwd=ROOT, interpreter=MICROPYTHON):
    """The finished unix MicroPython process that ran ``script`` in a ``heap``-sized heap.

    It runs in ``cwd`` (the repository root) with a fixed import path (MICROPYPATH), so
    ``nn`` and ``render`` import by short relative names. MicroPython keeps every module's
    file name and every import path entry on its heap, so a run needs the same heap
    whichever folder holds the checkout and whatever the home directory is.
    ``interpreter``: the wheel's micropython, or CIRCUITPYTHON (same command line).
    """
    return subprocess.run(
        [str(interpreter), "-X", "heapsize=" + heap, "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(cwd),
        env=dict(os.environ, MICROPYPATH=".frozen"),
    )


def run_cpython(script, *, timeout):
    """The finished CPython process that ran ``script`` with the repository importable."""
    # -P: the repository's code.py must not shadow the standard library's ``code``.
    script = "import sys\nsys.path.insert(0, %r)\n%s\n" % (str(ROOT), script)
    return subprocess.run(
        [sys.executable, "-P", "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(ROOT),
    )


def parse(stdout):
    """{name: [float, ...]} from lines ``name value``, in order; other lines are ignored.

    MicroPython's ``micropython.qstr_info()`` line ("qstr pool: n_pool=1, n_qstr=12, ...")
    gives figures named qstr_n_pool, qstr_n_qstr and so on.
    """
    figures = {}
    for line in stdout.splitlines():
        if line.startswith("qstr pool:"):
            for pair in line[len("qstr pool:") :].split(","):
                name, _, value = pair.strip().partition("=")
                figures.setdefault("qstr_" + name, []).append(float(value))
            continue
        words = line.split()
        if len(words) == 2:
            try:
                value = float(words[1])
            except ValueError:
                continue
            figures.setdefault(words[0], []).append(value)
    return figures


def run(module, options="", *, micropython=True, heap="256K", timeout=900, interpreter=MICROPYTHON):
    """``bench.device.<module>.main(<options>)`` in a new interpreter; its figures.

    ``micropython``: under ``interpreter`` (the wheel's, or CIRCUITPYTHON), else CPython.
    Raises RuntimeError with the interpreter's output if it fails (MemoryError included).
    """
    call = "from bench.device.%s import main\nmain(%s)" % (module, options)
    if micropython:
        result = run_micropython(call, heap=heap, timeout=timeout, interpreter=interpreter)
    else:
        result = run_cpython(call, timeout=timeout)
    if result.returncode:
        where = "%s (heap %s)" % (Path(interpreter).name, heap) if micropython else "CPython"
        raise RuntimeError(
            "bench.device.%s failed under %s:\n%s%s"
            % (module, where, result.stdout[-2000:], result.stderr[-2000:])
        )
    return parse(result.stdout)


def micropython_version():
    """The unix MicroPython's sys.version line."""
    result = subprocess.run(
        [str(MICROPYTHON), "-c", PRINT_VERSION],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.strip()
