"""Min-max normalisation of one pass's values into a preallocated list (no allocation).

Runs unchanged under CPython, MicroPython and CircuitPython. Training may diverge, so NaN and
+-inf are expected input: they are ignored for the range and mapped to 0, never to a colour.
"""


def finite_range(values):
    """(lowest, highest) of the finite values, or (None, None) when there are none."""
    lowest = None
    highest = None
    for value in values:
        # Finite test: inf - inf and nan - nan are NaN, never 0. Inlined, and cheaper on the board
        # than math.isfinite (no module lookup, no call), as this runs per element per pass.
        if value - value == 0.0:
            if lowest is None:
                lowest = highest = value
            elif value < lowest:
                lowest = value
            elif value > highest:
                highest = value
    return lowest, highest


def normalise(values, out):
    """Write each value's place between the pass's min (0.0) and max (1.0) into `out`.

    `out` must be at least as long as `values` and may be `values` itself (in place). Order is
    preserved and results stay within [0, 1]. Non-finite values become 0.0. When every finite
    value is equal there is no range: they all become 1.0 if non-zero (equal magnitudes are
    all "full"), 0.0 if zero. Callers pass absolute values where magnitude is meant.
    Returns `out`.
    """
    lowest, highest = finite_range(values)
    count = len(values)
    if lowest is None:
        for k in range(count):
            out[k] = 0.0
        return out
    # Halved before subtracting, so lowest = -3e38 and highest = 3e38 cannot overflow to inf;
    # scaling by 0.5 is exact, so results are unchanged. Division (not multiplication by a
    # reciprocal) keeps the maximum at exactly 1.0.
    half_lowest = lowest * 0.5
    half_span = highest * 0.5 - half_lowest
    if half_span > 0.0:
        for k in range(count):
            value = values[k]
            out[k] = (value * 0.5 - half_lowest) / half_span if value - value == 0.0 else 0.0
        return out
    level = 0.0 if highest == 0.0 else 1.0
    for k in range(count):
        value = values[k]
        out[k] = level if value - value == 0.0 else 0.0
    return out
