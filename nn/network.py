"""A small multilayer perceptron with hand-written backpropagation.

Pure Python for CPython, MicroPython and CircuitPython: weights live in plain nested
lists (``weights[l][j][i]`` is the link from node i of layer l to node j of layer
l + 1), every working list is allocated once, and the hot loops walk lists with plain
``for`` and ``range`` loops (no enumerate or zip, which make objects per item), so they
allocate nothing per sample on the board.
"""

# The hot loops count their index by hand: enumerate() makes a tuple per item, a heap
# allocation per link on the board.
# ruff: noqa: SIM113

import math

from . import activations, losses, rng
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
    in [-1, 1), drawn from nn.rng's stream; ``seed`` starts that stream first.
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
            rng.seed(seed)
        self.weights = zeros_like_links(self.sizes)
        self.biases = zeros_like_layers(self.sizes, first=1)
        self.randomise()
        # Working state of the latest sample, reused forever: node outputs per layer
        # (inputs included) and each link's contribution prev_output * weight.
        self.activations = zeros_like_layers(self.sizes)
        self.contributions = zeros_like_links(self.sizes)
        self._deltas = zeros_like_layers(self.sizes)  # dL/dz per layer (layer 0: scratch)
        # Evaluation runs in these, so a test pass never overwrites the trace on display.
        self._scratch_activations = zeros_like_layers(self.sizes)
        self._scratch_target = [0.0] * self.sizes[-1]
        # Evaluation never reads its contributions, so every row of that scratch is one
        # shared list as long as the widest layer: 1 row instead of one per node (memory).
        shared = [0.0] * max(self.sizes)
        self._scratch_contributions = [[shared] * n for n in self.sizes[1:]]

    def randomise(self):
        """Fresh weights and biases, uniform in [-1, 1), from nn.rng's stream (the same
        values on every interpreter: 2 * u - 1 is exact for its 20-bit u)."""
        for layer in self.weights:
            for row in layer:
                for i in range(len(row)):
                    row[i] = rng.random() * 2.0 - 1.0
        for row in self.biases:
            for j in range(len(row)):
                row[j] = rng.random() * 2.0 - 1.0

    def forward(self, x):
        """Outputs for one input sequence, as a new list."""
        return list(self.forward_trace(x))

    def forward_trace(self, x):
        """Run one sample; fill ``activations`` and ``contributions``; return the output list.

        The returned list is the network's own (overwritten by the next sample).
        """
        return self._forward(x, self.activations, self.contributions)

    def _forward(self, x, acts, contributions):
        # Performance: this runs for every sample (and every test sample). Lists are local
        # aliases; a sigmoid layer's activation is written out inline, clamp included, as
        # activations.sigmoid computes it (on the board a call per node costs more than the
        # node's arithmetic); and the loops walk the lists, counting the index alongside
        # (fewer bytecodes per link than range() indexing). Results are bit-identical.
        exp = math.exp
        high = activations.EXP_LIMIT
        low = -high
        biases = self.biases
        functions = self._functions
        prev = acts[0]
        for i in range(len(prev)):
            prev[i] = x[i]
        l = 0
        for w_layer in self.weights:
            c_layer = contributions[l]
            bias = biases[l]
            out = acts[l + 1]
            f = functions[l]
            sigmoid = f is activations.sigmoid
            j = 0
            for w in w_layer:
                c = c_layer[j]
                z = bias[j]
                i = 0
                for a in prev:
                    c[i] = v = a * w[i]
                    z += v
                    i += 1
                if sigmoid:
                    if z > high:
                        z = high
                    elif z < low:
                        z = low
                    out[j] = 1.0 / (1.0 + exp(-z))
                else:
                    out[j] = f(z)
                j += 1
            prev = out
            l += 1
        return prev

    def backward(self, y, sums):
        """Backpropagate the latest ``forward_trace`` against target ``y`` into ``sums``.

        Adds this sample's dL/dw, dL/db and dL/da to the Gradients ``sums`` and
        returns the sample's loss. Every bias gradient carries the upstream error
        (the original C++ project's bias gradient did not).
        """
        # Performance: this runs for every sample. As in _forward: local aliases, the loops
        # walk the lists, and the mse loss and gradient (a - y) and the sigmoid derivative
        # a * (1 - a) are written out inline. One pass over a layer's links adds both its
        # weight gradients and the error flowing back to each source node. Every sum is
        # taken in the same order as before, so results are bit-identical.
        acts = self.activations
        deltas = self._deltas
        weights = self.weights
        derivatives = self._derivatives
        last = len(weights)
        out = acts[last]
        grad = self._loss_gradient
        mse = grad is losses.mse_gradient
        loss = 0.0 if mse else self._loss_value(out, y)  # mse: summed below, as losses.mse
        fused = self._fused_output
        derivative = derivatives[last - 1]
        sigmoid = derivative is activations.sigmoid_derivative
        d_out = deltas[last]
        node_sums = sums.nodes[last]
        j = 0
        for a in out:
            target = y[j]
            if mse:
                dl_da = a - target
                loss += 0.5 * dl_da * dl_da
            else:
                dl_da = grad(a, target)
            node_sums[j] += dl_da
            if fused:
                d_out[j] = a - target
            elif sigmoid:
                d_out[j] = dl_da * (a * (1.0 - a))
            else:
                d_out[j] = dl_da * derivative(a)
            j += 1
        for l in range(last - 1, -1, -1):
            prev = acts[l]
            w_layer = weights[l]
            gw_layer = sums.weights[l]
            gb = sums.biases[l]
            # back[i] collects dL/da of source node i, then becomes its dL/dz in place
            # (deltas[0] is only scratch).
            back = deltas[l]
            for i in range(len(back)):
                back[i] = 0.0
            j = 0
            for d in deltas[l + 1]:
                gb[j] += d
                gw = gw_layer[j]
                w = w_layer[j]
                i = 0
                for a in prev:
                    gw[i] += d * a
                    back[i] += w[i] * d
                    i += 1
                j += 1
            node_sums = sums.nodes[l]
            derivative = derivatives[l - 1] if l else None
            sigmoid = derivative is activations.sigmoid_derivative
            i = 0
            for a in prev:
                s = back[i]
                node_sums[i] += s
                if sigmoid:
                    back[i] = s * (a * (1.0 - a))
                elif derivative is not None:
                    back[i] = s * derivative(a)
                i += 1
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
        """Mean loss over samples xs[k], ys[k]; leaves the latest sample's trace untouched.

        Tables are read with ``copy_row`` into scratch lists, so a test pass allocates
        nothing per sample; other rows (lists of lists, say) are read as they are.
        """
        acts = self._scratch_activations
        x, y = acts[0], self._scratch_target
        tables = hasattr(xs, "copy_row") and hasattr(ys, "copy_row")
        total = 0.0
        for k in range(len(xs)):
            if tables:
                xs.copy_row(k, x)
                ys.copy_row(k, y)
            else:
                x, y = xs[k], ys[k]
            outputs = self._forward(x, acts, self._scratch_contributions)
            total += self._loss_value(outputs, y)
        return total / len(xs) if len(xs) else 0.0

    def __repr__(self):
        return "Network(%s, %s->%s, %s)" % (
            self.sizes,
            self.activation,
            self.output_activation,
            self.loss,
        )
