"""CRC-32 (IEEE 802.3, the one zlib and binascii use) in pure Python, for checkpoint records.

CircuitPython builds may leave out ``binascii.crc32``, so this module carries its own
table-driven version; ``crc32(data)`` equals ``zlib.crc32(data)`` on CPython. It runs
unchanged on CPython, MicroPython and CircuitPython.

The 32-bit register is kept as two 16-bit halves with two 256-entry ``array("H")``
tables (1 KB in all, built on first use). On the board small ints are 31 bits, so a
plain 32-bit register would make a new long-int object for every byte; the halves
never leave the small-int range and the loop allocates nothing.
"""

from array import array

POLYNOMIAL = 0xEDB88320  # the reflected IEEE polynomial

_tables = None  # (low halves, high halves) of the byte table, built by _table()


def _table():
    """The byte table as two array("H") halves, built once on first use."""
    global _tables
    if _tables is None:
        low = array("H", bytes(512))
        high = array("H", bytes(512))
        for n in range(256):
            c = n
            for _ in range(8):
                c = (c >> 1) ^ POLYNOMIAL if c & 1 else c >> 1
            low[n] = c & 0xFFFF
            high[n] = c >> 16
        _tables = (low, high)
    return _tables


def crc32(data, crc=0, start=0, end=None):
    """CRC-32 of ``data[start:end]`` (bytes-like), continuing from a previous ``crc``.

    Equal to ``zlib.crc32(data[start:end], crc)``; reads the bytes in place (no copy).
    """
    low_table, high_table = _table()
    if end is None:
        end = len(data)
    crc ^= 0xFFFFFFFF
    low = crc & 0xFFFF
    high = crc >> 16
    for k in range(start, end):
        n = (low ^ data[k]) & 0xFF
        low = (((high & 0xFF) << 8) | (low >> 8)) ^ low_table[n]
        high = (high >> 8) ^ high_table[n]
    return ((high << 16) | low) ^ 0xFFFFFFFF
