"""count_writes counts the drawing calls made into bitmaps and palettes, and nothing else."""

import bitmaptools
import displayio

from sim.clock import VirtualClock
from sim.counting import count_writes
from sim.devices import install


def test_counts_each_outermost_bitmap_and_palette_write():
    bitmap = displayio.Bitmap(16, 8, 4)
    palette = displayio.Palette(4)
    with count_writes() as counts:
        bitmap[1, 1] = 2
        bitmap[2] = 3
        bitmap.fill(0)
        bitmaptools.draw_line(bitmap, 0, 0, 15, 7, 1)  # sets pixels itself: counted once
        bitmaptools.fill_region(bitmap, 0, 0, 4, 4, 2)
        palette[1] = 0xFF0000
        palette[1] = 0xFF0000
    assert counts.bitmap_writes == 5
    assert counts.palette_writes == 2
    assert counts.by_name["bitmaptools.draw_line"] == 1
    assert counts.by_name["Bitmap.__setitem__"] == 2


def test_writes_still_happen_and_nothing_is_counted_after_the_block():
    bitmap = displayio.Bitmap(4, 4, 2)
    palette = displayio.Palette(2)
    originals = (displayio.Bitmap.__setitem__, bitmaptools.draw_line, displayio.Palette.__setitem__)
    with count_writes() as counts:
        bitmap[3, 3] = 1
        palette[1] = 0x123456
    bitmap[0, 0] = 1
    palette[0] = 0xFFFFFF
    assert counts.bitmap_writes == 1
    assert counts.palette_writes == 1
    assert bitmap[3, 3] == 1
    assert palette[1] == 0x123456
    assert originals == (
        displayio.Bitmap.__setitem__,
        bitmaptools.draw_line,
        displayio.Palette.__setitem__,
    )


def test_reading_pixels_and_refreshing_the_display_count_nothing():
    with install(VirtualClock()):
        from adafruit_matrixportal.matrix import Matrix

        display = Matrix(width=64, height=32, bit_depth=4).display
        display.auto_refresh = False
        bitmap = displayio.Bitmap(64, 32, 2)
        palette = displayio.Palette(2)
        group = displayio.Group()
        group.append(displayio.TileGrid(bitmap, pixel_shader=palette))
        display.root_group = group
        with count_writes() as counts:
            assert bitmap[0, 0] == 0
            display.refresh()
            display.refresh()
    assert counts.bitmap_writes == counts.palette_writes == 0
