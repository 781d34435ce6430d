"""Integer pixel geometry for the network layout: discs, lines, columns and rows.

Pure functions (no displayio), identical under CPython, MicroPython and CircuitPython: all
arithmetic is integer, so the board's single-precision floats can never round differently.
Kept apart from `render.layout` so each module stays small enough to compile on the board.
"""

from micropython import const

from .lines import draw_line

# The original's row pitch: 2 nodes at y = 9, 21 and 3 nodes at y = 3, 15, 27.
MAX_NODE_PITCH = const(12)


class DoesNotFit(ValueError):
    """One placement attempt (one node radius) cannot hold the shape; says which limit."""


def disc_offsets(radius):
    """The (dx, dy) offsets of a filled node disc: dx*dx + dy*dy <= r*r + r, a round disc."""
    reach = radius * radius + radius
    return [
        (dx, dy)
        for dy in range(-radius, radius + 1)
        for dx in range(-radius, radius + 1)
        if dx * dx + dy * dy <= reach
    ]


class _Collected:
    """Stands for a bitmap: keeps the positions draw_line sets, in order, as (x, y) pairs or,
    given a width, as flat pixels x + width * y (one list slot each, no tuple to free later)."""

    def __init__(self, width):
        self.points = []
        self.width = width

    def __setitem__(self, position, value):
        if self.width:
            position = position[0] + self.width * position[1]
        self.points.append(position)


def line_points(x0, y0, x1, y1, width=0):
    """Bresenham line from (x0, y0) to (x1, y1) inclusive, in order: 8-connected, integer only.

    The very pixels the loss curve lights (render.lines.draw_line, the one line routine);
    (x, y) pairs, or flat pixels x + width * y when a width is given."""
    collected = _Collected(width)
    draw_line(collected, x0, y0, x1, y1, None)
    return collected.points


def column_xs(sizes, left, right, min_gap):
    """Column centres from left to right; a gap's width grows with the links it holds.

    Each gap is weighted by the node count on both sides (a wider fan of lines needs more room),
    no gap is narrower than min_gap, and all arithmetic is integer so every interpreter agrees.
    """
    gaps = len(sizes) - 1
    span = right - left
    if gaps * min_gap > span:
        raise DoesNotFit(
            "%d layers given; at most %d fit between x = %d and x = %d"
            % (len(sizes), span // min_gap + 1, left, right)
        )
    weights = [sizes[k] + sizes[k + 1] for k in range(gaps)]
    fixed = [False] * gaps
    while True:
        fixed_span = sum(min_gap for k in range(gaps) if fixed[k])
        free_weight = sum(weights[k] for k in range(gaps) if not fixed[k])
        free_span = span - fixed_span
        narrow = [
            k
            for k in range(gaps)
            if not fixed[k] and free_span * weights[k] < min_gap * free_weight
        ]
        if not narrow:
            break
        for k in narrow:
            fixed[k] = True
    xs = [left]
    fixed_before = 0
    weight_before = 0
    for k in range(gaps):
        if fixed[k]:
            fixed_before += min_gap
        else:
            weight_before += weights[k]
        # Round half up of left + fixed_before + free_span * weight_before / free_weight.
        numerator = 2 * free_span * weight_before + free_weight
        xs.append(left + fixed_before + numerator // (2 * free_weight))
    return xs


def max_nodes(radius, bottom):
    """How many discs of `radius` fit in rows 0..bottom with a one-pixel gap between them."""
    return 1 + (bottom - 2 * radius) // (2 * radius + 2)


def node_rows(count, radius, bottom, centre):
    """Node centre rows for one layer inside rows 0..bottom, centred on `centre`, or None.

    The pitch is the original's 12 rows when there is room, else as much as fits while keeping
    a one-pixel gap between discs.
    """
    if count > max_nodes(radius, bottom):
        return None
    pitch = (
        MAX_NODE_PITCH if count == 1 else min(MAX_NODE_PITCH, (bottom - 2 * radius) // (count - 1))
    )
    first = centre - ((count - 1) * pitch) // 2
    last = first + (count - 1) * pitch
    first -= max(0, last + radius - bottom)
    first += max(0, radius - first)
    return [first + n * pitch for n in range(count)]


def cross_and_length(x, y, ends):
    """|cross product| of (pixel - start) with the line direction, and the squared length."""
    x0, y0, x1, y1 = ends
    dx = x1 - x0
    dy = y1 - y0
    return abs(dx * (y - y0) - dy * (x - x0)), dx * dx + dy * dy


def piece_length(total, pieces, k):
    """Length of piece k when a run of `total` pixels is cut into `pieces` consecutive,
    near-equal pieces; never 0 while total >= pieces."""
    return (k + 1) * total // pieces - k * total // pieces
