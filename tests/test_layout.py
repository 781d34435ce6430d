"""Layout: original positions for 2-3-3-1, every shape up to 6 layers x 5 nodes fits, limits."""

import functools
import itertools
from fractions import Fraction

import pytest

from render.geometry import cross_and_length, line_points
from render.layout import Layout

ORIGINAL_COLUMNS = [4, 22, 46, 58]
ORIGINAL_ROWS = [[9, 21], [3, 15, 27], [3, 15, 27], [15]]


# Lines already found unbroken and clear of the readout box: the same line (the same pixels on
# the same screen) passes or fails the same way, and most lines recur in many shapes.
CLEAR_LINES = set()


@functools.cache
def keepout(width, height, readout_box):
    """Flat pixels of the readout box and its one-pixel margin."""
    box_x, box_y, _w, _h = readout_box
    rows = range(box_y - 1, height)
    return frozenset(x + width * y for y in rows for x in range(box_x - 1, width))


def owners(layout):
    """Palette index owning each flat pixel; fails if any pixel is drawn twice."""
    owner = {}
    for index in range(layout.palette_size):
        pixels = layout.pixels_of(index)
        mine = dict.fromkeys(pixels, index)
        twice = owner.keys() & mine.keys()
        assert len(mine) == len(pixels) and not twice, "index %d draws %r a second time" % (
            index,
            sorted({layout.xy(p) for p in pixels if p in owner or list(pixels).count(p) > 1}),
        )
        owner.update(mine)
    return owner


def check_palette_plan(layout):
    """Background 0, nodes, then segments link by link, then the readout: contiguous."""
    expected = 1
    for layer, indices in enumerate(layout.node_index):
        assert len(indices) == layout.sizes[layer]
        for index in indices:
            assert index == expected
            expected += 1
    for layer, j, i in layout.links:
        segments = layout.segment_index[layer][j][i]
        assert len(segments) == layout.segments[layer]
        for index in segments:
            assert index == expected
            expected += 1
    assert layout.readout_index == expected
    assert layout.palette_size == expected + 1
    assert len(layout.pixels_of(0)) == len(layout.pixels_of(layout.readout_index)) == 0


def check_nodes(layout, owner):
    """Discs on screen, clear of the box, and never touching another disc."""
    r = layout.radius
    screen = layout.width * layout.height
    blocked = keepout(layout.width, layout.height, layout.readout_box)
    last_node_index = sum(layout.sizes)  # nodes are palette indices 1..last_node_index
    node_pixels = {p for p, index in owner.items() if index <= last_node_index}
    around = [dx + layout.width * dy for dx, dy in itertools.product((-1, 0, 1), repeat=2)]
    for layer, column in enumerate(layout.centres):
        assert len(column) == layout.sizes[layer]
        for n, (x, y) in enumerate(column):
            assert x == layout.columns[layer]
            assert r <= x < layout.width - r and r <= y < layout.height - r
            disc = set(layout.pixels_of(layout.node_index[layer][n]))
            assert x + layout.width * y in disc and len(disc) > 1
            assert max(disc) < screen and blocked.isdisjoint(disc)
            # No pixel of another node among the 8 neighbours: discs never touch.
            touched = {p + step for p in disc for step in around}
            assert touched & node_pixels <= disc


def check_links(layout, owner):
    """Every link: >= 1 pixel per segment, its pixels along its own line, the line unbroken."""
    blocked = keepout(layout.width, layout.height, layout.readout_box)
    for layer, j, i in layout.links:
        line = layout.link_line(layer, j, i)
        assert layout.xy(line[0]) == layout.centres[layer][i]
        assert layout.xy(line[-1]) == layout.centres[layer + 1][j]
        key = (layout.width, layout.height, layout.readout_box, tuple(line))
        if key not in CLEAR_LINES:
            points = [layout.xy(p) for p in line]
            for (x0, y0), (x1, y1) in itertools.pairwise(points):
                assert max(abs(x1 - x0), abs(y1 - y0)) == 1, "line breaks"
            assert blocked.isdisjoint(line)
            CLEAR_LINES.add(key)
        # Every pixel of the line is drawn (by a node, this link, or a link crossing it).
        assert owner.keys() >= set(line)
        segments = [layout.pixels_of(k) for k in layout.segment_index[layer][j][i]]
        assert all(len(piece) >= 1 for piece in segments)
        # Segments run in order from source to destination along the line.
        place = dict(zip(line, itertools.count()))
        positions = [place[p] for piece in segments for p in piece]
        assert positions == sorted(positions)


def check_layout(layout):
    """Every geometric promise the scene and the timeline rely on."""
    check_palette_plan(layout)
    owner = owners(layout)
    check_nodes(layout, owner)
    check_links(layout, owner)
    assert all(1 <= count <= 4 for count in layout.segments)


def test_default_shape_matches_the_original():
    layout = Layout([2, 3, 3, 1])
    assert layout.radius == 2
    for x, original in zip(layout.columns, ORIGINAL_COLUMNS):
        assert abs(x - original) <= 4
    assert [[y for _x, y in column] for column in layout.centres] == ORIGINAL_ROWS
    # The third column sits left of the original x = 46 so its bottom node clears the box.
    assert layout.columns[2] < 46
    assert layout.readout_box == (47, 27, 17, 5)
    check_layout(layout)


def test_default_shape_splits_links_into_several_segments():
    layout = Layout([2, 3, 3, 1])
    assert all(3 <= count <= 4 for count in layout.segments)
    assert (
        layout.palette_size
        == 1
        + 9
        + sum(
            layout.segments[layer] * layout.sizes[layer] * layout.sizes[layer + 1]
            for layer in range(3)
        )
        + 1
    )


def test_elements_give_every_drawn_pixel_as_x_y_once():
    layout = Layout([2, 3, 3, 1])
    drawn = list(layout.elements())
    assert [index for index, _pixels in drawn] == list(range(1, layout.readout_index))
    for index, pixels in drawn:
        assert pixels == [layout.xy(p) for p in layout.pixels_of(index)]
        assert all(0 <= x < 64 and 0 <= y < 32 for x, y in pixels)
    assert sum(len(pixels) for _index, pixels in drawn) == len(
        {xy for _index, pixels in drawn for xy in pixels}
    )


def test_smallest_network():
    layout = Layout([1, 1])
    check_layout(layout)
    assert layout.centres == [[(4, 15)], [(58, 15)]]
    assert layout.segments == [4]


def shapes(layers, stride=1):
    """Every shape with `layers` layers of 1..5 nodes, or every stride-th of them."""
    return [list(shape) for shape in itertools.product(range(1, 6), repeat=layers)][::stride]


SAMPLED = (
    shapes(2)
    + shapes(3)
    + shapes(4)
    + shapes(5, stride=7)
    + shapes(6, stride=97)
    + [[5] * 6, [1] * 6, [5, 1] * 3, [1, 5] * 3, [5, 5, 4, 5, 5, 1], [1, 1, 1, 1, 1, 5]]
)


def check_shapes(every_sizes):
    """check_layout for each shape, naming the shape that fails."""
    for sizes in every_sizes:
        layout = Layout(sizes)
        try:
            check_layout(layout)
        except AssertionError as error:
            raise AssertionError("%r: %s" % (sizes, error)) from error


def test_sampled_shapes_up_to_six_layers_of_five_fit():
    check_shapes(SAMPLED)


@pytest.mark.slow
@pytest.mark.parametrize("layers", [5, 6])
@pytest.mark.parametrize("first", range(1, 6))
def test_every_shape_up_to_six_layers_of_five_fits(layers, first):
    """All 18 750 shapes, split by the first layer's size so parallel workers share them."""
    check_shapes([first, *rest] for rest in itertools.product(range(1, 6), repeat=layers - 1))


def test_crossing_pixels_go_to_the_closest_line():
    layout = Layout([2, 3, 3, 1])
    owner = owners(layout)
    link_of = {}
    claimants = {}
    for layer, j, i in layout.links:
        for index in layout.segment_index[layer][j][i]:
            link_of[index] = (layer, j, i)
        for pixel in layout.link_line(layer, j, i):
            claimants.setdefault(pixel, []).append((layer, j, i))

    def distance_squared(link, x, y):
        layer, j, i = link
        cross, length = cross_and_length(
            x, y, layout.centres[layer][i] + layout.centres[layer + 1][j]
        )
        return Fraction(cross * cross, length)

    contested = 0
    for pixel, links in claimants.items():
        if len(links) < 2 or owner[pixel] not in link_of:
            continue  # not shared, or inside a node disc
        contested += 1
        x, y = layout.xy(pixel)
        # min() keeps the first of equals: ties go to the link listed first.
        closest = min(links, key=lambda link: distance_squared(link, x, y))
        assert link_of[owner[pixel]] == closest
    assert contested > 0


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ([3], "at least 2 layers"),
        ([], "at least 2 layers"),
        ([2, 0, 1], "layer 1 has 0 nodes"),
        ([2, -1], "layer 1 has -1 nodes"),
        ([2, 9, 1], "layer 1 has 9 nodes; at most 8 fit in 32 rows"),
        ([2, 3, 20], "layer 2 has 20 nodes"),
        ([1, 1, 1, 1, 1, 8], "layer 5 has 8 nodes; at most 6 fit beside the readout box"),
        ([2] * 11, "11 layers given; at most 10 fit"),
    ],
)
def test_shapes_that_do_not_fit_name_the_limit(sizes, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Layout(sizes)


def test_bresenham_lines_are_unbroken_in_every_direction():
    for x1, y1 in [(7, 2), (-7, 2), (2, 7), (2, -7), (0, 5), (5, 0), (-4, -4), (0, 0)]:
        points = line_points(10, 10, 10 + x1, 10 + y1)
        assert points[0] == (10, 10) and points[-1] == (10 + x1, 10 + y1)
        assert len(points) == max(abs(x1), abs(y1)) + 1
        for (xa, ya), (xb, yb) in itertools.pairwise(points):
            assert max(abs(xb - xa), abs(yb - ya)) == 1


def test_bresenham_lines_given_a_width_are_flat_pixels_of_the_same_points():
    for x1, y1 in [(7, 2), (-7, 2), (2, 7), (2, -7), (0, 5), (5, 0), (-4, -4), (0, 0)]:
        pairs = line_points(10, 10, 10 + x1, 10 + y1)
        flat = line_points(10, 10, 10 + x1, 10 + y1, 64)
        assert flat == [x + 64 * y for x, y in pairs]
