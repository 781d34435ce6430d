"""NumPy references for p1: the same training as nn.Trainer, written the way NumPy is used.

``TracedNumpy`` does the job the animation needs, as our trainer does: one forward pass per
sample (each sample is drawn as its own pulse), keeping every layer's outputs and every link's
contribution; backward from those traces, summing weight, bias and node gradients; at the end
of a batch the means are kept for the backward pulse and SGD with momentum updates the weights.
At the end of an epoch the test loss is evaluated (all test samples in one vectorised pass).

``BatchedNumpy`` is the desktop ceiling: the whole batch in matrix products, no per-sample
traces. Both use float64, the precision of CPython's float, so they agree with nn to rounding.
"""

import numpy as np

from nn.activations import EXP_LIMIT


def sigmoid(z):
    """1 / (1 + e^-z) with the argument clamped as nn.activations.sigmoid does."""
    return 1.0 / (1.0 + np.exp(-z.clip(-EXP_LIMIT, EXP_LIMIT)))


def as_arrays(network):
    """(weights, biases): float64 copies of an nn.Network's parameters."""
    weights = [np.array(layer, dtype=np.float64) for layer in network.weights]
    biases = [np.array(row, dtype=np.float64) for row in network.biases]
    return weights, biases


def mean_loss(weights, biases, test_x, test_y):
    """Mean half squared error over the test set, in one vectorised forward pass."""
    outputs = test_x
    for w, b in zip(weights, biases):
        outputs = sigmoid(outputs @ w.T + b)
    error = outputs - test_y
    return 0.5 * float((error * error).sum()) / len(test_x)


class _Optimiser:
    """SGD with momentum, as nn.SGD: v = m * v - rate * grad; w += v."""

    def __init__(self, weights, biases, rate, momentum):
        self.parameters = weights + biases
        self.velocities = [np.zeros_like(p) for p in self.parameters]
        self.rate = rate
        self.momentum = momentum

    def step(self, grads):
        for parameter, velocity, grad in zip(self.parameters, self.velocities, grads):
            velocity *= self.momentum
            velocity -= self.rate * grad
            parameter += velocity


class TracedNumpy:
    """Per-sample training with traces, from an nn.Network's starting weights."""

    def __init__(self, network, rate, momentum):
        self.weights, self.biases = as_arrays(network)
        sizes = network.sizes
        self.outputs = [np.zeros(n) for n in sizes]
        self.contributions = [np.zeros_like(w) for w in self.weights]
        # Running sums over the batch, and their means kept for the backward pulse.
        self.sum_weights = [np.zeros_like(w) for w in self.weights]
        self.sum_biases = [np.zeros_like(b) for b in self.biases]
        self.sum_nodes = [np.zeros(n) for n in sizes]
        self.mean_weights = [np.zeros_like(w) for w in self.weights]
        self.mean_biases = [np.zeros_like(b) for b in self.biases]
        self.mean_nodes = [np.zeros(n) for n in sizes]
        self.loss_sum = 0.0
        self.count = 0
        self.batch_loss = None
        self.optimiser = _Optimiser(self.weights, self.biases, rate, momentum)

    def sample(self, x, y):
        """Forward and backward one sample; add its gradients to the batch sums."""
        outputs = self.outputs
        a = outputs[0]
        a[:] = x
        for l, w in enumerate(self.weights):
            contributions = np.multiply(w, a, out=self.contributions[l])
            a = outputs[l + 1]
            a[:] = sigmoid(contributions.sum(axis=1) + self.biases[l])
        error = a - y
        self.loss_sum += 0.5 * float(error @ error)
        self.sum_nodes[-1] += error
        delta = error * a * (1.0 - a)
        for l in range(len(self.weights) - 1, -1, -1):
            self.sum_biases[l] += delta
            self.sum_weights[l] += np.outer(delta, outputs[l])
            back = self.weights[l].T @ delta
            self.sum_nodes[l] += back
            if l:
                delta = back * outputs[l] * (1.0 - outputs[l])
        self.count += 1

    def finish_batch(self):
        """Means of the batch into the trace, sums back to zero, one SGD step."""
        scale = 1.0 / self.count
        sums = self.sum_weights + self.sum_biases + self.sum_nodes
        means = self.mean_weights + self.mean_biases + self.mean_nodes
        for total, mean in zip(sums, means):
            np.multiply(total, scale, out=mean)
            total.fill(0.0)
        self.batch_loss = self.loss_sum * scale
        self.loss_sum = 0.0
        self.count = 0
        self.optimiser.step(self.mean_weights + self.mean_biases)

    def train(self, batches, inputs, targets, test_x, test_y, batches_per_epoch):
        """Train on ``batches`` (lists of sample numbers); evaluate after each epoch."""
        test_loss = None
        for number, batch in enumerate(batches, 1):
            for k in batch:
                self.sample(inputs[k], targets[k])
            self.finish_batch()
            if number % batches_per_epoch == 0:
                test_loss = evaluate(self, test_x, test_y)
        return test_loss


class BatchedNumpy:
    """Whole-batch training in matrix products: no per-sample traces (the desktop ceiling)."""

    def __init__(self, network, rate, momentum):
        self.weights, self.biases = as_arrays(network)
        self.mean_weights = [np.zeros_like(w) for w in self.weights]
        self.mean_biases = [np.zeros_like(b) for b in self.biases]
        self.mean_nodes = [np.zeros(n) for n in network.sizes]
        self.batch_loss = None
        self.optimiser = _Optimiser(self.weights, self.biases, rate, momentum)

    def batch(self, x, y):
        """Forward and backward a whole batch (rows of x and y); one SGD step."""
        n = len(x)
        layers = [x]
        for w, b in zip(self.weights, self.biases):
            layers.append(sigmoid(layers[-1] @ w.T + b))
        a = layers[-1]
        error = a - y
        self.batch_loss = 0.5 * float((error * error).sum()) / n
        self.mean_nodes[-1][:] = error.mean(axis=0)
        delta = error * a * (1.0 - a)
        for l in range(len(self.weights) - 1, -1, -1):
            self.mean_weights[l][:] = delta.T @ layers[l] / n
            self.mean_biases[l][:] = delta.mean(axis=0)
            back = delta @ self.weights[l]
            self.mean_nodes[l][:] = back.mean(axis=0)
            if l:
                delta = back * layers[l] * (1.0 - layers[l])
        self.optimiser.step(self.mean_weights + self.mean_biases)

    def train(self, batches, inputs, targets, test_x, test_y, batches_per_epoch):
        """Train on ``batches`` (index arrays); evaluate after each epoch."""
        test_loss = None
        for number, batch in enumerate(batches, 1):
            self.batch(inputs[batch], targets[batch])
            if number % batches_per_epoch == 0:
                test_loss = evaluate(self, test_x, test_y)
        return test_loss


def evaluate(model, test_x, test_y):
    """The test loss of either reference's current weights."""
    return mean_loss(model.weights, model.biases, test_x, test_y)
