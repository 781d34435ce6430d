"""Build the data, network and trainer that validated settings describe."""

import random

import nn
from nn import optim, rng, schedules


def data(settings, seed):
    """(train_x, train_y, test_x, test_y) of the data set ``settings`` name, from ``seed``."""
    # Looked up at each call, never kept by this module: app.memory releases nn.problems
    # after set-up, and this import loads it again if a later call needs it.
    from nn import problems

    return problems.load(settings["NN_DATASET"], seed=seed)


def trainer(settings, seed):
    """A ready nn.Trainer for validated ``settings`` (see app.settings), seeded with ``seed``."""
    return trainer_on(settings, data(settings, seed))


def trainer_on(settings, tables):
    """A ready nn.Trainer for validated ``settings`` on ``tables`` (what ``data`` made): its
    starting weights go on from nn.rng's stream where the data left it."""
    train_x, train_y, test_x, test_y = tables
    network = nn.Network(
        settings["NN_LAYERS"],
        activation=settings["NN_ACTIVATION"],
        output_activation=settings["NN_OUTPUT_ACTIVATION"],
        loss=settings["NN_LOSS"],
    )
    schedule = schedules.make(
        settings["NN_SCHEDULE"],
        settings["NN_LEARNING_RATE"],
        factor=settings["NN_SCHEDULE_FACTOR"],
        epochs=settings["NN_SCHEDULE_EPOCHS"],
    )
    optimizer = optim.make(settings["NN_OPTIMIZER"], network.sizes, settings["NN_MOMENTUM"])
    return nn.Trainer(
        network,
        train_x,
        train_y,
        test_x,
        test_y,
        batch_size=min(settings["NN_BATCH_SIZE"], len(train_x)),
        schedule=schedule,
        optimizer=optimizer,
    )


def fresh_seed():
    """A new seed (settings seed 0), from the interpreter's own ``random``: CircuitPython
    seeds it from the hardware random source at boot, so this differs on every boot and
    every restart. Everything a seed makes comes from nn.rng instead."""
    return random.randrange(1, 1 << 29)  # stays a small int on the board (31-bit)


def restart(trainer, seed):
    """Fresh weights from ``seed`` and training back at epoch 0 (same data); the shuffles
    go on from the same stream, so ``seed`` fixes the rest of the run too."""
    rng.seed(seed)
    trainer.network.randomise()
    trainer.restart()
