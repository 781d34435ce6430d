"""Learning-rate schedules, as functions of the number of *completed epochs*.

The original project's "step decay per epoch" counted weight updates; here every
schedule counts epochs, and says so.
"""

import math


class Constant:
    """The same rate every epoch."""

    def __init__(self, rate):
        self.rate0 = rate

    def rate(self, epoch):
        """Learning rate during epoch number ``epoch`` (0 = the first)."""
        return self.rate0

    def __repr__(self):
        return "Constant(%r)" % self.rate0


class Step:
    """``rate`` multiplied by ``factor`` after every ``every`` completed epochs."""

    def __init__(self, rate, factor=0.5, every=10):
        if every < 1:
            raise ValueError("step schedule: 'every' must be at least 1 epoch")
        self.rate0 = rate
        self.factor = factor
        self.every = every

    def rate(self, epoch):
        """Learning rate during epoch number ``epoch`` (0 = the first)."""
        return self.rate0 * self.factor ** (epoch // self.every)

    def __repr__(self):
        return "Step(%r, factor=%r, every=%d epochs)" % (self.rate0, self.factor, self.every)


class Exponential:
    """``rate * decay ** epoch``."""

    def __init__(self, rate, decay=0.95):
        self.rate0 = rate
        self.decay = decay

    def rate(self, epoch):
        """Learning rate during epoch number ``epoch`` (0 = the first)."""
        return self.rate0 * self.decay**epoch

    def __repr__(self):
        return "Exponential(%r, decay=%r)" % (self.rate0, self.decay)


class Cosine:
    """Half a cosine from ``rate`` down to ``minimum`` over ``epochs``, then ``minimum``."""

    def __init__(self, rate, epochs=100, minimum=0.0):
        if epochs < 1:
            raise ValueError("cosine schedule: 'epochs' must be at least 1")
        self.rate0 = rate
        self.epochs = epochs
        self.minimum = minimum

    def rate(self, epoch):
        """Learning rate during epoch number ``epoch`` (0 = the first)."""
        progress = min(epoch, self.epochs) / self.epochs
        return self.minimum + 0.5 * (self.rate0 - self.minimum) * (
            1.0 + math.cos(math.pi * progress)
        )

    def __repr__(self):
        return "Cosine(%r, epochs=%d, minimum=%r)" % (self.rate0, self.epochs, self.minimum)


# name -> a schedule from (rate, factor, epochs): the one way a schedule is built by name.
# ``factor`` is the step factor or the exponential decay; ``epochs`` the step interval or
# the cosine length. A schedule ignores what it does not use.
SCHEDULES = {
    "constant": lambda rate, factor, epochs: Constant(rate),
    "step": lambda rate, factor, epochs: Step(rate, factor=factor, every=epochs),
    "exponential": lambda rate, factor, epochs: Exponential(rate, decay=factor),
    "cosine": lambda rate, factor, epochs: Cosine(rate, epochs=epochs),
}


def make(name, rate, factor=0.5, epochs=10):
    """A schedule by name (a key of SCHEDULES) starting at ``rate``."""
    if name not in SCHEDULES:
        raise ValueError(
            "unknown schedule %r; choose one of %s" % (name, ", ".join(sorted(SCHEDULES)))
        )
    return SCHEDULES[name](rate, factor, epochs)
