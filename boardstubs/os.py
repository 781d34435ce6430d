"""The unix port's os plus the board's ``os.uname()``, which adafruit_matrixportal reads."""

import sys

# With sys.path empty, ``import os`` finds the built-in module rather than this file.
_path = sys.path
sys.path = ()
try:
    from os import *  # noqa: F403
finally:
    sys.path = _path
    del _path


class _Uname:
    machine = "Adafruit Matrix Portal M4 with samd51j19"


def uname():
    return _Uname()
