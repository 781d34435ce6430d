"""Stand-in for CircuitPython's ``supervisor`` module, driven by the simulator's clock.

``ticks_ms()`` reads the ``VirtualClock`` that ``install`` hands over (so it wraps at 2**29
like the board's). ``runtime`` says a serial console and USB are connected, as when the board
is plugged into a computer. ``reload()`` would restart code.py on the board; here it raises
``ReloadRequested`` so the simulator can decide what a restart means.
"""


class ReloadRequested(Exception):
    """code.py called supervisor.reload(): on the board, code.py would start again."""


class Runtime:
    """What the board knows about its USB connection."""

    serial_connected = True
    usb_connected = True
    serial_bytes_available = 0


runtime = Runtime()

_clock = None


def use_clock(clock):
    """Make ticks_ms() read ``clock`` (None: no clock, ticks_ms() raises)."""
    global _clock
    _clock = clock


def ticks_ms():
    """Milliseconds on the simulator's clock, wrapping at 2**29 like the board's."""
    if _clock is None:
        raise RuntimeError("supervisor stand-in used outside sim.devices.install()")
    return _clock.ticks_ms()


def reload():
    """Ask for code.py to be restarted: raises ReloadRequested."""
    raise ReloadRequested("code.py called supervisor.reload()")
