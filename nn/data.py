"""Data sets and preprocessing, stored compactly in Tables and float arrays.

``make_regression`` follows scikit-learn's generative model: standard normal
features, ground-truth coefficients 100 * U(0, 1) on the informative features,
Gaussian noise. Normal draws use Box-Muller (the board has no random.gauss). Every draw
comes from nn.rng, so a seed makes the same data on every interpreter (to its float
precision: the board computes Box-Muller's log, cos and sin in single precision).
"""

import math
from array import array

from . import rng
from .table import Table, zeros

_spare_normal = []  # Box-Muller makes normals in pairs; the second waits here


def standard_normal():
    """One N(0, 1) draw from nn.rng's stream (Box-Muller)."""
    if _spare_normal:
        return _spare_normal.pop()
    radius = math.sqrt(-2.0 * math.log(1.0 - rng.random()))  # 1 - U avoids log(0)
    angle = 2.0 * math.pi * rng.random()
    _spare_normal.append(radius * math.sin(angle))
    return radius * math.cos(angle)


def _reseed(seed):
    if seed is not None:
        rng.seed(seed)
        del _spare_normal[:]


def make_regression(
    n_samples=750, n_features=2, noise=0.01, seed=None, n_informative=10, coef=False
):
    """(X, y) with y = X . coef + noise * N(0, 1); with ``coef=True`` also the coefficients.

    X is a Table (``X[k]`` is sample k's features), y an ``array("f")``.
    """
    _reseed(seed)
    informative = min(n_informative, n_features)
    coefficients = [100.0 * rng.random() if f < informative else 0.0 for f in range(n_features)]
    features = zeros(n_samples * n_features)
    targets = zeros(n_samples)
    for k in range(n_samples):
        total = 0.0
        for f in range(n_features):
            value = standard_normal()
            features[k * n_features + f] = value
            total += value * coefficients[f]
        targets[k] = total + noise * standard_normal()
    X = Table(n_features, features)
    return (X, targets, coefficients) if coef else (X, targets)


def _away_from_zero(u, margin):
    shifted = margin + (1.0 - margin) * abs(u)
    return shifted if u >= 0 else -shifted


def make_xor(n_samples=400, noise=0.0, seed=None, margin=0.1):
    """(X, y): points in [-1, 1]^2 (kept ``margin`` off the axes), y = 1 where x0 * x1 > 0."""
    _reseed(seed)
    features = zeros(2 * n_samples)
    targets = zeros(n_samples)
    for k in range(n_samples):
        x0 = _away_from_zero(2.0 * rng.random() - 1.0, margin)
        x1 = _away_from_zero(2.0 * rng.random() - 1.0, margin)
        targets[k] = 1.0 if x0 * x1 > 0 else 0.0
        features[2 * k] = x0 + noise * standard_normal()
        features[2 * k + 1] = x1 + noise * standard_normal()
    return Table(2, features), targets


def make_circles(n_samples=400, noise=0.05, factor=0.5, seed=None):
    """(X, y): an outer circle of radius 1 (y = 0) around an inner circle (y = 1)."""
    _reseed(seed)
    features = zeros(2 * n_samples)
    targets = zeros(n_samples)
    for k in range(n_samples):
        inner = k % 2
        radius = factor if inner else 1.0
        angle = 2.0 * math.pi * rng.random()
        features[2 * k] = radius * math.cos(angle) + noise * standard_normal()
        features[2 * k + 1] = radius * math.sin(angle) + noise * standard_normal()
        targets[k] = float(inner)
    return Table(2, features), targets


def shuffle_rows(X, y):
    """Shuffle the rows of Table ``X`` and the matching entries of ``y`` in place (Fisher-Yates)."""
    values = X.values
    width = X.width
    for k in range(len(X) - 1, 0, -1):
        m = rng.below(k + 1)
        y[k], y[m] = y[m], y[k]
        for f in range(width):
            a = k * width + f
            b = m * width + f
            values[a], values[b] = values[b], values[a]


def train_test_split(X, y, test_fraction=0.25, seed=None, copy=True):
    """(X_train, X_test, y_train, y_test) after a shuffle; the test part is ceil(n * fraction).

    With ``copy=False`` the rows of X and y are shuffled in place and the parts are
    memoryviews into them: no second copy of the data set (what the board needs).
    """
    _reseed(seed)
    if copy:
        X = Table(X.width, array("f", X.values))
        y = array("f", y)
    shuffle_rows(X, y)
    n_test = math.ceil(len(X) * test_fraction)
    values = memoryview(X.values)
    targets = memoryview(y)
    cut = n_test * X.width
    return (
        Table(X.width, values[cut:]),
        Table(X.width, values[:cut]),
        targets[n_test:],
        targets[:n_test],
    )


def standardise(train, *others):
    """Scale every column to mean 0, std 1 using ``train``'s statistics; apply to all tables.

    Returns (means, stds). A constant column keeps std 1 (no division by zero).
    """
    n = len(train)
    means, stds = [], []
    values = train.values
    width = train.width
    for f in range(width):
        total = 0.0
        for k in range(n):
            total += values[k * width + f]
        mean = total / n
        total = 0.0
        for k in range(n):
            d = values[k * width + f] - mean
            total += d * d
        means.append(mean)
        stds.append(math.sqrt(total / n) if total > 0 else 1.0)
    for table in (train,) + others:
        values = table.values
        for k in range(len(table)):
            for f in range(table.width):
                at = k * table.width + f
                values[at] = (values[at] - means[f]) / stds[f]
    return means, stds


def minmax_scale(y, *others):
    """Map ``y`` linearly onto [0, 1] (others with y's min and max); return (lo, hi).

    All-equal values map to 0 (no division by zero).
    """
    lo = min(y)
    hi = max(y)
    span = hi - lo
    for values in (y,) + others:
        for k in range(len(values)):
            values[k] = (values[k] - lo) / span if span > 0 else 0.0
    return lo, hi
