"""nn: a small multilayer perceptron that trains on CPython, MicroPython and CircuitPython.

import nn
train_x, train_y, test_x, test_y = nn.problems.load("regression", seed=1)
net = nn.Network([2, 3, 3, 1], activation="sigmoid", seed=1)
trainer = nn.Trainer(net, train_x, train_y, test_x, test_y, batch_size=32)
trainer.train_batch()

Each module loads on first use (``nn.Network``, ``from nn import losses``), not with the
package: a program that only reads nn's registries (app.settings) loads no training code,
so the app can draw its picture before the network's code takes its share of the board's
heap (app.memory). The data generators and problems are set-up code: a program that has its
data can drop them (app.memory does, on the board), since nn keeps no reference to their
functions; the next ``nn.problems`` imports them again.
"""

# Where each class lives; every other name here is a module of its own name.
_CLASSES = {
    "Gradients": "gradients",
    "Network": "network",
    "SGD": "optim",
    "Table": "table",
    "Trainer": "trainer",
}

__all__ = [
    "SGD",
    "Gradients",
    "Network",
    "Table",
    "Trainer",
    "activations",
    "checkpoint",
    "data",
    "gradients",
    "losses",
    "network",
    "optim",
    "problems",
    "rng",
    "schedules",
    "table",
    "trainer",
]


def __getattr__(name):
    """Import what ``name`` is on first use (PEP 562; MicroPython and CircuitPython call it
    for ``from nn import name`` too)."""
    if name not in __all__:
        raise AttributeError("module 'nn' has no attribute '%s'" % name)
    module = _CLASSES.get(name, name)
    loaded = __import__("nn." + module, None, None, (module,))
    return getattr(loaded, name) if module != name else loaded
