"""Give back the RAM of modules that were only needed to set up.

On the board every imported module keeps its compiled code in the heap for good. The layout's
geometry, the colour tables' maths and the data generators run once at start; removing them
from ``sys.modules`` and from their package afterwards lets the garbage collector take their
code back, as long as nothing still refers to one of their functions, classes or instances.
A later import simply loads the module again.
"""

import gc
import sys

# Needed once, to draw the network and build its colour tables.
DRAWING_MODULES = ("render.layout", "render.geometry", "render.colour")
# Needed once, to make the data set (a restart keeps the data).
DATA_MODULES = ("nn.problems", "nn.data")


def forget(*names):
    """Drop the modules ``names`` (dotted, e.g. "render.layout") and collect the garbage."""
    for name in names:
        sys.modules.pop(name, None)
        package, _, child = name.rpartition(".")
        parent = sys.modules.get(package)
        # Through __dict__: hasattr() would run nn's __getattr__ and import the module again.
        if parent is not None and child in parent.__dict__:
            del parent.__dict__[child]
    gc.collect()
