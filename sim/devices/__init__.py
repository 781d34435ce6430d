"""The CircuitPython modules Blinka lacks, as desktop stand-ins for the Matrix Portal M4.

``install`` puts them into ``sys.modules`` under the board's module names (``board``,
``rgbmatrix``, ``framebufferio``, ``keypad``, ``supervisor``, ``microcontroller``, ``nvm``),
makes ``os.uname()`` describe a Matrix Portal M4, which is how
``adafruit_matrixportal.matrix.Matrix`` (the tests' reference wiring) picks the MTX_* pins,
and makes ``os.getenv`` read settings.toml in the current folder (the drive) as the board
does (sim/devices/getenv.py).
Everything is put back on exit, so tests can install many times in one process. Modules
that code.py imports while installed keep references to the stand-ins; those are the same
module objects every time, so a later install drives them again.
"""

import contextlib
import io
import os
import sys

# Blinka prints "GENERIC_X86 is not fully supported" on import; the simulator is not
# pretending to be an x86 board, so that line would only confuse a user.
with contextlib.redirect_stdout(io.StringIO()):
    import busdisplay  # noqa: F401  (its import of Blinka's microcontroller prints it)
    import displayio

from sim.devices import (
    board,
    framebufferio,
    getenv,
    keypad,
    microcontroller,
    nvm,
    rgbmatrix,
    supervisor,
)

STAND_INS = {
    "board": board,
    "rgbmatrix": rgbmatrix,
    "framebufferio": framebufferio,
    "keypad": keypad,
    "supervisor": supervisor,
    "microcontroller": microcontroller,
    "nvm": nvm,
}

MATRIX_PORTAL_UNAME = os.uname_result(
    (
        "samd51",
        "samd51",
        "10.2.1",
        "10.2.1 on simulator",
        "Adafruit Matrix Portal M4 with samd51j19",
    )
)


def _matrix_portal_uname():
    """os.uname() as the Matrix Portal M4 reports it."""
    return MATRIX_PORTAL_UNAME


class SimulatedBoard:
    """What the simulator holds on to while the stand-ins are installed: the ``clock``, the
    ``buttons`` (keypad.KeySource: press/release), the ``nvm`` and the newest ``matrix``."""

    def __init__(self, clock, buttons, nvm):
        self.clock = clock
        self.buttons = buttons
        self.nvm = nvm

    @property
    def matrix(self):
        """The newest RGBMatrix created since install (None until code.py makes one)."""
        return rgbmatrix.last_matrix()


@contextlib.contextmanager
def install(clock, *, key_script=(), nvm_path=None, on_refresh=None):
    """Install the stand-ins for the duration of a ``with`` block; yields a SimulatedBoard.

    ``clock`` (a VirtualClock) drives supervisor.ticks_ms() and the buttons; ``key_script``
    is a sequence of (time_ms, key_number, pressed) button changes; ``nvm_path`` keeps
    microcontroller.nvm in a file across runs; ``on_refresh(display)`` is called after every
    ``display.refresh()`` that ran (Blinka's auto-refresh thread is not reported). On exit
    all displays are released, as a board reset would.
    """
    if sys.modules.get("supervisor") is supervisor:
        raise RuntimeError("sim.devices.install() is already active")
    handle = SimulatedBoard(clock, keypad.KeySource(clock, key_script), nvm.ByteArray(nvm_path))
    saved_modules = {name: sys.modules.get(name) for name in STAND_INS}
    saved_uname, saved_getenv = os.uname, os.getenv
    sys.modules.update(STAND_INS)
    os.uname = _matrix_portal_uname
    os.getenv = getenv.getenv
    supervisor.use_clock(clock)
    keypad.use_source(handle.buttons)
    microcontroller.nvm = handle.nvm
    framebufferio.set_refresh_hook(on_refresh)
    rgbmatrix.forget_matrices()
    try:
        yield handle
    finally:
        displayio.release_displays()
        framebufferio.set_refresh_hook(None)
        microcontroller.nvm = None
        keypad.use_source(None)
        supervisor.use_clock(None)
        os.uname, os.getenv = saved_uname, saved_getenv
        for name, module in saved_modules.items():
            if module is None:
                del sys.modules[name]
            else:
                sys.modules[name] = module
