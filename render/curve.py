"""The loss-curve view's data: recent batch losses mapped to pixel rows (log scale).

Pure logic, runs under MicroPython; values live in a float array ring buffer.
"""

import math
from array import array


class LossHistory:
    """The last ``capacity`` finite batch losses, oldest first when read."""

    def __init__(self, capacity=64):
        self.capacity = capacity
        self._values = array("f", bytes(4 * capacity))
        self._count = 0
        self._next = 0

    def add(self, loss):
        """Remember one batch loss (non-finite and non-positive losses are skipped)."""
        if not (loss == loss and loss - loss == 0.0) or loss <= 0.0:
            return
        self._values[self._next] = loss
        self._next = (self._next + 1) % self.capacity
        self._count = min(self._count + 1, self.capacity)

    def clear(self):
        """Forget everything (after a restart)."""
        self._count = 0
        self._next = 0

    def __len__(self):
        return self._count

    def __getitem__(self, k):
        """The k-th remembered loss, oldest first."""
        start = (self._next - self._count) % self.capacity
        return self._values[(start + k) % self.capacity]

    def rows(self, top, bottom, out):
        """Fill ``out[k]`` with the pixel row of loss k (log scale; the highest loss at ``top``).

        Returns how many were filled. Equal losses sit half-way.
        """
        n = self._count
        if n == 0:
            return 0
        lo = hi = math.log(self[0])
        for k in range(n):
            v = math.log(self[k])
            lo = min(lo, v)
            hi = max(hi, v)
        span = hi - lo
        for k in range(n):
            if span > 0:
                fraction = (hi - math.log(self[k])) / span
            else:
                fraction = 0.5
            out[k] = top + int(fraction * (bottom - top) + 0.5)
        return n
