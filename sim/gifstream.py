"""Write an animated GIF a few frames at a time, so that memory stays flat however many
frames it has.

Pillow's GIF writer holds every frame of an animation until it has written the file.
``GifWriter`` hands it one chunk of frames at a time instead. Each chunk after the first
starts with the last frame of the chunk before: Pillow writes that frame in full, after the
file's header, and every later frame as its difference from the frame before, with a colour
table of its own. Only those later frames are kept from such a chunk, so the file is byte
for byte the one a single call of Pillow's writer with all the frames makes.
"""

import io

EXTENSION = 0x21
IMAGE = 0x2C
TRAILER = b";"
# What a chunk of frames may hold at once, in pixels (one byte each, palette images).
CHUNK_PIXELS = 4_000_000


def _colour_table_bytes(packed):
    """The size of the colour table announced by a descriptor's packed byte (0: none)."""
    return 3 << ((packed & 7) + 1) if packed & 0x80 else 0


def _after_sub_blocks(gif, at):
    """The offset after the run of data sub-blocks starting at ``at`` (its 0 terminator)."""
    while gif[at]:
        at += gif[at] + 1
    return at + 1


def end_of_first_image(gif):
    """The offset in a GIF file's bytes just after its first image: the header, any
    extensions, the first frame's control extension, descriptor, colour table and data."""
    at = 13 + _colour_table_bytes(gif[10])  # signature, screen descriptor, global table
    while gif[at] == EXTENSION:
        at = _after_sub_blocks(gif, at + 2)  # introducer and label, then the sub-blocks
    if gif[at] != IMAGE:
        raise ValueError("GIF data without an image")
    at += 10 + _colour_table_bytes(gif[at + 9])  # descriptor, local table
    return _after_sub_blocks(gif, at + 1)  # LZW minimum code size, then the image data


def _encode(frames):
    """A looping GIF file's bytes of ``frames`` [(palette image, delay ms)] by Pillow."""
    out = io.BytesIO()
    first, *rest = [image for image, _delay in frames]
    first.save(
        out,
        format="GIF",
        save_all=True,
        append_images=rest,
        duration=[delay for _image, delay in frames],
        loop=0,
    )
    return out.getvalue()


class GifWriter:
    """Writes a looping GIF to the binary file ``out``, frame by frame (``add``), holding at
    most one chunk of frames; ``close`` finishes the file. Consecutive frames must differ:
    Pillow would merge equal ones, and across chunks it could not."""

    def __init__(self, out):
        self._out = out
        self._chunk = []  # [(image, delay_ms)] not written yet
        self._last = None  # the newest frame written: it starts the next chunk
        self._chunk_frames = None
        self.frames = 0  # frames written to ``out``

    def add(self, image, delay_ms):
        """Add a frame (a mode "P" image) shown for ``delay_ms`` (a multiple of 10)."""
        if self._chunk_frames is None:
            self._chunk_frames = max(2, CHUNK_PIXELS // (image.width * image.height))
        self._chunk.append((image, delay_ms))
        if len(self._chunk) >= self._chunk_frames:
            self._write_chunk()

    def _write_chunk(self):
        if self._last is None:
            if len(self._chunk) < 2:
                return  # Pillow writes a lone frame differently: wait for a second one
            self._out.write(_encode(self._chunk)[: -len(TRAILER)])
        else:
            gif = _encode([self._last, *self._chunk])
            self._out.write(gif[end_of_first_image(gif) : -len(TRAILER)])
        self.frames += len(self._chunk)
        self._last = self._chunk[-1]
        self._chunk = []

    def close(self):
        """Write the frames still held and the end of the file; returns the frame count."""
        if self._last is None and len(self._chunk) == 1:
            self._out.write(_encode(self._chunk))
            self.frames, self._chunk = 1, []
            return self.frames
        if self._chunk:
            self._write_chunk()
        if self.frames == 0:
            raise ValueError("no frames to save")
        self._out.write(TRAILER)
        return self.frames
