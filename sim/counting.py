"""Count the drawing calls a piece of code makes into displayio bitmaps and palettes.

``count_writes()`` wraps, while active, every Blinka entry point that writes bitmap pixels
(``Bitmap.__setitem__``, ``Bitmap.fill`` and the bitmaptools drawing functions) and
``Palette.__setitem__``, counting calls without changing what they do. A call made from
inside another counted call (bitmaptools.draw_line setting pixels one by one) is not counted
again, so the numbers are the calls code.py makes. Names bound before entering (``from
bitmaptools import draw_line``) bypass the count; the renderer calls ``bitmaptools.draw_line``.
"""

import contextlib
import threading
from collections import Counter

import bitmaptools
import displayio

BITMAPTOOLS_WRITERS = (
    "alphablend",
    "arrayblit",
    "blit",
    "boundary_fill",
    "dither",
    "draw_circle",
    "draw_line",
    "draw_polygon",
    "fill_region",
    "readinto",
    "rotozoom",
)


PALETTE_WRITE = "Palette.__setitem__"


class WriteCounts:
    """Calls counted so far: ``bitmap_writes``, ``palette_writes`` and ``by_name``."""

    def __init__(self):
        self.by_name = Counter()

    @property
    def bitmap_writes(self):
        """Calls that write bitmap pixels."""
        return sum(count for name, count in self.by_name.items() if name != PALETTE_WRITE)

    @property
    def palette_writes(self):
        """Palette colour assignments (including ones that set the colour it already has)."""
        return self.by_name[PALETTE_WRITE]

    def __repr__(self):
        return "WriteCounts(bitmap_writes=%d, palette_writes=%d)" % (
            self.bitmap_writes,
            self.palette_writes,
        )


def _counting(function, name, counts, depth):
    """``function`` wrapped to count its outermost calls in the calling thread."""

    def counted(*args, **kwargs):
        if not getattr(depth, "level", 0):
            counts.by_name[name] += 1
        depth.level = getattr(depth, "level", 0) + 1
        try:
            return function(*args, **kwargs)
        finally:
            depth.level -= 1

    return counted


@contextlib.contextmanager
def count_writes():
    """Count bitmap and palette writes inside a ``with`` block; yields a WriteCounts."""
    counts = WriteCounts()
    depth = threading.local()
    targets = [(displayio.Bitmap, "__setitem__"), (displayio.Bitmap, "fill")]
    targets += [(bitmaptools, name) for name in BITMAPTOOLS_WRITERS]
    targets.append((displayio.Palette, "__setitem__"))
    originals = [(owner, name, getattr(owner, name)) for owner, name in targets]
    for owner, name, original in originals:
        label = "%s.%s" % (owner.__name__, name)
        setattr(owner, name, _counting(original, label, counts, depth))
    try:
        yield counts
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
