"""Pictures of the panel: an exact PNG, an LED-look PNG, and an LED-look animated GIF.

``save_png`` writes the framebuffer 1:1 with its RGB565 colours expanded exactly (for tests
and pixel checks). The LED-look pictures show what a person sees on the panel instead
(``RGBMatrix.panel_rgb888``: colours cut to the panel's bit depth, LED light sRGB-encoded)
drawn as round LEDs (sim.ledlook).

``GifRecorder`` keeps each distinct frame zlib-compressed at panel size (a few hundred bytes
for a mostly dark 64x32 frame) in a temporary file, and merges identical consecutive frames,
so recording is cheap and holds next to nothing in memory however long the run. ``save``
builds the large LED-look frames then and writes them a chunk at a time (sim.gifstream), so
saving does not hold them all either.
"""

import struct
import tempfile
import zlib

from PIL import Image

from sim.gifstream import GifWriter
from sim.ledlook import led_image, panel_image

BLACK = (0, 0, 0)
# GIF delays are in hundredths of a second, and browsers play a delay under 2 as 10.
GIF_TICK_MS = 10
GIF_SHORTEST_TICKS = 2
# A GIF delay is a 16-bit count of ticks: a frame shown longer (a long pause) is cut to this.
GIF_LONGEST_TICKS = 0xFFFF
# A spooled frame: its duration (ms, a double) and the length of its compressed pixels.
SPOOL_RECORD = struct.Struct("<dI")


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


def indexed(image):
    """An RGB image as mode "P" with black at index 0; exact when it has <= 255 colours."""
    colours = image.getcolors(255)
    if colours is None:
        image = image.quantize(255, dither=Image.Dither.NONE).convert("RGB")
        colours = image.getcolors(255)
    palette = [BLACK] + [colour for _count, colour in colours if colour != BLACK]
    palette_image = Image.new("P", (1, 1))
    palette_image.putpalette([channel for colour in palette for channel in colour])
    return image.quantize(palette=palette_image, dither=Image.Dither.NONE)


class GifDelays:
    """Turns frame durations into GIF delays one by one (ms, multiples of 10, at least 20),
    rounding so the running total stays as close to the real elapsed time as the 10 ms steps
    allow. A frame longer than a GIF delay can say is shown for the longest one, and the
    time cut from it is not made up later."""

    def __init__(self):
        self._elapsed_ms = 0
        self._shown_ticks = 0

    def next(self, duration_ms):
        """The delay of the next frame, shown for ``duration_ms``."""
        self._elapsed_ms += duration_ms
        ticks = max(GIF_SHORTEST_TICKS, round(self._elapsed_ms / GIF_TICK_MS) - self._shown_ticks)
        if ticks > GIF_LONGEST_TICKS:
            self._elapsed_ms -= (ticks - GIF_LONGEST_TICKS) * GIF_TICK_MS
            ticks = GIF_LONGEST_TICKS
        self._shown_ticks += ticks
        return ticks * GIF_TICK_MS


def gif_delays_ms(durations_ms):
    """Frame durations as GIF delays (see GifDelays)."""
    delays = GifDelays()
    return [delays.next(duration_ms) for duration_ms in durations_ms]


class GifRecorder:
    """Collects panel frames and writes them as a looping LED-look GIF.

    ``scale`` is the LED pitch in GIF pixels; ``fps`` sets the duration of a frame added
    without one (1000 / fps ms). Distinct frames wait in a temporary file (deleted when the
    recorder is); only the newest is held in memory, as its duration may still grow.
    """

    def __init__(self, scale=8, fps=25):
        self.scale = scale
        self.frame_ms = 1000 / fps
        self._spool = None  # the temporary file of finished frames, made by the first
        self._spooled = 0
        self._newest = None  # [rgb bytes, duration_ms]
        self._size = None

    def __len__(self):
        """How many distinct frames (after merging identical neighbours) are held."""
        return self._spooled + (self._newest is not None)

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
        if self._newest is not None:
            if rgb == self._newest[0]:
                self._newest[1] += duration_ms
                return
            self._spool_frame(*self._newest)
        self._newest = [rgb, duration_ms]

    def _spool_frame(self, rgb, duration_ms):
        if self._spool is None:
            # Lives as long as the recorder; the system deletes it when it is closed.
            self._spool = tempfile.TemporaryFile(prefix="sim-gif-")  # noqa: SIM115
        packed = zlib.compress(rgb, 1)
        self._spool.write(SPOOL_RECORD.pack(duration_ms, len(packed)) + packed)
        self._spooled += 1

    def _frames(self):
        """(rgb bytes, duration_ms) of every distinct frame, oldest first."""
        if self._spool is not None:
            self._spool.flush()
            self._spool.seek(0)
            for _ in range(self._spooled):
                duration_ms, length = SPOOL_RECORD.unpack(self._spool.read(SPOOL_RECORD.size))
                yield zlib.decompress(self._spool.read(length)), duration_ms
            self._spool.seek(0, 2)  # where the next frame goes
        if self._newest is not None:
            yield tuple(self._newest)

    def _indexed_frames(self):
        """(panel-sized palette image, GIF delay) of every frame as the GIF shows it. Two
        frames that differ only in colours the GIF cannot tell apart (more than 255 in one
        frame) are merged here, as Pillow's writer would merge them."""
        width, height = self._size
        delays = GifDelays()
        held = None  # [image, its colours as RGB bytes, delay]
        for rgb, duration_ms in self._frames():
            image = indexed(panel_image(rgb, width, height))
            colours = image.convert("RGB").tobytes()
            delay_ms = delays.next(duration_ms)
            if held is not None and colours == held[1]:
                held[2] += delay_ms
                continue
            if held is not None:
                yield held[0], held[2]
            held = [image, colours, delay_ms]
        if held is not None:
            yield held[0], held[2]

    def save(self, path, stop=None):
        """Write the GIF (looping forever) to ``path``; returns the number of frames written.
        ``stop()``, asked before each frame, ends the file early (a valid, shorter GIF)."""
        if not len(self):
            raise ValueError("no frames to save")
        with open(path, "wb") as out:
            writer = GifWriter(out)
            for added, (image, delay_ms) in enumerate(self._indexed_frames()):
                if added and stop is not None and stop():
                    break
                writer.add(led_image(image, self.scale), delay_ms)
            return writer.close()
