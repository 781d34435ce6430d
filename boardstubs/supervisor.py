"""A virtual clock that only the stand-in display moves (framebufferio: FRAME_MS a frame)."""

now = 0


def ticks_ms():
    return now
