"""Stand-in for CircuitPython's ``microcontroller`` module on the Matrix Portal M4.

Only what code.py can use on this board and the simulator can honour: ``Pin`` (the type of
every ``board`` pin) and ``nvm``, the 8 KB non-volatile byte array, which ``install`` sets to
a fresh (or file-backed) ``nvm.ByteArray``.

This is a separate module from Blinka's ``microcontroller`` on purpose: Blinka's displayio
modules import Blinka's at their own import time (before ``install`` swaps names in
``sys.modules``) and keep using it, so nothing here can break displayio, and nothing of
Blinka's generic-PC chip detection leaks into code.py.
"""


class Pin:
    """An I/O pin of the SAMD51, named after its port and bit (e.g. "PB22")."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "microcontroller.pin.%s" % self.name


nvm = None
