"""Pictures of the panel: an exact PNG, an LED-look PNG, and an LED-look animated GIF.

``save_png`` writes the framebuffer 1:1 with its RGB565 colours expanded exactly (for tests
and pixel checks). The LED-look pictures show what a person sees on the panel instead
(``RGBMatrix.panel_rgb888``: colours cut to the panel's bit depth, LED light sRGB-encoded)
drawn as round LEDs (sim.ledlook).

``GifRecorder`` keeps each distinct frame zlib-compressed at panel size (a few hundred bytes
for a mostly dark 64x32 frame) and merges identical consecutive frames, so recording is
cheap. ``save`` builds the large LED-look frames then, and Pillow's GIF writer holds all of
them until it has written the file: about width*height*scale**2 bytes each (128 KB at 64x32,
scale 8), so keep recordings to tens of seconds.
"""

import zlib

from PIL import Image

from sim.ledlook import led_image, panel_image

BLACK = (0, 0, 0)
# GIF delays are in hundredths of a second, and browsers play a delay under 2 as 10.
GIF_TICK_MS = 10
GIF_SHORTEST_TICKS = 2


def _rows_to_frame(rows):
    """Rows of (r, g, b) tuples as (width, height, rgb bytes)."""
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        raise ValueError("every row of a frame must have the same length")
    return width, len(rows), bytes(channel for row in rows for pixel in row for channel in pixel)


def _panel_frame(frame):
    """(width, height, rgb bytes) of what the panel shows, from an RGBMatrix or rows."""
    if hasattr(frame, "panel_rgb888"):
        return frame.width, frame.height, frame.panel_rgb888()
    return _rows_to_frame(frame)


def save_png(matrix, path):
    """Write the matrix framebuffer to ``path`` as a 1:1 PNG, RGB565 expanded exactly."""
    panel_image(matrix.rgb888(), matrix.width, matrix.height).save(path, format="PNG")


def save_led_png(matrix, path, *, scale=8):
    """Write what the panel shows to ``path`` as a PNG of round LEDs, ``scale`` px apart."""
    image = panel_image(matrix.panel_rgb888(), matrix.width, matrix.height)
    led_image(image, scale).save(path, format="PNG")


def _indexed(image):
    """An RGB image as mode "P" with black at index 0; exact when it has <= 255 colours."""
    colours = image.getcolors(255)
    if colours is None:
        image = image.quantize(255, dither=Image.Dither.NONE).convert("RGB")
        colours = image.getcolors(255)
    palette = [BLACK] + [colour for _count, colour in colours if colour != BLACK]
    palette_image = Image.new("P", (1, 1))
    palette_image.putpalette([channel for colour in palette for channel in colour])
    return image.quantize(palette=palette_image, dither=Image.Dither.NONE)


def gif_delays_ms(durations_ms):
    """Frame durations as GIF delays (ms, multiples of 10, at least 20), rounding so the
    running total stays as close to the real elapsed time as the 10 ms steps allow."""
    delays = []
    elapsed_ms = 0
    shown_ticks = 0
    for duration_ms in durations_ms:
        elapsed_ms += duration_ms
        ticks = max(GIF_SHORTEST_TICKS, round(elapsed_ms / GIF_TICK_MS) - shown_ticks)
        shown_ticks += ticks
        delays.append(ticks * GIF_TICK_MS)
    return delays


class GifRecorder:
    """Collects panel frames and writes them as a looping LED-look GIF.

    ``scale`` is the LED pitch in GIF pixels; ``fps`` sets the duration of a frame added
    without one (1000 / fps ms).
    """

    def __init__(self, scale=8, fps=25):
        self.scale = scale
        self.frame_ms = 1000 / fps
        self._frames = []  # [compressed rgb bytes, duration_ms]
        self._size = None
        self._last_rgb = None

    def __len__(self):
        """How many distinct frames (after merging identical neighbours) are held."""
        return len(self._frames)

    def add(self, frame, duration_ms=None):
        """Add an RGBMatrix's current look (or rows of (r, g, b)) shown for ``duration_ms``.

        A frame identical to the previous one only lengthens that one.
        """
        if duration_ms is None:
            duration_ms = self.frame_ms
        width, height, rgb = _panel_frame(frame)
        if self._size is None:
            self._size = (width, height)
        elif self._size != (width, height):
            raise ValueError(
                "frame is %dx%d, earlier frames %dx%d" % ((width, height) + self._size)
            )
        if rgb == self._last_rgb:
            self._frames[-1][1] += duration_ms
            return
        self._last_rgb = rgb
        self._frames.append([zlib.compress(rgb, 1), duration_ms])

    def save(self, path):
        """Write the GIF (looping forever) to ``path``; returns the number of frames."""
        if not self._frames:
            raise ValueError("no frames to save")
        width, height = self._size
        # A generator, so only Pillow's writer holds the large frames, not a list here too.
        images = (
            led_image(_indexed(panel_image(zlib.decompress(rgb), width, height)), self.scale)
            for rgb, _duration in self._frames
        )
        first = next(images)
        first.save(
            path,
            format="GIF",
            save_all=True,
            append_images=images,
            duration=gif_delays_ms([duration for _rgb, duration in self._frames]),
            loop=0,
        )
        return len(self._frames)
