"""Activation functions and their derivatives, safe on a 30-bit-float microcontroller.

Each derivative is written in terms of the activation's *output* ``a``, which the
forward pass already holds, so backpropagation never recomputes ``exp``.
CircuitPython has no ``math.tanh`` and its ``exp`` returns inf past ~88, so every
``exp`` argument is clamped.
"""

import math

EXP_LIMIT = 40.0  # exp(40) ~ 2e17: far from float32 overflow, sigmoid already saturated
LEAKY_SLOPE = 0.01


def _clamp(z):
    if z > EXP_LIMIT:
        return EXP_LIMIT
    if z < -EXP_LIMIT:
        return -EXP_LIMIT
    return z


def sigmoid(z):
    """Logistic function 1 / (1 + e^-z)."""
    return 1.0 / (1.0 + math.exp(-_clamp(z)))


def sigmoid_derivative(a):
    """d sigmoid / dz given the output a."""
    return a * (1.0 - a)


def tanh(z):
    """Hyperbolic tangent built from exp (the board has no math.tanh)."""
    t = math.exp(-2.0 * abs(_clamp(z)))
    value = (1.0 - t) / (1.0 + t)
    return value if z >= 0 else -value


def tanh_derivative(a):
    """d tanh / dz given the output a."""
    return 1.0 - a * a


def relu(z):
    """max(0, z)."""
    return z if z > 0.0 else 0.0


def relu_derivative(a):
    """d relu / dz given the output a (0 at the kink)."""
    return 1.0 if a > 0.0 else 0.0


def leaky_relu(z):
    """z for z > 0, else a small slope times z, so no unit dies for good."""
    return z if z > 0.0 else LEAKY_SLOPE * z


def leaky_relu_derivative(a):
    """d leaky_relu / dz given the output a."""
    return 1.0 if a > 0.0 else LEAKY_SLOPE


def identity(z):
    """The output is the input (a linear unit)."""
    return z


def identity_derivative(a):
    """d identity / dz."""
    return 1.0


ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "identity": (identity, identity_derivative),
}


def lookup(name):
    """(function, derivative-from-output) for an activation name, or a clear ValueError."""
    if name not in ACTIVATIONS:
        raise ValueError(
            "unknown activation %r; choose one of %s" % (name, ", ".join(sorted(ACTIVATIONS)))
        )
    return ACTIVATIONS[name]
