"""Stochastic gradient descent, plain (as the original project) or with momentum."""

from .gradients import zeros_like_layers, zeros_like_links


class SGD:
    """``w -= rate * grad``; with ``momentum`` m, a velocity ``v = m * v - rate * grad`` is
    added instead. Velocity lists are allocated once, shaped like the network."""

    def __init__(self, sizes, momentum=0.0):
        if not 0.0 <= momentum < 1.0:
            raise ValueError("momentum must be in [0, 1), got %r" % (momentum,))
        self.momentum = momentum
        self.weight_velocity = zeros_like_links(sizes)
        self.bias_velocity = zeros_like_layers(sizes, first=1)

    def reset(self):
        """Forget the velocity (after fresh weights)."""
        for layer in self.weight_velocity:
            for row in layer:
                for i in range(len(row)):
                    row[i] = 0.0
        for row in self.bias_velocity:
            for j in range(len(row)):
                row[j] = 0.0

    def step(self, network, grads, rate):
        """Update ``network`` in place from the mean gradients ``grads``.

        Returns the largest change made to any parameter (NaN if a change was NaN).
        """
        m = self.momentum
        largest = 0.0
        for l in range(len(network.weights)):
            largest = self._update_rows(
                network.weights[l], grads.weights[l], self.weight_velocity[l], m, rate, largest
            )
        return self._update_rows(network.biases, grads.biases, self.bias_velocity, m, rate, largest)

    @staticmethod
    def _update_rows(rows, grad_rows, velocity_rows, m, rate, largest):
        for j in range(len(rows)):
            row = rows[j]
            grad = grad_rows[j]
            velocity = velocity_rows[j]
            for i in range(len(row)):
                v = m * velocity[i] - rate * grad[i]
                velocity[i] = v
                row[i] += v
                if not abs(v) <= largest:  # also true for NaN, which then sticks
                    largest = abs(v)
        return largest

    def __repr__(self):
        return "SGD(momentum=%r)" % self.momentum


# name -> an optimiser from (layer sizes, momentum): the one way one is built by name.
OPTIMIZERS = {
    "sgd": lambda sizes, momentum: SGD(sizes),
    "momentum": lambda sizes, momentum: SGD(sizes, momentum=momentum),
}


def make(name, sizes, momentum=0.9):
    """An optimiser by name (a key of OPTIMIZERS) for a network of layer ``sizes``."""
    if name not in OPTIMIZERS:
        raise ValueError(
            "unknown optimiser %r; choose one of %s" % (name, ", ".join(sorted(OPTIMIZERS)))
        )
    return OPTIMIZERS[name](sizes, momentum)
