"""Stand-in for CircuitPython's ``rgbmatrix`` module: an RGB565 framebuffer in place of a panel.

``RGBMatrix`` takes the same keyword arguments as on the board and checks them the same way
(pin counts against the height, bit_depth 1..6), then keeps the width x height RGB565
pixels in an ``array("H")``, row by row, for the simulator to read: ``pixel_rgb565``,
``rgb888`` (exact colours) and ``panel_rgb888`` (what the LEDs show at ``bit_depth``).
``last_matrix()`` returns the newest instance, which is how the simulator finds the matrix
that code.py builds.
"""

from array import array

from sim import rgb565

_newest = None


def last_matrix():
    """The most recently created RGBMatrix, or None if there is none (or it was forgotten)."""
    return _newest


def _remember(matrix):
    """Make ``matrix`` the one last_matrix() returns (None: forget it)."""
    global _newest
    _newest = matrix


def forget_matrices():
    """Forget the most recent RGBMatrix, so last_matrix() only reports ones made after this."""
    _remember(None)


class RGBMatrix:
    """A HUB75 panel driven by Protomatter, simulated as a framebuffer.

    As on the board, ``height`` may be left 0 and is then worked out from the pins:
    (rgb pins / 3) * 2**(address pins) * tile. ``doublebuffer`` and ``serpentine`` change
    nothing visible here. ``framebuffer``, if given, is any writable buffer of at least
    width * height * 2 bytes and holds the pixels instead of a fresh array.
    """

    def __init__(
        self,
        *,
        width,
        bit_depth,
        rgb_pins,
        addr_pins,
        clock_pin,
        latch_pin,
        output_enable_pin,
        doublebuffer=True,
        framebuffer=None,
        height=0,
        tile=1,
        serpentine=True,
    ):
        if len(rgb_pins) % 6 or not rgb_pins:
            raise ValueError("Must use a multiple of 6 rgb pins, not %d" % len(rgb_pins))
        if not 1 <= bit_depth <= 6:
            raise ValueError("bit_depth must be 1 to 6, not %r" % (bit_depth,))
        if width <= 0:
            raise ValueError("width must be > 0, not %r" % (width,))
        computed_height = len(rgb_pins) // 3 * (1 << len(addr_pins)) * abs(tile)
        if height and height != computed_height:
            raise ValueError(
                "%d address pins, %d rgb pins and %d tiles indicate a height of %d, not %d"
                % (len(addr_pins), len(rgb_pins), tile, computed_height, height)
            )
        self.width = width
        self.height = computed_height
        self.bit_depth = bit_depth
        self.brightness = 1.0
        self.deinited = False
        self.pins = {
            "rgb_pins": tuple(rgb_pins),
            "addr_pins": tuple(addr_pins),
            "clock_pin": clock_pin,
            "latch_pin": latch_pin,
            "output_enable_pin": output_enable_pin,
        }
        self.refresh_count = 0
        pixel_count = width * self.height
        if framebuffer is None:
            self.framebuffer = array("H", bytes(2 * pixel_count))
        else:
            pixels = memoryview(framebuffer).cast("B")
            if len(pixels) < 2 * pixel_count:
                raise ValueError("framebuffer must hold at least %d bytes" % (2 * pixel_count))
            self.framebuffer = pixels[: 2 * pixel_count].cast("H")
        _remember(self)

    def __repr__(self):
        return "<RGBMatrix %dx%d bit_depth=%d>" % (self.width, self.height, self.bit_depth)

    def refresh(self):
        """Show the framebuffer on the panel (the display calls this after drawing)."""
        if self.deinited:
            raise ValueError("Object has been deinitialized and can no longer be used.")
        self.refresh_count += 1

    def deinit(self):
        """Free the panel, as displayio.release_displays() does; the pixels stay readable."""
        self.deinited = True

    def pixel_rgb565(self, x, y):
        """The RGB565 value at column ``x``, row ``y``."""
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise IndexError(
                "(%d, %d) is outside the %dx%d panel" % (x, y, self.width, self.height)
            )
        return self.framebuffer[y * self.width + x]

    def rgb888(self):
        """The framebuffer as bytes r, g, b per pixel, rows top to bottom, RGB565 expanded
        exactly (ready for ``PIL.Image.frombytes("RGB", (width, height), ...)``)."""
        return rgb565.expand_rgb888(self.framebuffer)

    def panel_rgb888(self):
        """Like rgb888, but as the lit panel looks: each channel cut to ``bit_depth`` bits,
        LED light written sRGB-encoded (see sim.rgb565); all black while brightness is 0."""
        if self.brightness == 0:
            return bytes(3 * len(self.framebuffer))
        return rgb565.panel_rgb888(self.framebuffer, self.bit_depth)
