"""The RAM policy of a run: which modules are needed only to set up, and when they go.

The rule: once ``app.start`` has returned, nothing may refer to a function, class or
instance of a set-up-only module (``SET_UP_MODULES``). The picture is drawn and the data
made while they are loaded; then ``release`` drops them, and the garbage collector takes
their compiled code back. On the board every imported module keeps its code in the heap
for good, so this is RAM the training run gets to keep (BENCHMARKS.md has the figures).

The order of set-up matters too (``set_up``): the data set's arrays are the largest
blocks a run allocates (6 KB in one piece), so they are made first, while the free heap is
still in one piece; drawing the picture afterwards leaves holes (the Layout's garbage) that
only small objects need later. On the board-faithful CircuitPython, code.py from the .mpy
bundle needs 9-10 KB less heap this way than drawing first (bench.tricks T5, BENCHMARKS.md).
This module is the only place that collects garbage for this policy.
"""

import gc
import sys

# Needed once, to draw the network and build its colour tables.
DRAWING_MODULES = ("render.layout", "render.geometry", "render.colour")
# Needed once, to make the data set (a restart keeps the data).
DATA_MODULES = ("nn.problems", "nn.data")
SET_UP_MODULES = DRAWING_MODULES + DATA_MODULES
# Needed once, before app.start: the host releases it as soon as the settings are read.
SETTINGS_MODULES = ("app.settings",)


def release(names):
    """Drop the modules ``names`` (dotted, e.g. "render.layout") and collect the garbage.

    A later import simply loads a module again.
    """
    for name in names:
        sys.modules.pop(name, None)
        package, _, child = name.rpartition(".")
        parent = sys.modules.get(package)
        # Through __dict__: hasattr() would run nn's __getattr__ and import the module again.
        if parent is not None and child in parent.__dict__:
            del parent.__dict__[child]
    gc.collect()


def set_up(draw, build):
    """``build()``, release the data modules, ``draw()``, release the drawing modules;
    returns (what draw returned, what build returned)."""
    built = build()
    release(DATA_MODULES)
    drawn = draw()
    release(DRAWING_MODULES)
    return drawn, built
