"""nn: a small multilayer perceptron that trains on CPython, MicroPython and CircuitPython.

import nn
train_x, train_y, test_x, test_y = nn.problems.load("regression", seed=1)
net = nn.Network([2, 3, 3, 1], activation="sigmoid", seed=1)
trainer = nn.Trainer(net, train_x, train_y, test_x, test_y, batch_size=32)
trainer.train_batch()
"""

import gc

# The board compiles each module from source, leaving its parse tree behind as garbage.
# Collecting after every module lets the next one's code fill those holes instead of
# scattering long-lived code through the heap; without it, on a 64 KB MicroPython heap,
# the 6 KB data set array found no contiguous room although half the heap was free.
# Dependencies come first so each module compiles on a freshly collected heap.
from .table import Table

gc.collect()
from . import activations, losses  # noqa: E402

gc.collect()
from .gradients import Gradients  # noqa: E402

gc.collect()
from .network import Network  # noqa: E402

gc.collect()
from .data import (  # noqa: E402
    make_circles,
    make_regression,
    make_xor,
    minmax_scale,
    standardise,
    train_test_split,
)

gc.collect()
from . import problems, schedules  # noqa: E402

gc.collect()
from .optim import SGD  # noqa: E402

gc.collect()
from .trainer import Trainer  # noqa: E402

gc.collect()

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
    "schedules",
    "standardise",
    "train_test_split",
]
