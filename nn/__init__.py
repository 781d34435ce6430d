"""nn: a small multilayer perceptron that trains on CPython, MicroPython and CircuitPython.

import nn
train_x, train_y, test_x, test_y = nn.problems.load("regression", seed=1)
net = nn.Network([2, 3, 3, 1], activation="sigmoid", seed=1)
trainer = nn.Trainer(net, train_x, train_y, test_x, test_y, batch_size=32)
trainer.train_batch()

Every module is imported with the package. The data generators and problems are set-up
code: a program that has its data can drop them (app.memory does, on the board), since nn
keeps no reference to their functions; ``nn.problems`` imports them again if needed.
"""

from . import activations, checkpoint, data, losses, problems, rng, schedules
from .gradients import Gradients
from .network import Network
from .optim import SGD
from .table import Table
from .trainer import Trainer

SET_UP_MODULES = ("data", "problems")


def __getattr__(name):
    """``nn.data`` and ``nn.problems`` import again after a program dropped them (PEP 562;
    MicroPython and CircuitPython support it too)."""
    if name not in SET_UP_MODULES:
        raise AttributeError("module 'nn' has no attribute '%s'" % name)
    return __import__("nn." + name, None, None, (name,))


__all__ = [
    "SGD",
    "Gradients",
    "Network",
    "Table",
    "Trainer",
    "activations",
    "checkpoint",
    "data",
    "losses",
    "problems",
    "rng",
    "schedules",
]
