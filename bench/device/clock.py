"""Microsecond ticks on MicroPython (time.ticks_us) and on CPython (perf_counter)."""

try:
    from time import ticks_diff, ticks_us
except ImportError:  # CPython has no ticks
    from time import perf_counter

    def ticks_us():
        """Microseconds from an arbitrary start."""
        return int(perf_counter() * 1000000)

    def ticks_diff(end, start):
        """end - start in microseconds (no wrap on CPython)."""
        return end - start


def elapsed_us(start):
    """Microseconds since ``start`` (a ticks_us value), wrap-safe."""
    return ticks_diff(ticks_us(), start)
