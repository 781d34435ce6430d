"""Stand-in for CircuitPython's ``framebufferio``: a displayio display that draws into an
RGBMatrix stand-in's framebuffer.

``FramebufferDisplay`` is Blinka's ``busdisplay.BusDisplay`` with the bus taken out: Blinka's
own display core composes Groups, TileGrids, Bitmaps, Palettes and labels exactly as it does
for an SPI screen, and each dirty area, instead of being sent down a bus, is copied row by
row into the matrix framebuffer (plain RGB565, no byte swap). As on the board, the matrix is
told to refresh only when something was redrawn, and releasing the display
(``displayio.release_displays()``) deinitialises the matrix.

Blinka refreshes displays with ``auto_refresh=True`` from a background thread in real time
(``Matrix()`` makes its display that way; code.py then turns it off). Refreshes here are
serialised by a lock, so that thread and code.py's own ``refresh()`` never interleave, and
only code.py's own refreshes are reported to the refresh hook.
"""

import threading

import displayio
from busdisplay import BusDisplay
from displayio._area import Area

# Frames per second Blinka's background thread aims for while auto_refresh is on. The board
# reports 250 for rgbmatrix; 60 keeps that thread from taking the simulator's CPU.
AUTO_REFRESH_FPS = 60

_refresh_hook = None


def set_refresh_hook(hook):
    """Call ``hook(display)`` after every refresh code.py asked for that ran (None: nothing).

    Refreshes made by Blinka's auto-refresh thread are not reported: they happen in real
    time, so reporting them would make a run depend on thread timing.
    """
    global _refresh_hook
    _refresh_hook = hook


class FramebufferDisplay(BusDisplay):
    """A display whose pixels land in ``framebuffer`` (an RGBMatrix stand-in)."""

    def __init__(self, framebuffer, *, rotation=0, auto_refresh=True):
        # Set before BusDisplay.__init__: the background thread can refresh as soon as
        # __new__ has registered this display.
        self._framebuffer = framebuffer
        self._refresh_lock = threading.Lock()
        self._auto_refresh = False  # read by that thread; BusDisplay.__init__ sets it later
        # The display core's width and height are the rotated ones, its area the native one.
        width, height = framebuffer.width, framebuffer.height
        if rotation % 180 == 90:
            width, height = height, width
        super().__init__(
            None,
            b"",
            width=width,
            height=height,
            rotation=rotation,
            color_depth=16,
            reverse_bytes_in_word=False,
            auto_refresh=auto_refresh,
            native_frames_per_second=AUTO_REFRESH_FPS,
        )

    @property
    def framebuffer(self):
        """The framebuffer (RGBMatrix) this display draws into."""
        return self._framebuffer

    @property
    def brightness(self):
        """The matrix brightness: 0.0 is off, anything else on (as on the board)."""
        return self._framebuffer.brightness

    @brightness.setter
    def brightness(self, value):
        if not 0 <= float(value) <= 1:
            raise ValueError("Brightness must be between 0.0 and 1.0")
        self._framebuffer.brightness = value

    def refresh(self, *, target_frames_per_second=None, minimum_frames_per_second=0):
        """Redraw what changed (see busdisplay.BusDisplay.refresh), then call the hook."""
        with self._refresh_lock:
            refreshed = super().refresh(
                target_frames_per_second=target_frames_per_second,
                minimum_frames_per_second=minimum_frames_per_second,
            )
        if (
            refreshed
            and _refresh_hook is not None
            and threading.current_thread() is not displayio.background_thread
        ):
            _refresh_hook(self)
        return refreshed

    def _refresh_display(self):
        """Draw every dirty area; tell the matrix to show them if there were any."""
        if not self._core.start_refresh():
            return False
        areas = self._get_refresh_areas()
        for area in areas:
            self._refresh_area(area)
        if areas:
            self._framebuffer.refresh()
        self._core.finish_refresh()
        return True

    def _refresh_area(self, area):
        """Compose one area with Blinka's display core and copy it into the framebuffer."""
        clipped = Area()
        if not self._core.clip_area(area, clipped):
            return True
        pixel_count = clipped.size()
        # Blinka's fill code wants 32-bit words and a 1-bit-per-pixel mask (plus one word).
        buffer = memoryview(bytearray(4 * ((pixel_count + 1) // 2))).cast("I")
        mask = memoryview(bytearray(4 * (pixel_count // 32 + 1))).cast("I")
        self._core.fill_area(clipped, mask, buffer)
        pixels = buffer.cast("B").cast("H")
        target = memoryview(self._framebuffer.framebuffer)
        stride = self._framebuffer.width
        row_width = clipped.width()
        for row in range(clipped.height()):
            start = (clipped.y1 + row) * stride + clipped.x1
            target[start : start + row_width] = pixels[row * row_width : (row + 1) * row_width]
        return True

    def _release(self):
        """Release the display and, as on the board, deinitialise the matrix."""
        super()._release()
        self._framebuffer.deinit()
