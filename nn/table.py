"""A compact table of float rows: one flat ``array("f")`` (4 bytes a value on every
interpreter), because a list of float lists costs ~140 bytes a row on MicroPython."""

from array import array


def zeros(n):
    """An ``array("f")`` of n zeros, allocated once at its final size.

    ``array("f", range(n))`` sizes the array from len(range) and fills it without a
    temporary buffer (``bytes(4 * n)`` would need twice the memory for a moment).
    """
    values = array("f", range(n))
    for i in range(n):
        values[i] = 0.0
    return values


def indices(n):
    """``array`` of 0..n-1 in 2 bytes each (4 if n > 65536), allocated once at its final size.

    A list of n ints needs a pointer per entry and grows by doubling while it is built.
    """
    return array("H" if n <= 65536 else "L", range(n))


class Row:
    """One row of a Table: a view of its floats (no copy) that indexes, iterates, takes
    assignment and prints like the list of its numbers."""

    def __init__(self, view):
        self._view = view

    def __len__(self):
        return len(self._view)

    def __getitem__(self, i):
        item = self._view[i]
        return Row(item) if isinstance(i, slice) else item

    def __setitem__(self, i, value):
        self._view[i] = value

    def __iter__(self):
        return iter(self._view)

    def __repr__(self):
        return repr(list(self._view))


class Table:
    """Rows of ``width`` floats. ``table[k]`` is row k (a Row; a negative k counts from the
    end) and ``table[a:b]`` is rows a..b-1 as a Table: views sharing this table's values, as
    NumPy's are. Each is a small new object, so hot loops read rows with ``copy_row``.

    ``values`` is an ``array("f")``, or a memoryview of one (a slice's, or a part of an
    in-place ``train_test_split``), which cannot ``append``.
    """

    def __init__(self, width, values=None):
        self.width = width
        self.values = values if values is not None else array("f")
        if len(self.values) % width:
            raise ValueError("%d values do not make rows of %d" % (len(self.values), width))

    def __len__(self):
        return len(self.values) // self.width

    def __getitem__(self, k):
        width = self.width
        if isinstance(k, slice):
            start, stop, step = k.indices(len(self))
            if step != 1:
                raise ValueError("a Table slice is a view of consecutive rows: step must be 1")
            return Table(width, memoryview(self.values)[start * width : max(start, stop) * width])
        row = k + len(self) if k < 0 else k
        if not 0 <= row < len(self):
            raise IndexError("row %d of %d" % (k, len(self)))
        start = row * width
        return Row(memoryview(self.values)[start : start + width])

    def copy_row(self, k, out):
        """Copy row k into the list ``out`` (no allocation)."""
        values = self.values
        start = k * self.width
        for i in range(self.width):
            out[i] = values[start + i]

    def append(self, row):
        """Add one row (a sequence of ``width`` numbers)."""
        if len(row) != self.width:
            raise ValueError("row of %d values in a table %d wide" % (len(row), self.width))
        for v in row:
            self.values.append(v)

    def column(self, i):
        """Values of column i as a list (for statistics and tests)."""
        return [self.values[k * self.width + i] for k in range(len(self))]

    def __repr__(self):
        return "Table(%d rows x %d)" % (len(self), self.width)
