"""nn's random numbers: one generator that gives the same numbers on every interpreter.

The data, the starting weights and every epoch's shuffle draw from one module-level
stream, in that order, so ``seed(n)`` fixes a whole run on CPython, MicroPython, the board
and anything else that runs Python. (The board has no random.Random, and its ``random``
gives a seed other numbers than a double-precision build does.)

The generator is SFC16, Chris Doty-Humphrey's Small Fast Chaotic generator on 16-bit words
(PractRand finds no flaw in its first 256 GiB): adds, xors and shifts, no value ever reaching
2**23, so every interpreter computes the same integers in small ints, without allocating.
"""

# The generator's state: three 16-bit words and a 16-bit counter (which rules out short cycles).
_a = 0
_b = 0
_c = 0
_count = 1


def seed(n):
    """Start the stream from the integer ``n`` (its low 32 bits; a run's seed fits 30)."""
    global _a, _b, _c, _count
    _a = 0
    _b = n & 0xFFFF
    _c = (n >> 16) & 0xFFFF
    _count = 1
    for _ in range(24):  # mix the seed's bits through every word (as PractRand seeds it)
        bits()


def bits():
    """The next 16 random bits, as an int in [0, 65536)."""
    global _a, _b, _c, _count
    b = _b
    c = _c
    out = (_a + b + _count) & 0xFFFF
    _count = (_count + 1) & 0xFFFF
    _a = b ^ (b >> 5)
    _b = (c + (c << 3)) & 0xFFFF
    _c = (((c << 6) | (c >> 10)) + out) & 0xFFFF
    return out


def random():
    """A float in [0, 1): k / 2**20 for a uniform 20-bit k.

    20 bits because the board keeps exactly that many significant bits: its floats drop
    the low 2 of float32's 23 mantissa bits and refill them from the 2 above when read,
    so only values whose lowest 4 mantissa bits are 0 come back unchanged. Every such
    value is the same float everywhere, and so are 1 - u and 2 * u - 1.
    """
    return ((bits() << 4) | (bits() >> 12)) / 1048576.0


def below(n):
    """A uniform int in [0, n), for 1 <= n <= 65536 (draws past the last whole multiple of
    n are drawn again, so no value is favoured)."""
    if not 0 < n <= 0x10000:
        raise ValueError("below(n) needs 1 <= n <= 65536, got %r" % (n,))
    limit = 0x10000 - 0x10000 % n
    value = bits()
    while value >= limit:
        value = bits()
    return value % n
