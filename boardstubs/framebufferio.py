"""The display, which also runs the run: each refresh() is one frame of FRAME_MS on the
stand-in clock (supervisor).

At the first frame (start-up done, the first sample trained) it prints ``heap_ready``, the
live heap. The run ends (``heap_end``, the live heap, then sys.exit(0)) with the frame that
shows the BATCHES-th batch, counted from the "(batch, best, test)" lines code.py prints, or
after FRAMES frames (0: no limit either way). Every SHOW_MS of the clock (0: never) it prints
what the panel would show: ``shown <ms> <batches> <layers> <colours>``, one 1 (shown) or 0
(hidden) per layer of the root group, then the bottom layer's palette in hex.
bench.boot sets them before code.py (bench.tricks runs code.py through it).
"""

import builtins
import gc
import sys

import supervisor

FRAMES = 1000
FRAME_MS = 100  # 3 frames a forward pulse at PULSE_MS = 300: the run goes faster
BATCHES = 0
SHOW_MS = 0
batches = 0  # batch lines printed so far
_print = builtins.print


def _console(*args, **kwargs):
    """The serial console: print, counting the batch lines."""
    global batches
    if args and isinstance(args[0], str) and args[0].startswith("("):
        batches += 1
    _print(*args, **kwargs)


builtins.print = _console


def _live():
    gc.collect()
    return gc.mem_alloc()


def _show(root):
    layers = "".join(["0" if layer.hidden else "1" for layer in root])
    palette = root[0][0].pixel_shader
    colours = " ".join(["%x" % palette[i] for i in range(len(palette))])
    print("shown", supervisor.now, batches, layers, colours)


class FramebufferDisplay:
    def __init__(self, framebuffer, *, rotation=0, auto_refresh=True):
        self.width = framebuffer.width
        self.height = framebuffer.height
        self.auto_refresh = auto_refresh
        self.root_group = None
        self.frames = 0

    def refresh(self, **kwargs):
        self.frames += 1
        if SHOW_MS and supervisor.now % SHOW_MS < FRAME_MS:
            _show(self.root_group)
        supervisor.now += FRAME_MS
        if self.frames == 1:
            print("heap_ready", _live())
        if (BATCHES and batches >= BATCHES) or self.frames == FRAMES:
            print("heap_end", _live())
            sys.exit(0)
