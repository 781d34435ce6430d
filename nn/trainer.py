"""The training loop, one sample at a time, publishing what the renderer draws.

Epochs of shuffled training data are walked in *full* mini-batches only: the
remainder of an epoch (562 = 17 * 32 + 18 samples) never forms a short batch
that could set a best loss, and the next epoch's shuffle gives every sample its
turn. After each sample, ``forward_trace`` holds every node's output and every
link's contribution; after each batch, ``backward_trace`` holds the mean
gradients (weights, biases and dL/da for every node). Nothing is allocated per
sample.
"""

from . import rng
from .gradients import Gradients
from .optim import SGD
from .schedules import Constant
from .table import Table, indices

DEFAULT_RATE = 0.5
DEFAULT_MOMENTUM = 0.9
# Weights start in [-1, 1) and the inputs are standardised, so one update that moves a
# parameter by more than this means the step size is wildly too large: the sigmoid
# saturates for good and the board's float32 loses every later gradient.
MAX_PARAMETER_STEP = 10.0


def is_finite(x):
    """True unless x is NaN or +-inf (the board has no math.isfinite guarantee)."""
    return x == x and x - x == 0.0


class ForwardTrace:
    """The latest sample: ``outputs[l][n]`` (layer 0 = inputs), ``contributions[l][j][i]``
    (= outputs[l][i] * weights[l][j][i]), the ``target`` and the sample's ``loss``."""

    def __init__(self, network, n_outputs):
        self.outputs = network.activations
        self.contributions = network.contributions
        self.target = [0.0] * n_outputs
        self.loss = 0.0


def parameter_sum(network):
    """Sum of every weight and bias: NaN or inf as soon as any of them is."""
    total = 0.0
    for layer in network.weights:
        for row in layer:
            for w in row:
                total += w
    for row in network.biases:
        for b in row:
            total += b
    return total


def _as_table(values):
    return values if isinstance(values, Table) else Table(1, values)


class Trainer:
    """Trains ``network`` on (train_x, train_y) in mini-batches of ``batch_size``.

    ``schedule`` gives the learning rate per epoch (default constant 0.5),
    ``optimizer`` the update rule (default SGD with momentum 0.9). Targets may be a
    Table (one row per sample) or a flat float array (one output).
    """

    def __init__(
        self,
        network,
        train_x,
        train_y,
        test_x=None,
        test_y=None,
        *,
        batch_size=32,
        schedule=None,
        optimizer=None,
    ):
        self.network = network
        self.train_x = train_x
        self.train_y = _as_table(train_y)
        self.test_x = test_x
        self.test_y = _as_table(test_y) if test_y is not None else None
        if batch_size < 1 or len(train_x) < batch_size:
            raise ValueError(
                "batch_size %d needs 1..%d (the training samples)" % (batch_size, len(train_x))
            )
        if train_x.width != network.sizes[0] or self.train_y.width != network.sizes[-1]:
            raise ValueError(
                "data is %d in, %d out; network %s"
                % (train_x.width, self.train_y.width, network.sizes)
            )
        self.batch_size = batch_size
        self.batches_per_epoch = len(train_x) // batch_size
        self.schedule = schedule or Constant(DEFAULT_RATE)
        self.optimizer = optimizer or SGD(network.sizes, momentum=DEFAULT_MOMENTUM)
        self.forward_trace = ForwardTrace(network, network.sizes[-1])
        self.backward_trace = Gradients(network.sizes)
        self._sums = Gradients(network.sizes)
        self._inputs = [0.0] * network.sizes[0]
        self._order = indices(len(train_x))
        self.restart()

    def restart(self):
        """Back to epoch 0 with the network's current weights (call after randomise()).

        The samples go back to their first order too, so the batches from here depend only
        on the data and nn.rng's stream, not on the shuffles before.
        ``diverged`` turns True after a batch whose loss or updated parameters are not
        finite (a learning rate far too high); the caller decides how to recover.
        """
        order = self._order
        for k in range(len(order)):
            order[k] = k
        self.optimizer.reset()
        self._sums.zero()
        self.epoch = 0
        self.batch_in_epoch = 0
        self.sample_in_batch = 0
        self.batches = 0
        self.batch_loss = None
        self.best_loss = None
        self.diverged = False
        self.test_loss = self._evaluate()
        self.epoch_finished = False
        self.learning_rate = self.schedule.rate(0)

    def train_sample(self):
        """Forward and backward one sample; True when it completed a batch (weights updated)."""
        if self.sample_in_batch == 0 and self.batch_in_epoch == 0:
            self._shuffle()
        k = self._order[self.batch_in_epoch * self.batch_size + self.sample_in_batch]
        trace = self.forward_trace
        self.train_x.copy_row(k, self._inputs)
        self.train_y.copy_row(k, trace.target)
        self.network.forward_trace(self._inputs)
        trace.loss = self.network.backward(trace.target, self._sums)
        self.sample_in_batch += 1
        if self.sample_in_batch < self.batch_size:
            return False
        self._finish_batch()
        return True

    def train_batch(self):
        """Train until the current batch completes."""
        while not self.train_sample():
            pass

    def _shuffle(self):
        order = self._order
        below = rng.below
        for k in range(len(order) - 1, 0, -1):  # Fisher-Yates on nn.rng's stream
            m = below(k + 1)
            order[k], order[m] = order[m], order[k]

    def _finish_batch(self):
        sums = self._sums
        sums.finish()
        self.backward_trace.copy_from(sums)
        step = self.optimizer.step(self.network, sums, self.learning_rate)
        self.batch_loss = sums.loss
        # Flag divergence in the batch it happens: an exploding step, or overflow to inf/NaN.
        self.diverged = not (
            step <= MAX_PARAMETER_STEP
            and is_finite(sums.loss)
            and is_finite(parameter_sum(self.network))
        )
        if not self.diverged and (self.best_loss is None or sums.loss < self.best_loss):
            self.best_loss = sums.loss
        sums.zero()
        self.sample_in_batch = 0
        self.batches += 1
        self.batch_in_epoch += 1
        self.epoch_finished = self.batch_in_epoch == self.batches_per_epoch
        if self.epoch_finished:
            self.batch_in_epoch = 0
            self.epoch += 1
            self.learning_rate = self.schedule.rate(self.epoch)
            self.test_loss = self._evaluate()

    def _evaluate(self):
        """Mean loss on the test split (None without one)."""
        if self.test_x is None:
            return None
        return self.network.loss_on(self.test_x, self.test_y)

    def __repr__(self):
        return "Trainer(%r, epoch %d, batch %d, best %r)" % (
            self.network,
            self.epoch,
            self.batches,
            self.best_loss,
        )
