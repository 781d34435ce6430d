"""nn: a small multilayer perceptron that trains on CPython, MicroPython and CircuitPython.

import nn
train_x, train_y, test_x, test_y = nn.problems.load("regression", seed=1)
net = nn.Network([2, 3, 3, 1], activation="sigmoid", seed=1)
trainer = nn.Trainer(net, train_x, train_y, test_x, test_y, batch_size=32)
trainer.train_batch()

The training core is imported with the package. The set-up helpers (data generators,
problems, checkpoints) are imported on first use instead: a program pays RAM only for the
ones it uses, and can give the data generators' code back once the data exists
(app.memory does, on the board). ``nn.problems`` needs module ``__getattr__`` (CPython,
MicroPython, CircuitPython); ``from nn import problems`` works on any interpreter.
"""

import gc

# The board compiles each module from source, leaving its parse tree behind as garbage.
# Collecting after every module lets the next one's code fill those holes instead of
# scattering long-lived code through the heap; the core goes in before any data set, so
# the data's large arrays do not split the room later code needs to compile.
# Dependencies come first so each module compiles on a freshly collected heap.
from .table import Table

gc.collect()
from . import rng  # noqa: E402

gc.collect()
from . import activations, losses  # noqa: E402

gc.collect()
from .gradients import Gradients  # noqa: E402

gc.collect()
from .network import Network  # noqa: E402

gc.collect()
from . import schedules  # noqa: E402

gc.collect()
from .optim import SGD  # noqa: E402

gc.collect()
from .trainer import Trainer  # noqa: E402

gc.collect()

# Imported on first use: name -> the submodule that defines it (a submodule maps to itself).
_LAZY = {
    "make_circles": "data",
    "make_regression": "data",
    "make_xor": "data",
    "minmax_scale": "data",
    "standardise": "data",
    "train_test_split": "data",
    "data": "data",
    "problems": "problems",
    "checkpoint": "checkpoint",
}


def _load(home):
    """Import nn.<home>, compiled on a freshly collected heap."""
    gc.collect()
    module = __import__("nn." + home, None, None, (home,))
    gc.collect()  # the compile's garbage goes before the caller builds its data arrays
    return module


def __getattr__(name):
    """Import the set-up module behind ``name`` (PEP 562; MicroPython supports it too)."""
    home = _LAZY.get(name)
    if home is None:
        raise AttributeError("module 'nn' has no attribute '%s'" % name)
    module = _load(home)
    return module if name == home else getattr(module, name)


__all__ = [
    "SGD",
    "Gradients",
    "Network",
    "Table",
    "Trainer",
    "activations",
    "losses",
    "make_circles",
    "make_regression",
    "make_xor",
    "minmax_scale",
    "problems",
    "rng",
    "schedules",
    "standardise",
    "train_test_split",
]
