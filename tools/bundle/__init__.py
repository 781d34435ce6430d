"""python -m tools.bundle DEST: a CIRCUITPY-ready folder (and DEST.zip) for the Matrix Portal M4.

The folder holds what tools/circuitpy.py names (code.py, settings.toml, the device packages
code.py imports, fonts/*.bdf) and a lib/ folder with exactly the Adafruit library modules
code.py imports, directly or not, taken from the pinned PyPI packages here. Every module but
code.py ships as a CircuitPython 10 .mpy file (tools.bundle.mpy), which the board loads
without compiling it in RAM; ``--source`` (make bundle SOURCE=1) ships the .py files
instead, for other CircuitPython versions. The import closure comes from parsing every
module with ``ast`` (tools.bundle.imports, tools.bundle.walk): local modules resolve to the
device packages, third-party ones to site-packages, and modules built into the board's
firmware (builtin_modules.txt here) are left out. Typing-only imports (``typing``,
``circuitpython_typing`` ...) must sit in a ``try: ... except ImportError`` guard, as the
Adafruit libraries do, and are dropped; anything else that does not resolve stops the build
with the file and line that imports it. tools.bundle.build makes the files, tools.bundle.update
writes them into DEST, replacing or removing only what an earlier bundle wrote there
(tools.bundle.care keeps the record; settings.toml is merged: tools.bundle.settings_merge;
the zip proves itself: tools.bundle.archive), and tools.bundle.report says what they hold.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIB = "lib"  # the drive's library folder, which CircuitPython imports from after /


class BundleError(Exception):
    """Why the bundle cannot be built, in words for the person who ran the command."""
