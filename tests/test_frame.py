"""Frame composer: value order becomes brightness order, signs become red/blue, NaN stays dark,
and a frame allocates nothing."""

import gc
import tracemalloc

import pytest

from app import settings
from render.colour import (
    LINK_NEGATIVE,
    LINK_NEUTRAL,
    LINK_POSITIVE,
    NODE_WHITE,
    brightness_table,
)
from render.frame import FrameComposer
from render.layout import Layout
from render.timeline import forward_stages
from sim.rgb565 import BLUE_BITS, GREEN_BITS, RED_BITS, panel_level, rgb888_to_rgb565
from tests.device import BOARD_HEAP, ROOT, mpy_cross_errors, on_both
from tests.sim_helpers import SIZES, per_link, per_node

DURATION = 900
BACKWARD_DURATION = 1300
NAN = float("nan")


@pytest.fixture(scope="module")
def layout():
    return Layout(SIZES)


@pytest.fixture
def composer(layout):
    return FrameComposer(layout, forward_ms=DURATION, backward_ms=BACKWARD_DURATION)


def peak_ms(composer, stage):
    """The moment one stage's envelope is at its top."""
    return stage * composer.timeline.ramp_ms / 2 + composer.timeline.ramp_ms


def colour_at_peak(composer, index, stages):
    return composer.colours_at(peak_ms(composer, stages[index]))[index]


def brightness(colour):
    return (colour >> 16) + ((colour >> 8) & 0xFF) + (colour & 0xFF)


def test_index_zero_and_the_unused_readout_index_stay_black(layout, composer):
    ones = per_link(lambda *k: 1.0)
    composer.show_forward(per_node(lambda l, n: 1.0), ones, ones)
    for t_ms in (0, 100, 300, 600):
        colours = composer.colours_at(t_ms)
        assert len(colours) == layout.palette_size
        assert colours[0] == 0
        assert colours[layout.readout_index] == 0  # the loss text has its own palette
        assert all(colours[1 : layout.readout_index])  # every element glows, at rest or more


def test_node_brightness_follows_output_magnitude(layout, composer):
    values = per_node(lambda l, n: (-1) ** n * (0.1 + 0.07 * (3 * l + n)))
    composer.show_forward(values, per_link(lambda *k: 0.5), per_link(lambda *k: 1.0))
    stages = forward_stages(layout)
    seen = []
    for l in range(len(SIZES)):
        for n in range(SIZES[l]):
            index = layout.node_index[l][n]
            seen.append((abs(values[l][n]), brightness(colour_at_peak(composer, index, stages))))
    seen.sort()
    shown = [b for _v, b in seen]
    assert shown == sorted(shown) and shown[0] < shown[-1]
    node_table = brightness_table(NODE_WHITE)
    assert seen[0][1] == brightness(node_table[0])  # the smallest output stays at rest glow
    assert seen[-1][1] == brightness(node_table[-1])  # the largest peaks at full


def test_link_brightness_follows_contribution_magnitude(layout, composer):
    contributions = per_link(lambda l, j, i: 0.05 + 0.11 * i + 0.37 * j + 0.5 * l)
    composer.show_forward(per_node(lambda l, n: 0.5), contributions, per_link(lambda *k: 1.0))
    stages = forward_stages(layout)
    seen = []
    for l, j, i in layout.links:
        index = layout.segment_index[l][j][i][0]
        seen.append((contributions[l][j][i], colour_at_peak(composer, index, stages) >> 16))
    seen.sort()
    shown = [red for _v, red in seen]
    assert shown == sorted(shown) and shown[0] < shown[-1]


def test_every_segment_of_a_link_shows_the_same_value_in_turn(layout, composer):
    composer.show_forward(
        per_node(lambda l, n: 0.5), per_link(lambda l, j, i: j + i), per_link(lambda *k: 1)
    )
    stages = forward_stages(layout)
    for l, j, i in layout.links:
        peaks = {colour_at_peak(composer, index, stages) for index in layout.segment_index[l][j][i]}
        assert len(peaks) == 1


def test_weight_sign_picks_red_or_blue_and_the_flag_picks_neutral(layout, composer):
    weights = per_link(lambda l, j, i: 0.5 if (i + j) % 2 else -0.5)
    composer.show_forward(per_node(lambda l, n: 0.5), per_link(lambda *k: 1.0), weights)
    tables = {
        "red": brightness_table(LINK_POSITIVE),
        "blue": brightness_table(LINK_NEGATIVE),
        "neutral": brightness_table(LINK_NEUTRAL),
    }
    stages = forward_stages(layout)

    def hue_of(index):
        colour = colour_at_peak(composer, index, stages)
        return [name for name, table in tables.items() if colour in table]

    for l, j, i in layout.links:
        index = layout.segment_index[l][j][i][-1]
        assert hue_of(index) == (["red"] if weights[l][j][i] > 0 else ["blue"])
    flipped = per_link(lambda l, j, i: -weights[l][j][i])
    composer.show_forward(per_node(lambda l, n: 0.5), per_link(lambda *k: 1.0), flipped)
    for l, j, i in layout.links:
        index = layout.segment_index[l][j][i][-1]
        assert hue_of(index) == (["blue"] if weights[l][j][i] > 0 else ["red"])
    composer.weight_colours = False
    assert composer.weight_colours is False
    for l, j, i in layout.links:
        assert hue_of(layout.segment_index[l][j][i][0]) == ["neutral"]
    composer.weight_colours = True
    l, j, i = layout.links[0]
    assert hue_of(layout.segment_index[l][j][i][0]) in (["red"], ["blue"])


def test_rest_glow_keeps_the_weight_sign(layout, composer):
    composer.show_forward(
        per_node(lambda l, n: 0.5), per_link(lambda *k: 1.0), per_link(lambda *k: -2.0)
    )
    rest = composer.rest_colours()
    blue_rest = brightness_table(LINK_NEGATIVE)[0]
    for l, j, i in layout.links:
        assert all(rest[index] == blue_rest for index in layout.segment_index[l][j][i])
    assert composer.colours_at(DURATION) == rest


def test_nan_and_inf_never_crash_and_never_light(layout, composer):
    composer.show_forward(
        per_node(lambda l, n: NAN),
        per_link(lambda l, j, i: float("inf") if i else NAN),
        per_link(lambda *k: NAN),
    )
    rest = list(composer.rest_colours())
    neutral_rest = brightness_table(LINK_NEUTRAL)[0]
    for t in range(0, DURATION, 7):
        assert composer.colours_at(t) == rest
    assert all(rest[index] == neutral_rest for index in layout.segment_index[0][0][0])
    composer.show_backward(
        per_node(lambda l, n: NAN), per_link(lambda *k: NAN), per_link(lambda *k: 1.0)
    )
    for t in range(0, DURATION, 7):
        assert composer.colours_at(t) == composer.rest_colours()


def test_one_finite_value_among_nan_still_pulses(layout, composer):
    outputs = per_node(lambda l, n: NAN)
    outputs[3][0] = 0.7
    composer.show_forward(outputs, per_link(lambda *k: NAN), per_link(lambda *k: 1.0))
    index = layout.node_index[3][0]
    assert (
        colour_at_peak(composer, index, forward_stages(layout))
        == (brightness_table(NODE_WHITE)[-1])
    )


def test_backward_pass_lights_the_output_first(layout, composer):
    grads = per_node(lambda l, n: 0.3 + 0.1 * n + l)
    composer.show_backward(grads, per_link(lambda *k: 0.2), per_link(lambda *k: 1.0))
    early = list(composer.colours_at(composer.timeline.ramp_ms / 2))
    rest = list(composer.rest_colours())
    changed = {index for index in range(layout.palette_size) if early[index] != rest[index]}
    assert changed == set(layout.node_index[3])
    assert composer.timeline is composer.backward_timeline
    assert not composer.pulse_done(BACKWARD_DURATION - 1)
    assert composer.pulse_done(BACKWARD_DURATION)
    assert composer.colours_at(BACKWARD_DURATION) == rest


def test_forward_and_backward_pulses_have_their_own_length(composer):
    example_forward(composer)
    assert composer.timeline is composer.forward_timeline
    assert not composer.pulse_done(DURATION - 1) and composer.pulse_done(DURATION)
    assert composer.forward_timeline.duration_ms == DURATION
    assert composer.backward_timeline.duration_ms == BACKWARD_DURATION


def traced_growth(action, repeats):
    """(bytes kept by render/ code, peak extra bytes overall) over `repeats` warm calls.

    Traced from a first warm-up batch: floats a call stores in a list replace floats stored by
    the previous call, so only the second batch shows real growth. Memory kept is counted for
    render/ source lines only (the test's own loop counters are not the renderer's).
    """
    only_render = [tracemalloc.Filter(True, "*/render/*")]
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(repeats):
            action()
        start = tracemalloc.take_snapshot().filter_traces(only_render)
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in range(repeats):
            action()
        _, peak = tracemalloc.get_traced_memory()
        end = tracemalloc.take_snapshot().filter_traces(only_render)
    finally:
        tracemalloc.stop()
    kept = sum(stat.size_diff for stat in end.compare_to(start, "lineno"))
    return kept, peak - before


def example_forward(composer):
    composer.show_forward(
        per_node(lambda l, n: 0.2 * n + 0.1 * l),
        per_link(lambda l, j, i: 0.3 * i - 0.2 * j),
        per_link(lambda l, j, i: 0.5 - 0.4 * (i + j)),
    )


def test_colours_at_reuses_one_list_and_allocates_nothing(composer):
    example_forward(composer)
    first = composer.colours_at(0)
    times = iter(range(10**9))
    kept, peak = traced_growth(lambda: composer.colours_at(next(times) % DURATION), 1000)
    assert composer.colours_at(5) is first
    assert kept <= 0
    # A new list or per-element objects would show here (an 80-entry list alone is ~700 bytes;
    # the harness itself peaks near 220).
    assert peak < 400


def test_show_passes_allocate_nothing_after_the_first(composer):
    outputs = per_node(lambda l, n: 0.2 * n + 0.1 * l)
    contributions = per_link(lambda l, j, i: 0.3 * i - 0.2 * j)
    weights = per_link(lambda l, j, i: 0.5 - 0.4 * (i + j))

    def both_passes():
        composer.show_forward(outputs, contributions, weights)
        composer.show_backward(outputs, contributions, weights)

    kept, peak = traced_growth(both_passes, 50)
    assert kept <= 0
    assert peak < 400


# Device truth -------------------------------------------------------------------------------

RENDER_FILES = ["geometry", "layout", "normalise", "colour", "timeline", "frame"]

# Runs unchanged on CPython and the devices: three pulses (forward, backward, then forward over
# NaN nodes in neutral colours) at the panel's bit depth, the app's default LED_BIT_DEPTH.
FRAMES_SETUP = """
from render.layout import Layout
from render.frame import FrameComposer

sizes = [2, 3, 3, 1]
composer = FrameComposer(Layout(sizes), forward_ms=600, backward_ms=450, bit_depth=%d)
FRAME_MS = 7


def nodes(scale):
    return [[scale * (n + 1) * (l - 1.5) for n in range(sizes[l])] for l in range(4)]


def links(scale):
    return [
        [[scale * (0.3 * i - 0.2 * j + 0.05 * l) for i in range(sizes[l])]
         for j in range(sizes[l + 1])]
        for l in range(3)
    ]


def show(number):
    if number == 0:
        composer.show_forward(nodes(0.4), links(1.0), links(-2.0))
    elif number == 1:
        composer.show_backward(nodes(0.01), links(0.003), links(1.5))
    else:
        composer.weight_colours = False
        composer.show_forward(nodes(float("nan")), links(1.0), links(1.0))
"""
# The device prints every frame's colours, one frame a line.
FRAMES_LOOP = """
for number in range(3):
    show(number)
    t = 0
    while not composer.pulse_done(t):
        print(" ".join("%x" % colour for colour in composer.colours_at(t)))
        t += FRAME_MS
"""

# How far the device's frames may stray from CPython's float64 ones. A colour is step
# int(y + 0.5) of its element's table, y = 63 * s * e (s the normalised value, e the
# envelope). In units of the device's float (tests.device): the script's values are off by at
# most 10 units of their pass's largest value (three literals, five operations, the scale, the
# float32 store); s = (v - lowest) / (highest - lowest) takes the errors of v, lowest and
# highest times highest / (highest - lowest) <= 1.2 in these passes, plus its own three
# operations: 4 * 10 * 1.2 + 3 = 51 units; y gets 63 times that, and 64 times the 9 of e (the
# ramp, the stage's start, the inverse, the phase, 2 - phase, the store), the product and the
# + 0.5: 63 * 51 + 64 * 9 < STEP_UNITS, in steps. The boundary between steps k and k + 1 is at
# y = k + 0.5, and moving t by dt moves e by dt / ramp, so y by 63 * s * dt / ramp >= y * dt /
# ramp: a colour that rounding explains is one CPython shows within ramp * STEP_UNITS / (k +
# 0.5) units of t, plus the device's clock arithmetic (t - start: 2 * t units). On the board
# that is 0.5 ms at most (at step 0), 0.01 ms near step 30; on the wheel, below 1e-9 ms.
STEP_UNITS = 4000


def panel_levels(colour, bit_depth):
    """The PWM level the panel drives on each channel for a palette colour 0xRRGGBB."""
    pixel = rgb888_to_rgb565(colour >> 16, (colour >> 8) & 0xFF, colour & 0xFF)
    return (
        panel_level(pixel >> 11, RED_BITS, bit_depth),
        panel_level((pixel >> 5) & 0x3F, GREEN_BITS, bit_depth),
        panel_level(pixel & 0x1F, BLUE_BITS, bit_depth),
    )


@pytest.mark.parametrize("name", RENDER_FILES)
def test_compiles_for_the_board(name):
    assert mpy_cross_errors(ROOT / "render" / (name + ".py")) == ""


@on_both
def test_the_device_shows_the_frames_cpython_shows(interpreter, record_property):
    """Every colour of every frame lights the panel as on CPython (equal levels at the panel's
    bit depth), or is a value on a step boundary: CPython itself shows the device's colour a
    rounding error's worth of time (see STEP_UNITS) before or after."""
    depth = settings.read({}.get)[0]["LED_BIT_DEPTH"]
    result = interpreter.run(FRAMES_SETUP % depth + FRAMES_LOOP, heap=BOARD_HEAP)
    assert result.returncode == 0, result.stderr
    frames = iter(result.stdout.splitlines())
    reference = {}
    exec(FRAMES_SETUP % depth, reference)
    composer = reference["composer"]
    hues = (NODE_WHITE, LINK_POSITIVE, LINK_NEGATIVE, LINK_NEUTRAL)
    tables = [brightness_table(hue, bit_depth=depth) for hue in hues]
    colours = on_boundary = 0
    for number in range(3):
        reference["show"](number)
        t = 0
        while not composer.pulse_done(t):
            expected = list(composer.colours_at(t))
            shown = [int(colour, 16) for colour in next(frames).split()]
            assert len(shown) == len(expected) > 0
            ramp = composer.timeline.ramp_ms
            for index, (ours, theirs) in enumerate(zip(shown, expected)):
                levels = panel_levels(ours, depth)
                if levels == panel_levels(theirs, depth):
                    continue
                # Both colours of one table; k the lower step, each colour's first place in it
                # (a table may repeat a colour, so this k is never too high).
                both = [table for table in tables if ours in table and theirs in table]
                assert both, (number, t, index, ours, theirs)
                k = min(table.index(colour) for table in both for colour in (ours, theirs))
                nudge = interpreter.unit * (ramp * STEP_UNITS / (k + 0.5) + 2 * t)
                near = [composer.colours_at(t + dt)[index] for dt in (-nudge, nudge)]
                assert levels in [panel_levels(c, depth) for c in near], (number, t, index)
                on_boundary += 1
            colours += len(expected)
            t += reference["FRAME_MS"]
    assert next(frames, None) is None and colours > 10000
    record_property("colours on a step boundary", "%d of %d" % (on_boundary, colours))
