"""nn: a small multilayer perceptron that trains on CPython, MicroPython and CircuitPython.

import nn
train_x, train_y, test_x, test_y = nn.problems.load("regression", seed=1)
net = nn.Network([2, 3, 3, 1], activation="sigmoid", seed=1)
trainer = nn.Trainer(net, train_x, train_y, test_x, test_y, batch_size=32)
trainer.train_batch()
"""

from . import activations, losses, problems, schedules
from .data import (
    make_circles,
    make_regression,
    make_xor,
    minmax_scale,
    standardise,
    train_test_split,
)
from .gradients import Gradients
from .network import Network
from .optim import SGD
from .table import Table
from .trainer import Trainer

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
