"""Loss functions per sample: the value and its gradient with respect to each output.

"mse" is half the squared error, sum over outputs of 0.5 * (a - y) ** 2.
"bce" is binary cross-entropy; outputs are clamped away from 0 and 1 by EPSILON
(large enough to survive the board's ~21-bit float mantissa) so log never sees 0.
"""

import math

EPSILON = 1e-6


def mse(outputs, targets):
    """Half squared error summed over the outputs."""
    total = 0.0
    for k in range(len(outputs)):
        diff = outputs[k] - targets[k]
        total += 0.5 * diff * diff
    return total


def mse_gradient(a, y):
    """d mse / d a for one output."""
    return a - y


def _clip(a):
    if a < EPSILON:
        return EPSILON
    if a > 1.0 - EPSILON:
        return 1.0 - EPSILON
    return a


def bce(outputs, targets):
    """Binary cross-entropy summed over the outputs (targets in [0, 1])."""
    total = 0.0
    for k in range(len(outputs)):
        a = _clip(outputs[k])
        y = targets[k]
        total -= y * math.log(a) + (1.0 - y) * math.log(1.0 - a)
    return total


def bce_gradient(a, y):
    """d bce / d a for one output."""
    a = _clip(a)
    return (a - y) / (a * (1.0 - a))


LOSSES = {"mse": (mse, mse_gradient), "bce": (bce, bce_gradient)}


def lookup(name):
    """(loss, gradient) for a loss name, or a clear ValueError."""
    if name not in LOSSES:
        raise ValueError("unknown loss %r; choose one of %s" % (name, ", ".join(sorted(LOSSES))))
    return LOSSES[name]
