"""The RAM policy of a run: which modules are needed only to set up, and when they go.

The rule: once ``app.start`` has returned, nothing may refer to a function, class or
instance of a set-up-only module (``SET_UP_MODULES``). The picture is drawn and the data
made while they are loaded; then ``release`` drops them, and the garbage collector takes
their compiled code back. On the board every imported module keeps its code in the heap
for good, so this is RAM the training run gets to keep (BENCHMARKS.md has the figures).

The order of set-up matters too (``set_up``): measured on the board-faithful CircuitPython
with code.py from the .mpy bundle (bench.tricks, BENCHMARKS.md), each of these saves heap:

- the data set first (T5): its arrays are the largest blocks a run allocates (6 KB in one
  piece), made while the free heap is still in one piece; drawing first leaves holes (the
  Layout's garbage) that only small objects fit later;
- then the picture, and only then the network and the trainer (T12), whose code nn loads
  on first use (T11): neither is in the heap yet at the drawing's peak;
- app.loop, with the modules it imports, last (T10): app.assemble imports it once
  ``set_up`` is done, into the room the set-up modules gave back.

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


def set_up(make_data, draw, build):
    """``make_data()``, release the data modules, ``draw()``, release the drawing modules,
    then ``build(what make_data returned)``; returns (what draw returned, what build
    returned)."""
    made = make_data()
    release(DATA_MODULES)
    drawn = draw()
    release(DRAWING_MODULES)
    return drawn, build(made)
