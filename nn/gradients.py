"""Gradient sums for a mini-batch, shaped like a Network's weights, biases and nodes."""


def zeros_like_links(sizes):
    """[l][j][i] zeros: one entry per link from layer l (size i) to layer l + 1 (size j)."""
    return [[[0.0] * sizes[l] for _ in range(sizes[l + 1])] for l in range(len(sizes) - 1)]


def zeros_like_layers(sizes, first=0):
    """[l][n] zeros for layers first..end."""
    return [[0.0] * sizes[l] for l in range(first, len(sizes))]


class Gradients:
    """Sums (or, after ``finish``, means) of gradients over the samples of a batch.

    ``weights[l][j][i]`` and ``biases[l][j]`` are dL/dw and dL/db; ``nodes[l][n]`` is
    dL/da, the gradient flowing back through node n of layer l (inputs included).
    All lists are allocated once and reused batch after batch.
    """

    def __init__(self, sizes):
        self.sizes = list(sizes)
        self.weights = zeros_like_links(sizes)
        self.biases = zeros_like_layers(sizes, first=1)
        self.nodes = zeros_like_layers(sizes)
        self.loss = 0.0
        self.count = 0

    def zero(self):
        """Forget the previous batch."""
        for layer in self.weights:
            for row in layer:
                for i in range(len(row)):
                    row[i] = 0.0
        for rows in (self.biases, self.nodes):
            for row in rows:
                for i in range(len(row)):
                    row[i] = 0.0
        self.loss = 0.0
        self.count = 0

    def finish(self):
        """Turn the sums into means over the ``count`` samples added."""
        if self.count == 0:
            return
        scale = 1.0 / self.count
        for layer in self.weights:
            for row in layer:
                for i in range(len(row)):
                    row[i] *= scale
        for rows in (self.biases, self.nodes):
            for row in rows:
                for i in range(len(row)):
                    row[i] *= scale
        self.loss *= scale

    def copy_from(self, other):
        """Overwrite these values with another Gradients of the same shape (no allocation)."""
        for layer_mine, layer_theirs in zip(self.weights, other.weights):
            for row_mine, row_theirs in zip(layer_mine, layer_theirs):
                row_mine[:] = row_theirs
        for rows_mine, rows_theirs in ((self.biases, other.biases), (self.nodes, other.nodes)):
            for row_mine, row_theirs in zip(rows_mine, rows_theirs):
                row_mine[:] = row_theirs
        self.loss = other.loss
        self.count = other.count

    def __repr__(self):
        return "Gradients(%s, loss=%r, count=%d)" % (self.sizes, self.loss, self.count)
