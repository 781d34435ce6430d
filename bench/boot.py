"""code.py booted on the board-faithful CircuitPython, from the bundle's .mpy files.

``drive(folder)`` writes the bundle (tools.bundle: every module a CircuitPython 10 .mpy file,
code.py and settings.toml source) as ``folder``/CIRCUITPY with NN_SEED fixed, and the
stand-ins for the board's built-in modules (boardstubs/, see its README) beside them in
CIRCUITPY/stubs, compiled to .mpy too: on the board those modules are C, so their compiling
must not weigh on the heap figures here. ``boot(...)`` runs code.py there until it has
trained a number of batches, with the buttons following a ``--press`` script (sim.presses)
on the stand-in clock, and returns what it printed as a ``Boot``.
"""

import os
import re
import subprocess
from pathlib import Path

from bench import interpreters
from sim.presses import parse_presses
from tools.bundle.build import build
from tools.bundle.mpy import compile_module, mpy_cross

ROOT = Path(__file__).resolve().parent.parent
STUBS = ROOT / "boardstubs"
# The board looks in '' (the drive), '.frozen' and 'lib'; its built-in modules come after.
PATH = ".frozen:lib:stubs"
TIMEOUT = 600


def drive(folder, *, seed=1, root=ROOT):
    """The CIRCUITPY folder (a Path) written into ``folder``, stand-ins included; ``root``:
    the checkout (or a changed copy of it) whose code.py and packages it holds."""
    dest = Path(folder) / "CIRCUITPY"
    build(dest, root=root)
    tool = mpy_cross()
    (dest / "stubs").mkdir()
    for source in sorted(STUBS.glob("*.py")):
        compiled = compile_module(source, source.name, tool)
        (dest / "stubs" / (source.stem + ".mpy")).write_bytes(compiled)
    settings = dest / "settings.toml"
    text, made = re.subn(r"(?m)^NN_SEED = \d+", "NN_SEED = %d" % seed, settings.read_text())
    if made != 1:
        raise RuntimeError("settings.toml has no NN_SEED line to fix the seed with")
    settings.write_text(text)
    return dest


# Before code.py: the stand-ins' run settings, and (``modules``) an import hook that prints
# every module as it first appears, with the file it came from.
PRELUDE = """\
import framebufferio, keypad, microcontroller
microcontroller.KEEP = %r
framebufferio.FRAMES = 0
framebufferio.BATCHES = %d
framebufferio.FRAME_MS = %d
framebufferio.SHOW_MS = %d
keypad.SCRIPT = %r
"""
MODULES = """\
import builtins, sys
_import = builtins.__import__
_seen = set()
def _traced(*args):
    module = _import(*args)
    for name in sys.modules:
        if name not in _seen:
            _seen.add(name)
            print("module", name, getattr(sys.modules[name], "__file__", "-"))
    return module
builtins.__import__ = _traced
"""


def boot(
    dest,
    *,
    heap_kb,
    batches,
    presses="",
    frame_ms=100,
    show_ms=0,
    modules=False,
    keep_nvm=False,
    timeout=TIMEOUT,
):
    """The finished interpreter process that ran ``dest``/code.py in a ``heap_kb`` KB heap
    until ``batches`` batches were trained (it exits 0 then), each frame ``frame_ms`` of
    the stand-in clock, buttons following ``presses`` (e.g. "up@1500,down@4000:1200"),
    what the panel shows printed every ``show_ms``. ``keep_nvm``: the nvm as the last run
    in ``dest`` left it (else erased); ``modules``: print each module's file as it loads."""
    script = tuple(tuple(change) for change in parse_presses(presses)) if presses else ()
    prelude = PRELUDE % (keep_nvm, batches, frame_ms, show_ms, script)
    code = prelude + (MODULES if modules else "") + "import code\n"
    return run_script(dest, code, heap_kb=heap_kb, timeout=timeout)


def run_script(dest, script, *, heap_kb, timeout=TIMEOUT):
    """The finished interpreter process that ran ``script`` in the CIRCUITPY folder ``dest``
    as code.py runs there (its modules, lib/, the stand-ins) in a ``heap_kb`` KB heap."""
    return subprocess.run(
        [str(interpreters.CIRCUITPYTHON), "-X", "heapsize=%dK" % heap_kb, "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(dest),
        env=dict(os.environ, MICROPYPATH=PATH),
    )


class Boot:
    """What a boot printed: ``lines`` (all), ``batches`` ((batch, best, test) floats per
    batch line), ``shown`` ((ms, batches, layers, [colour, ...]) per snapshot), ``modules``
    ({name: file}), ``heap_ready`` and ``heap_end`` (live bytes, or None)."""

    def __init__(self, stdout):
        self.lines = stdout.splitlines()
        self.batches = []
        self.shown = []
        self.modules = {}
        self.heap_ready = self.heap_end = None
        for line in self.lines:
            words = line.split()
            if line.startswith("(") and line.endswith(")"):
                self.batches.append(tuple(float(v) for v in line[1:-1].split(",")))
            elif words[:1] == ["shown"]:
                ms, batches, layers = int(words[1]), int(words[2]), words[3]
                self.shown.append((ms, batches, layers, [int(c, 16) for c in words[4:]]))
            elif words[:1] == ["module"]:
                self.modules[words[1]] = words[2]
            elif words[:1] == ["heap_ready"]:
                self.heap_ready = int(words[1])
            elif words[:1] == ["heap_end"]:
                self.heap_end = int(words[1])
