"""Data sets and preprocessing: the generative models hold, splits lose nothing, scaling is
right (and never divides by zero), and everything is stored as 4-byte floats."""

import math
from array import array
from collections import Counter

import pytest

import nn
from nn.table import Table, indices, zeros


def column_stats(values):
    n = len(values)
    mean = sum(values) / n
    return mean, sum((v - mean) ** 2 for v in values) / n


def rows_of(X, y):
    """Counter of (features..., target) rows: a multiset to compare splits with."""
    return Counter(tuple(X[k]) + (y[k],) for k in range(len(X)))


def is_float32(values):
    """True for an array("f") or a memoryview of one: 4 bytes a value."""
    view = memoryview(values)
    return view.format == "f" and view.itemsize == 4


@pytest.mark.parametrize("noise", [0.01, 0.5])
def test_make_regression_follows_its_model(noise):
    """Features ~ N(0, 1) (means, variances and the 1-sigma fraction within 4 standard errors),
    y = X . coef + noise * N(0, 1), coefficients 100 * U(0, 1)."""
    n, width = 3000, 3
    X, y, coef = nn.data.make_regression(n, width, noise=noise, seed=7, coef=True)
    assert (len(X), X.width, len(y), len(coef)) == (n, width, n, width)
    assert all(0.0 <= c < 100.0 for c in coef)
    for f in range(width):
        column = X.column(f)
        mean, var = column_stats(column)
        assert abs(mean) < 4 / math.sqrt(n)
        assert abs(var - 1.0) < 4 * math.sqrt(2.0 / n)
        # normal, not some other unit-variance law: 68.3% within one sigma (uniform: 57.7%)
        inside = sum(abs(v) < 1.0 for v in column) / n
        assert abs(inside - 0.6827) < 4 * math.sqrt(0.6827 * 0.3173 / n)
    residuals = [y[k] - sum(X[k][f] * coef[f] for f in range(width)) for k in range(n)]
    mean, var = column_stats(residuals)
    assert abs(mean) < 4 * noise / math.sqrt(n)
    assert math.sqrt(var) == pytest.approx(noise, rel=4 / math.sqrt(2 * n) + 1e-3)


def test_make_regression_informative_features_and_coefficient_range():
    """Only the first n_informative features carry a coefficient; over many draws the
    coefficients spread over [0, 100)."""
    coef = nn.data.make_regression(50, 4, n_informative=2, seed=3, coef=True)[2]
    assert coef[2:] == [0.0, 0.0] and all(c > 0.0 for c in coef[:2])
    draws = [
        c for seed in range(40) for c in nn.data.make_regression(1, 5, seed=seed, coef=True)[2]
    ]
    assert all(0.0 <= c < 100.0 for c in draws)
    assert min(draws) < 10.0 and max(draws) > 90.0


def test_seeds_reproduce_data_and_differ_between_seeds():
    """The same seed gives identical data (even with a Box-Muller spare pending from an earlier
    call); another seed gives different data."""
    first = nn.data.make_regression(101, 2, seed=5)
    nn.data.make_regression(1, 2)  # 3 normals drawn: a Box-Muller spare is left pending
    again = nn.data.make_regression(101, 2, seed=5)
    other = nn.data.make_regression(101, 2, seed=6)
    assert list(first[0].values) == list(again[0].values)
    assert list(first[1]) == list(again[1])
    assert list(first[1]) != list(other[1])
    for make in (nn.data.make_xor, nn.data.make_circles):
        assert list(make(50, seed=1)[0].values) == list(make(50, seed=1)[0].values)
        assert list(make(50, seed=1)[0].values) != list(make(50, seed=2)[0].values)
    for dataset in ("regression", "xor", "circles"):
        a = nn.problems.load(dataset, seed=9)
        b = nn.problems.load(dataset, seed=9)
        assert [list(part.values if isinstance(part, Table) else part) for part in a] == [
            list(part.values if isinstance(part, Table) else part) for part in b
        ]


@pytest.mark.parametrize("copy", [True, False])
def test_train_test_split_750_loses_and_duplicates_nothing(copy):
    """750 -> 562 train / 188 test (test = ceil(25%)): together exactly the original rows, with
    targets still attached to their features. copy=True leaves the input untouched."""
    X, y = nn.data.make_regression(750, 2, seed=11)
    original = rows_of(X, y)
    original_order = list(X.values)
    x_train, x_test, y_train, y_test = nn.data.train_test_split(X, y, 0.25, copy=copy)
    assert (len(x_train), len(y_train), len(x_test), len(y_test)) == (562, 562, 188, 188)
    assert rows_of(x_train, y_train) + rows_of(x_test, y_test) == original
    assert len(original) == 750  # all rows distinct, so the multiset check is a set check
    assert not set(rows_of(x_train, y_train)) & set(rows_of(x_test, y_test))
    if copy:
        assert list(X.values) == original_order
    for part in (x_train.values, x_test.values, y_train, y_test):
        assert is_float32(part)


def test_train_test_split_shuffles_and_seeds():
    """The split is a shuffle (not the first 188 rows), reproducible from a seed."""
    X, y = nn.data.make_regression(200, 2, seed=1)
    a = nn.data.train_test_split(X, y, 0.25, seed=4)
    b = nn.data.train_test_split(X, y, 0.25, seed=4)
    c = nn.data.train_test_split(X, y, 0.25, seed=5)
    assert list(a[3]) == list(b[3]) != list(c[3])
    assert list(a[3]) != list(y[:50])
    assert list(a[2]) != list(y[50:])


def test_standardise_uses_training_statistics():
    """Train columns end with mean 0 / std 1; the test table is shifted and scaled with the
    *training* mean and std; the returned statistics are the training ones."""
    X, y = nn.data.make_regression(400, 3, seed=2)
    for k in range(len(X)):  # give the columns distinct offsets and scales
        for f in range(3):
            X.values[k * 3 + f] = X.values[k * 3 + f] * (f + 2.0) + 10.0 * f
    x_train, x_test, _, _ = nn.data.train_test_split(X, y, 0.25, seed=1)
    raw_test = [list(x_test[k]) for k in range(len(x_test))]
    expected = [column_stats(x_train.column(f)) for f in range(3)]
    means, stds = nn.data.standardise(x_train, x_test)
    for f in range(3):
        mean, var = column_stats(x_train.column(f))
        assert mean == pytest.approx(0.0, abs=1e-5)
        assert var == pytest.approx(1.0, rel=1e-5)
        assert means[f] == pytest.approx(expected[f][0], rel=1e-6)
        assert stds[f] == pytest.approx(math.sqrt(expected[f][1]), rel=1e-6)
        for k, row in enumerate(raw_test):
            assert x_test[k][f] == pytest.approx((row[f] - means[f]) / stds[f], rel=1e-5, abs=1e-5)


def test_standardise_constant_column_does_not_divide_by_zero():
    """A constant column becomes 0 with std 1 reported, no ZeroDivisionError."""
    table = Table(2, array("f", [3.0, 1.0, 3.0, 2.0, 3.0, 3.0]))
    means, stds = nn.data.standardise(table)
    assert means[0] == 3.0 and stds[0] == 1.0
    assert table.column(0) == [0.0, 0.0, 0.0]


def test_minmax_scale():
    """y maps onto [0, 1] exactly (min -> 0, max -> 1); others use y's min and max and may
    leave [0, 1]; all-equal values map to 0 without dividing by zero."""
    y = array("f", [2.0, -1.0, 5.0, 0.5])
    other = array("f", [8.0, -4.0])
    lo, hi = nn.data.minmax_scale(y, other)
    assert (lo, hi) == (-1.0, 5.0)
    assert list(y) == pytest.approx([0.5, 0.0, 1.0, 0.25])
    assert list(other) == pytest.approx([1.5, -0.5])
    same = array("f", [4.0, 4.0, 4.0])
    assert nn.data.minmax_scale(same) == (4.0, 4.0)
    assert list(same) == [0.0, 0.0, 0.0]


def test_default_problem_is_scaled_for_a_sigmoid():
    """problems.load("regression"): 562/188, train X standardised, train y spanning exactly
    [0, 1], test y on the same scale, everything in 4-byte floats."""
    train_x, train_y, test_x, test_y = nn.problems.load("regression", seed=1)
    assert (len(train_x), len(test_x), len(train_y), len(test_y)) == (562, 188, 562, 188)
    assert (min(train_y), max(train_y)) == (0.0, 1.0)
    assert min(test_y) > -0.2 and max(test_y) < 1.2
    for f in range(2):
        mean, var = column_stats(train_x.column(f))
        assert abs(mean) < 1e-5 and var == pytest.approx(1.0, rel=1e-5)
    for part in (train_x.values, test_x.values, train_y, test_y):
        assert is_float32(part)


def test_xor_labels_follow_the_quadrants():
    """XOR: y = 1 exactly where x0 * x1 > 0; points stay ``margin`` off the axes in [-1, 1]."""
    X, y = nn.data.make_xor(500, seed=3, margin=0.1)
    for k in range(len(X)):
        x0, x1 = X[k]
        assert 0.1 - 1e-6 <= abs(x0) <= 1.0 and 0.1 - 1e-6 <= abs(x1) <= 1.0
        assert y[k] == (1.0 if x0 * x1 > 0 else 0.0)
    assert 0.4 < sum(y) / len(y) < 0.6


def test_circles_labels_follow_the_radius():
    """Circles: without noise, y = 1 points lie on radius ``factor``, y = 0 points on radius 1;
    with noise, the label is still the nearer circle for nearly every point; classes balanced."""
    X, y = nn.data.make_circles(200, noise=0.0, factor=0.5, seed=3)
    for k in range(len(X)):
        radius = math.hypot(*X[k])
        assert radius == pytest.approx(0.5 if y[k] == 1.0 else 1.0, abs=1e-6)
    assert sum(y) == 100
    X, y = nn.data.make_circles(400, seed=4)  # default noise 0.05
    nearer = sum((math.hypot(*X[k]) < 0.75) == (y[k] == 1.0) for k in range(len(X)))
    assert nearer >= 0.99 * len(X)


def test_data_sets_are_stored_compactly():
    """Every data set keeps features and targets as array("f"): 4 bytes a value."""
    for X, y in (
        nn.data.make_regression(10, 2, seed=1),
        nn.data.make_xor(10, seed=1),
        nn.data.make_circles(10, seed=1),
    ):
        assert isinstance(X.values, array) and X.values.typecode == "f"
        assert isinstance(y, array) and y.typecode == "f"
    assert zeros(5).typecode == "f" and list(zeros(5)) == [0.0] * 5
    assert list(indices(4)) == [0, 1, 2, 3] and indices(4).itemsize == 2


def test_table_rows_and_validation():
    """Table rows are views of the flat array; copy_row fills a list; bad widths are refused."""
    table = Table(3, array("f", range(6)))
    assert len(table) == 2 and list(table[1]) == [3.0, 4.0, 5.0]
    table[1][0] = 9.0
    assert table.values[3] == 9.0  # a view, not a copy
    out = [0.0] * 3
    table.copy_row(0, out)
    assert out == [0.0, 1.0, 2.0]
    table.append([6.0, 7.0, 8.0])
    assert table.column(2) == [2.0, 5.0, 8.0]
    with pytest.raises(IndexError):
        table[3]
    with pytest.raises(ValueError):
        table.append([1.0])
    with pytest.raises(ValueError):
        Table(4, array("f", range(6)))
