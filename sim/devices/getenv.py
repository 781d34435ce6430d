"""Stand-in for the board's ``os.getenv``: the drive's settings.toml, read as the board does.

The reading itself is tools.settings_toml's, shared with the web page.
"""

from tools.circuitpy import SETTINGS
from tools.settings_toml import lookup


def getenv(key, default=None):
    """The board's ``os.getenv``: reads settings.toml in the current folder (the drive) on
    every call, as the board does; no file, no values."""
    try:
        with open(SETTINGS, "rb") as file:
            data = file.read()
    except OSError:
        data = b""
    return lookup(data, key, default)
