"""The display, which also runs the measurement: each refresh() is one frame.

Each frame moves the clock on by FRAME_MS. At the first frame (start-up done, the first
sample trained) it prints ``heap_ready``, the live heap; after FRAMES frames it prints
``heap_end`` and ends the run. bench.tricks sets FRAMES in its copy of this file.
"""

import gc
import sys

import supervisor

FRAMES = 1000
FRAME_MS = 100  # 3 frames a forward pulse at PULSE_MS = 300: the run goes faster


def _live():
    gc.collect()
    return gc.mem_alloc()


class FramebufferDisplay:
    def __init__(self, framebuffer, *, rotation=0, auto_refresh=True):
        self.width = framebuffer.width
        self.height = framebuffer.height
        self.auto_refresh = auto_refresh
        self.root_group = None
        self.frames = 0

    def refresh(self, **kwargs):
        self.frames += 1
        supervisor.now += FRAME_MS
        if self.frames == 1:
            print("heap_ready", _live())
        elif self.frames == FRAMES:
            print("heap_end", _live())
            sys.exit(0)
