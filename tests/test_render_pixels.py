"""The renderer on the simulated panel: Layout + FrameComposer + Scene drawn by displayio into
the RGBMatrix framebuffer that adafruit_matrixportal builds, checked pixel by pixel."""

import statistics

import pytest

from app import build
from app import settings as app_settings
from render.colour import LINK_NEGATIVE, LINK_NEUTRAL, LINK_POSITIVE, NODE_WHITE, brightness_table
from render.frame import FrameComposer
from render.layout import Layout
from render.scene import READOUT_COLOUR, Scene
from render.timeline import forward_stages
from sim.clock import VirtualClock
from sim.counting import count_writes
from sim.devices import install
from tests.sim_helpers import (
    BOX,
    SIZES,
    element_pixels,
    hue,
    link_hues,
    link_pixels,
    load_font,
    per_link,
    per_node,
    picture_of,
    rgb_of_colour,
    text_picture,
)

BIT_DEPTH = 5
FORWARD_MS = 300
BACKWARD_MS = 900
NAN = float("nan")
INF = float("inf")


@pytest.fixture(scope="module")
def font():
    return load_font()


class Panel:
    """A Scene on the display adafruit_matrixportal builds, and the composer that colours it."""

    def __init__(self, board, font):
        from adafruit_matrixportal.matrix import Matrix

        self.board = board
        self.display = Matrix(width=64, height=32, bit_depth=BIT_DEPTH).display
        self.display.auto_refresh = False
        self.layout = Layout(SIZES, width=64, height=32)
        self.composer = FrameComposer(
            self.layout, bit_depth=BIT_DEPTH, forward_ms=FORWARD_MS, backward_ms=BACKWARD_MS
        )
        self.scene = Scene(self.display, font)
        self.scene.draw_network(self.layout)

    def draw(self, colours):
        """Show one frame's palette colours; the picture the panel then holds."""
        self.scene.show_colours(colours)
        self.scene.refresh()
        return picture_of(self.board.matrix)

    def at(self, t_ms):
        return self.draw(self.composer.colours_at(t_ms))

    def rest(self):
        return self.draw(self.composer.rest_colours())

    def peak_ms(self, index):
        """When the element with palette ``index`` is at the top of its forward ramp."""
        timeline = self.composer.timeline
        stage = forward_stages(self.layout)[index]
        return stage * timeline.ramp_ms / 2 + timeline.ramp_ms


@pytest.fixture(scope="module")
def readout_glyphs():
    """The tiny5 glyphs of ".0123" where the readout sits, drawn on a panel of their own."""
    return text_picture(".0123", (47, 27), colour=READOUT_COLOUR)


@pytest.fixture
def panel(font):
    with install(VirtualClock()) as board:
        yield Panel(board, font)


def sample_times(duration):
    """Frame times across a whole pulse, at 25 frames per second, and one after it."""
    return list(range(0, duration + 40, 40))


def table_colours(hue_rgb):
    """Every colour a table of this hue can put on the panel, as exact RGB."""
    table = brightness_table(hue_rgb, bit_depth=BIT_DEPTH)
    return {rgb_of_colour(colour) for colour in table}


def test_nodes_and_links_light_exactly_the_pixels_the_layout_gives_them(panel):
    """Every node's centre is lit in the nodes' warm white, the lit pixels are exactly the
    layout's element pixels (readout hidden), and pixels away from every element are black."""
    panel.scene.set_readout("", False)
    elements = set()
    for _index, pixels in element_pixels(panel.layout).items():
        elements.update(pixels)
    composer = panel.composer
    composer.show_forward(
        per_node(lambda l, n: 0.2 + 0.1 * n), per_link(lambda *k: 0.5), per_link(lambda *k: 1)
    )
    for picture in (panel.rest(), panel.at(FORWARD_MS / 2)):
        lit = picture.lit()
        assert set(lit) == elements
        for column in panel.layout.centres:
            for x, y in column:
                assert hue(picture.at(x, y)) == "warm", (x, y)
        near = {(x + dx, y + dy) for x, y in elements for dx in (-1, 0, 1) for dy in (-1, 0, 1)}
        far = [(x, y) for x in range(64) for y in range(32) if (x, y) not in near]
        assert len(far) > 500
        assert all(picture.at(x, y) == (0, 0, 0) for x, y in far)


def test_link_colour_is_the_live_sign_of_its_weight_and_neutral_when_colours_are_off(panel):
    """Colours on: a positive weight's link is red, a negative one true blue (green 0), through
    the whole pulse; flipping one weight's sign recolours that link at the next pass; colours
    off: every link neutral grey (r = g = b)."""
    layout = panel.layout
    composer = panel.composer
    weights = per_link(lambda l, j, i: 0.5 if (l + j + i) % 2 else -0.5)
    outputs = per_node(lambda l, n: 0.5)
    contributions = per_link(lambda *k: 0.7)
    flipped = (1, 2, 1)

    def expected(link):
        l, j, i = link
        return {"red"} if weights[l][j][i] > 0 else {"blue"}

    before = expected(flipped)
    for pass_number in range(2):
        if pass_number:
            weights[flipped[0]][flipped[1]][flipped[2]] *= -1
        composer.show_forward(outputs, contributions, weights)
        for t in sample_times(FORWARD_MS):
            hues = link_hues(panel.at(t), layout)
            assert hues == {link: expected(link) for link in layout.links}, t
    assert before == {"blue"} and expected(flipped) == {"red"}  # the link really changed
    peak = panel.at(panel.peak_ms(layout.segment_index[1][2][1][0]))
    x, y = link_pixels(layout)[flipped][0]
    assert peak.at(x, y)[0] > 64 and peak.at(x, y)[1:] == (0, 0)
    negative = (1, 0, 1)
    assert expected(negative) == {"blue"}
    peak = panel.at(panel.peak_ms(layout.segment_index[1][0][1][0]))
    x, y = link_pixels(layout)[negative][0]
    assert peak.at(x, y)[2] > 64 and peak.at(x, y)[:2] == (0, 0)  # true blue: no green

    composer.weight_colours = False
    composer.show_forward(outputs, contributions, weights)
    for t in sample_times(FORWARD_MS):
        picture = panel.at(t)
        for pixels in link_pixels(layout).values():
            for x, y in pixels:
                red, green, blue = picture.at(x, y)
                assert red > 0 and max(red, green, blue) - min(red, green, blue) <= 8, (x, y)


def test_readout_lights_its_glyphs_only_inside_its_box(readout_glyphs, panel):
    """Readout on: grey glyph pixels lit inside the box (x 47..63, y 27..31), matching the
    tiny5 glyphs; off: the box is black, even with every element at full brightness; no node
    or link pixel is ever inside the box."""
    layout = panel.layout
    assert layout.readout_box == (47, 27, 17, 5)
    elements = {xy for pixels in element_pixels(layout).values() for xy in pixels}
    assert not elements & BOX
    composer = panel.composer
    composer.show_forward(
        per_node(lambda *k: 1.0), per_link(lambda *k: 1.0), per_link(lambda *k: 1)
    )

    panel.scene.set_readout(".0123", True)
    picture = panel.at(FORWARD_MS / 2)
    box = picture.box()
    assert len(box) >= 10
    assert {hue(picture.at(x, y)) for x, y in box} == {"neutral"}
    assert set(picture.lit()) - elements <= BOX  # the text draws nowhere else
    assert box == readout_glyphs.box() == readout_glyphs.lit()

    panel.scene.set_readout(".0123", False)
    for t in sample_times(FORWARD_MS):
        assert panel.at(t).box() == {}


def test_brighter_values_light_brighter_after_normalisation(panel):
    """Hidden nodes with outputs 0.1, 0.5 and 0.9, each at the peak of its stage, light with
    summed RGB strictly increasing in that order; links follow |contribution| the same way."""
    layout = panel.layout
    composer = panel.composer
    outputs = [[0.3, 0.7], [0.1, 0.5, 0.9], [0.2, 0.4, 0.6], [0.5]]
    contributions = per_link(lambda l, j, i: 0.1 + 0.4 * i)
    composer.show_forward(outputs, contributions, per_link(lambda *k: 1.0))
    sums = []
    for n, index in enumerate(layout.node_index[1]):
        picture = panel.at(panel.peak_ms(index))
        x, y = layout.centres[1][n]
        sums.append(sum(picture.at(x, y)))
    assert sums[0] < sums[1] < sums[2]
    link_sums = []
    for i in range(SIZES[0]):
        first = layout.segment_index[0][0][i][0]
        picture = panel.at(panel.peak_ms(first))
        x, y = element_pixels(layout)[first][0]
        link_sums.append(sum(picture.at(x, y)))
    assert link_sums[0] < link_sums[1]


def test_equal_and_non_finite_values_draw_a_clean_frame(panel):
    """All-equal values light every node equally; NaN and +-inf in outputs, contributions,
    weights and gradients raise nothing, leave their elements at the rest glow (never a stray
    colour), and every frame still draws only colours of the four tables."""
    layout = panel.layout
    composer = panel.composer
    allowed = {(0, 0, 0), rgb_of_colour(0)}
    for hue_rgb in (NODE_WHITE, LINK_POSITIVE, LINK_NEGATIVE, LINK_NEUTRAL):
        allowed |= table_colours(hue_rgb)
    node_rest = rgb_of_colour(brightness_table(NODE_WHITE, bit_depth=BIT_DEPTH)[0])
    node_full = rgb_of_colour(brightness_table(NODE_WHITE, bit_depth=BIT_DEPTH)[-1])

    composer.show_forward(
        per_node(lambda *k: 0.25), per_link(lambda *k: 0.25), per_link(lambda *k: 1)
    )
    for l, indices in enumerate(layout.node_index):
        for n, index in enumerate(indices):
            assert panel.at(panel.peak_ms(index)).at(*layout.centres[l][n]) == node_full

    outputs = [[NAN, 0.4], [INF, 0.2, 0.9], [-INF, NAN, 0.5], [NAN]]
    contributions = per_link(lambda l, j, i: NAN if (j + i) % 2 else (INF if l == 1 else 0.3))
    weights = per_link(lambda l, j, i: NAN if l == 2 else (-INF if i == 0 else 0.4))
    composer.show_forward(outputs, contributions, weights)
    for t in sample_times(FORWARD_MS):
        picture = panel.at(t)
        assert set(picture.lit().values())
        assert {picture.at(x, y) for x, y in picture.lit()} <= allowed, t
    for l, n in ((0, 0), (1, 0), (2, 0), (2, 1), (3, 0)):
        index = layout.node_index[l][n]
        assert panel.at(panel.peak_ms(index)).at(*layout.centres[l][n]) == node_rest
    # A NaN weight has no sign: its link is neutral, never red or blue.
    assert link_hues(panel.at(FORWARD_MS / 2), layout)[(2, 0, 0)] == {"neutral"}

    composer.show_backward(per_node(lambda *k: NAN), per_link(lambda *k: NAN), weights)
    rest = panel.rest()
    for t in sample_times(BACKWARD_MS):
        assert panel.at(t) == rest, t


def test_frames_write_only_palette_entries_never_bitmap_pixels(panel):
    """Over a whole animated batch of real training values (32 forward pulses and the
    backward pulse, 25 frames per second, default pulse lengths) no frame writes a bitmap
    pixel, and no frame writes more palette entries than there are elements."""
    defaults, problems = app_settings.read(lambda key: None)
    assert problems == []
    trainer = build.trainer(defaults, 7)
    composer = panel.composer
    panel.scene.set_readout(".0123", True)
    panel.rest()
    bitmap_writes = []
    palette_writes = []

    def frames(duration):
        for t in sample_times(duration):
            with count_writes() as counts:
                panel.at(t)
            bitmap_writes.append(counts.bitmap_writes)
            palette_writes.append(counts.palette_writes)

    done = False
    while not done:
        done = trainer.train_sample()
        trace = trainer.forward_trace
        composer.show_forward(trace.outputs, trace.contributions, trainer.network.weights)
        frames(FORWARD_MS)
    grads = trainer.backward_trace
    composer.show_backward(grads.nodes, grads.weights, trainer.network.weights)
    frames(BACKWARD_MS)

    assert len(palette_writes) == 32 * len(sample_times(FORWARD_MS)) + len(
        sample_times(BACKWARD_MS)
    )
    assert bitmap_writes == [0] * len(bitmap_writes)
    elements = panel.layout.readout_index - 1  # palette indices 1 .. readout_index - 1
    assert elements == panel.layout.palette_size - 2
    assert max(palette_writes) <= elements
    assert max(palette_writes) > 0
    print(  # shown with pytest -s
        "palette writes per frame: mean %.1f, max %d of %d elements; bitmap writes 0"
        % (statistics.mean(palette_writes), max(palette_writes), elements)
    )


LARGEST = [2, 8, 8, 8, 7, 6, 1]  # more palette indices (290) than a byte a pixel holds


def matrix_display():
    """The display adafruit_matrixportal builds, refreshed only when asked."""
    from adafruit_matrixportal.matrix import Matrix

    display = Matrix(width=64, height=32, bit_depth=BIT_DEPTH).display
    display.auto_refresh = False
    return display


@pytest.mark.parametrize("sizes", [LARGEST, SIZES])
def test_every_shape_draws_each_element_in_its_own_palette_index(font, sizes):
    """Lighting one palette index lights exactly that element's pixels, the highest index of
    a shape with more than 256 included."""
    layout = Layout(sizes, width=64, height=32)
    assert (layout.palette_size > 256) == (sizes == LARGEST)
    with install(VirtualClock()) as board:
        display = matrix_display()
        scene = Scene(display, font)
        scene.draw_network(layout)
        scene.set_readout("", False)
        pixels = element_pixels(layout)
        for index in (1, layout.readout_index - 1):
            colours = [0] * layout.palette_size
            colours[index] = 0xFFFFFF
            scene.show_colours(colours)
            scene.refresh()
            assert set(picture_of(board.matrix).lit()) == set(pixels[index]), index


def test_a_scene_drawn_again_shows_only_the_new_network(font):
    with install(VirtualClock()) as board:
        scene = Scene(matrix_display(), font)
        scene.draw_network(Layout(LARGEST, width=64, height=32))
        layout = Layout(SIZES, width=64, height=32)
        scene.draw_network(layout)
        scene.set_readout("", False)
        scene.show_colours([0xFFFFFF] * layout.palette_size)
        scene.refresh()
        lit = set(picture_of(board.matrix).lit())
    assert lit == {p for pixels in element_pixels(layout).values() for p in pixels}
