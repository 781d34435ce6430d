"""nn.Table behaves as a Python user expects of X from make_regression: ``X[k]`` is a row of
numbers that prints as them, ``X[a:b]`` a Table sharing X's storage. The same checks run on
CPython and on both device interpreters."""

import nn
from nn.table import Table
from tests.device import on_both

# Plain Python that runs unchanged on CPython and the devices (no pytest there); it prints
# "checked" when every assertion held. The values are exact in float32, so they print alike.
CHECKS = """
from array import array

import nn
from nn.table import Table


def raises(error, action):
    try:
        action()
    except error as caught:
        return str(caught)
    raise AssertionError("%s not raised" % error.__name__)


X = Table(2, array("f", [0.5, -1.5, 2.0, 0.25, -3.0, 4.5, 8.0, -0.125]))

# A row: a sequence of floats that prints as its numbers.
row = X[1]
assert len(row) == 2 and row[0] == 2.0 and row[-1] == 0.25
assert list(row) == [2.0, 0.25] and tuple(row) == (2.0, 0.25) and sum(row) == 2.25
assert repr(row) == "[2.0, 0.25]" and str(row) == "[2.0, 0.25]" and "%s" % row == "[2.0, 0.25]"
assert repr(row[1:]) == "[0.25]"
row[0] = 9.0
assert X.values[2] == 9.0  # a view: the write reaches the table
assert raises(IndexError, lambda: row[2])

# Row indices as Python's: negative counts from the end; beyond either end is an IndexError.
assert list(X[-1]) == [8.0, -0.125] and list(X[-4]) == list(X[0])
assert "row 4 of 4" in raises(IndexError, lambda: X[4])
assert "row -5 of 4" in raises(IndexError, lambda: X[-5])
assert [list(r) for r in X] == [[0.5, -1.5], [9.0, 0.25], [-3.0, 4.5], [8.0, -0.125]]

# A slice: a Table of those rows, same width, sharing the storage (no copy).
part = X[1:3]
assert isinstance(part, Table) and (len(part), part.width) == (2, 2)
assert [list(r) for r in part] == [[9.0, 0.25], [-3.0, 4.5]]
part[1][0] = 7.0
assert list(X[2]) == [7.0, 4.5]
assert list(part[1:][0]) == [7.0, 4.5]  # a slice of a slice
assert [len(X[a:b]) for a, b in ((None, None), (-2, None), (None, 1), (3, 1), (1, 100))] == [
    4, 2, 1, 0, 3,
]
assert list(X[-100:1][0]) == [0.5, -1.5]
assert len(X[::1]) == 4
assert "step must be 1" in raises(ValueError, lambda: X[::2])
assert "step must be 1" in raises(ValueError, lambda: X[::-1])

# The batch a user takes from make_regression.
X, y = nn.data.make_regression(100, 2, seed=1)
batch = X[32:64]
assert (len(batch), batch.width) == (32, 2) and list(batch[0]) == list(X[32])
text = repr(X[0])
assert text == repr(list(X[0])) and "memory" not in text
print("checked")
"""


def test_table_rows_and_slices_on_cpython(capsys):
    """Rows index, iterate, take assignment and print as numbers; slices are views; steps
    and rows out of range are refused (the checks above, run by CPython)."""
    exec(CHECKS, {})
    assert capsys.readouterr().out == "checked\n"


@on_both
def test_table_rows_and_slices_on_the_device(interpreter):
    """The same checks on the wheel and on the board-faithful build."""
    result = interpreter.run(CHECKS)
    assert result.returncode == 0 and result.stdout.strip() == "checked", (
        result.stdout + result.stderr
    )


def test_loss_on_reads_tables_and_lists_alike():
    """loss_on over Tables (read with copy_row) equals loss_on over lists of the same rows,
    and over a Table with a list of targets."""
    test_x, test_y = nn.problems.load("regression", seed=1)[2:]
    network = nn.Network([2, 3, 3, 1], seed=1)
    targets = [[v] for v in test_y]
    rows = [list(test_x[k]) for k in range(len(test_x))]
    loss = network.loss_on(test_x, Table(1, test_y))
    assert loss == network.loss_on(rows, targets) == network.loss_on(test_x, targets)
    assert network.loss_on(test_x[:0], Table(1, test_y)[:0]) == 0.0
