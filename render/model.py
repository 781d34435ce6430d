"""Build the data, network and trainer that the settings describe."""

import random

import nn


def build(settings, seed):
    """A ready nn.Trainer for validated ``settings`` (see render.settings), seeded with ``seed``."""
    # Imported here, not with this module, so render.release can give its code back after.
    from nn import problems

    train_x, train_y, test_x, test_y = problems.load(settings["NN_DATASET"], seed=seed)
    network = nn.Network(
        settings["NN_LAYERS"],
        activation=settings["NN_ACTIVATION"],
        output_activation=settings["NN_OUTPUT_ACTIVATION"],
        loss=settings["NN_LOSS"],
    )
    momentum = settings["NN_MOMENTUM"] if settings["NN_OPTIMIZER"] == "momentum" else 0.0
    rate = settings["NN_LEARNING_RATE"]
    name = settings["NN_SCHEDULE"]
    if name == "step":
        schedule = nn.schedules.Step(
            rate, factor=settings["NN_SCHEDULE_FACTOR"], every=settings["NN_SCHEDULE_EPOCHS"]
        )
    elif name == "exponential":
        schedule = nn.schedules.Exponential(rate, decay=settings["NN_SCHEDULE_FACTOR"])
    elif name == "cosine":
        schedule = nn.schedules.Cosine(rate, epochs=settings["NN_SCHEDULE_EPOCHS"])
    else:
        schedule = nn.schedules.Constant(rate)
    return nn.Trainer(
        network,
        train_x,
        train_y,
        test_x,
        test_y,
        batch_size=min(settings["NN_BATCH_SIZE"], len(train_x)),
        schedule=schedule,
        optimizer=nn.SGD(network.sizes, momentum=momentum),
    )


def fresh_seed():
    """A new seed (settings seed 0). CircuitPython seeds its generator from the hardware
    random source at boot, so this differs on every boot and every restart."""
    return random.randrange(1, 1 << 29)  # stays a small int on the board (31-bit)


def restart(trainer, seed):
    """Fresh weights from ``seed`` and training back at epoch 0 (same data)."""
    random.seed(seed)
    trainer.network.randomise()
    trainer.restart()
