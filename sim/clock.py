"""A virtual millisecond clock for the simulator: deterministic and faster than real time.

code.py paces itself with ``supervisor.ticks_ms()``; in the simulator that reads this clock,
which only moves when the simulator calls ``advance``. Like CircuitPython's supervisor.ticks_ms
the ticks wrap at 2**29 ms. The board starts its ticks about 65 s before the first wrap so
programs meet the wrap early; ``VirtualClock(start_ms=TICKS_PERIOD - 65_000)`` does the same.
"""

import operator

TICKS_PERIOD = 1 << 29


class VirtualClock:
    """Simulated time in whole milliseconds, starting at ``start_ms``."""

    def __init__(self, start_ms=0):
        start_ms = operator.index(start_ms)
        if start_ms < 0:
            raise ValueError("start_ms must be >= 0, not %d" % start_ms)
        self.now_ms = start_ms

    def __repr__(self):
        return "VirtualClock(now_ms=%d)" % self.now_ms

    def ticks_ms(self):
        """The time as supervisor.ticks_ms() reports it: milliseconds modulo 2**29."""
        return self.now_ms % TICKS_PERIOD

    def monotonic(self):
        """The time in float seconds, like time.monotonic()."""
        return self.now_ms / 1000

    def advance(self, ms):
        """Move the clock forward by ``ms`` whole milliseconds (an int >= 0).

        Fractions are refused rather than rounded, so a caller stepping by 1000 / fps cannot
        drift unnoticed: keep the remainder yourself and pass whole milliseconds.
        """
        ms = operator.index(ms)
        if ms < 0:
            raise ValueError("the clock only moves forward; advance(%d)" % ms)
        self.now_ms += ms
