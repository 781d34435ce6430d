"""A small multilayer perceptron with hand-written backpropagation.

Pure Python for CPython, MicroPython and CircuitPython: weights live in plain nested
lists (``weights[l][j][i]`` is the link from node i of layer l to node j of layer
l + 1), every working list is allocated once, and the hot loops index with ``range``
so they allocate nothing per sample on the board.
"""

import random

from . import activations, losses
from .gradients import Gradients, zeros_like_layers, zeros_like_links


def check_sizes(sizes):
    """Validate a list of layer sizes; return it as a list of ints."""
    if len(sizes) < 2:
        raise ValueError(
            "a network needs at least 2 layers (inputs and outputs), got %r" % (sizes,)
        )
    for n in sizes:
        if not isinstance(n, int) or n < 1:
            raise ValueError("layer sizes must be whole numbers >= 1, got %r" % (sizes,))
    return list(sizes)


class Network:
    """An MLP: ``Network([2, 3, 3, 1], activation="sigmoid", seed=1)``.

    ``activation`` is used by the hidden layers and, unless ``output_activation`` is
    given, by the output layer. ``loss`` is "mse" (half squared error) or "bce"
    (binary cross-entropy, needs a sigmoid output). Weights and biases start uniform
    in [-1, 1); ``seed`` seeds the module-level random generator first (the board has
    no random.Random class).
    """

    def __init__(self, sizes, activation="sigmoid", output_activation=None, seed=None, loss="mse"):
        self.sizes = check_sizes(sizes)
        self.activation = activation
        self.output_activation = output_activation or activation
        self.loss = loss
        hidden = activations.lookup(activation)
        output = activations.lookup(self.output_activation)
        self._loss_value, self._loss_gradient = losses.lookup(loss)
        if loss == "bce" and self.output_activation != "sigmoid":
            raise ValueError("loss 'bce' needs output_activation 'sigmoid' (outputs in 0..1)")
        # Sigmoid + BCE: dL/dz = a - y exactly, without dividing by a * (1 - a).
        self._fused_output = loss == "bce"
        links = len(self.sizes) - 1
        self._functions = [hidden[0]] * (links - 1) + [output[0]]
        self._derivatives = [hidden[1]] * (links - 1) + [output[1]]
        if seed is not None:
            random.seed(seed)
        self.weights = zeros_like_links(self.sizes)
        self.biases = zeros_like_layers(self.sizes, first=1)
        self.randomise()
        # Working state of the latest sample, reused forever: node outputs per layer
        # (inputs included) and each link's contribution prev_output * weight.
        self.activations = zeros_like_layers(self.sizes)
        self.contributions = zeros_like_links(self.sizes)
        self._deltas = zeros_like_layers(self.sizes)  # dL/dz per layer (layer 0 unused)
        # Evaluation runs in these, so a test pass never overwrites the trace on display.
        self._scratch_activations = zeros_like_layers(self.sizes)
        self._scratch_contributions = zeros_like_links(self.sizes)

    def randomise(self):
        """Fresh weights and biases, uniform in [-1, 1), from the module-level generator."""
        for layer in self.weights:
            for row in layer:
                for i in range(len(row)):
                    row[i] = random.random() * 2.0 - 1.0
        for row in self.biases:
            for j in range(len(row)):
                row[j] = random.random() * 2.0 - 1.0

    def forward(self, x):
        """Outputs for one input sequence, as a new list."""
        return list(self.forward_trace(x))

    def forward_trace(self, x):
        """Run one sample; fill ``activations`` and ``contributions``; return the output list.

        The returned list is the network's own (overwritten by the next sample).
        """
        return self._forward(x, self.activations, self.contributions)

    def _forward(self, x, acts, contributions):
        first = acts[0]
        for i in range(len(first)):
            first[i] = x[i]
        for l in range(len(self.weights)):
            w_layer = self.weights[l]
            c_layer = contributions[l]
            bias = self.biases[l]
            prev = acts[l]
            out = acts[l + 1]
            f = self._functions[l]
            n_prev = len(prev)
            for j in range(len(out)):
                w = w_layer[j]
                c = c_layer[j]
                z = bias[j]
                for i in range(n_prev):
                    v = prev[i] * w[i]
                    c[i] = v
                    z += v
                out[j] = f(z)
        return acts[-1]

    def backward(self, y, sums):
        """Backpropagate the latest ``forward_trace`` against target ``y`` into ``sums``.

        Adds this sample's dL/dw, dL/db and dL/da to the Gradients ``sums`` and
        returns the sample's loss. Every bias gradient carries the upstream error
        (the original C++ project's bias gradient did not).
        """
        acts = self.activations
        deltas = self._deltas
        last = len(self.weights)
        out = acts[last]
        loss = self._loss_value(out, y)
        grad = self._loss_gradient
        derivative = self._derivatives[last - 1]
        d_out = deltas[last]
        node_sums = sums.nodes[last]
        for j in range(len(out)):
            a = out[j]
            dl_da = grad(a, y[j])
            node_sums[j] += dl_da
            d_out[j] = (a - y[j]) if self._fused_output else dl_da * derivative(a)
        for l in range(last - 1, -1, -1):
            delta = deltas[l + 1]
            prev = acts[l]
            w_layer = self.weights[l]
            gw_layer = sums.weights[l]
            gb = sums.biases[l]
            n_prev = len(prev)
            for j in range(len(delta)):
                d = delta[j]
                gb[j] += d
                gw = gw_layer[j]
                for i in range(n_prev):
                    gw[i] += d * prev[i]
            node_sums = sums.nodes[l]
            d_prev = deltas[l]
            derivative = self._derivatives[l - 1] if l > 0 else None
            for i in range(n_prev):
                s = 0.0
                for j in range(len(delta)):
                    s += w_layer[j][i] * delta[j]
                node_sums[i] += s
                if derivative is not None:
                    d_prev[i] = s * derivative(prev[i])
        sums.loss += loss
        sums.count += 1
        return loss

    def gradients(self, xs, ys):
        """(weight_grads, bias_grads, loss): means over the batch of samples xs[k], ys[k]."""
        sums = Gradients(self.sizes)
        for k in range(len(xs)):
            self.forward_trace(xs[k])
            self.backward(ys[k], sums)
        sums.finish()
        return sums.weights, sums.biases, sums.loss

    def loss_on(self, xs, ys):
        """Mean loss over samples xs[k], ys[k]; leaves the latest sample's trace untouched."""
        total = 0.0
        for k in range(len(xs)):
            outputs = self._forward(xs[k], self._scratch_activations, self._scratch_contributions)
            total += self._loss_value(outputs, ys[k])
        return total / len(xs) if len(xs) else 0.0

    def __repr__(self):
        return "Network(%s, %s->%s, %s)" % (
            self.sizes,
            self.activation,
            self.output_activation,
            self.loss,
        )
