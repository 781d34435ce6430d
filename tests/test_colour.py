"""Colour tables: true red and blue, monotone, gamma, and a rest glow the panel can show."""

import itertools

import pytest

from render.colour import (
    LINK_NEGATIVE,
    LINK_NEUTRAL,
    LINK_POSITIVE,
    NODE_WHITE,
    brightness_table,
    lookup,
)

HUES = (LINK_POSITIVE, LINK_NEGATIVE, LINK_NEUTRAL, NODE_WHITE)


def channels(colour):
    """(red, green, blue) of 0xRRGGBB."""
    return (colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF


def shown_on_panel(value, channel_bits, bit_depth):
    """Does the panel light this 8-bit channel? RGB565 keeps the top channel_bits bits, then
    Protomatter keeps the top bit_depth of those (all of them when bit_depth is larger)."""
    packed = value >> (8 - channel_bits)
    return packed >> max(0, channel_bits - bit_depth) > 0


def test_positive_links_are_pure_red():
    for colour in brightness_table(LINK_POSITIVE):
        red, green, blue = channels(colour)
        assert red > 0 and green == 0 and blue == 0


def test_negative_links_are_true_blue_never_green():
    for bit_depth in range(1, 7):
        for colour in brightness_table(LINK_NEGATIVE, bit_depth=bit_depth):
            red, green, blue = channels(colour)
            assert blue > 0 and red == 0 and green == 0
    assert channels(brightness_table(LINK_NEGATIVE)[-1]) == (0, 0, 255)


def test_neutral_links_are_grey_and_nodes_warm_white():
    for colour in brightness_table(LINK_NEUTRAL):
        red, green, blue = channels(colour)
        assert red == green == blue
    red, green, blue = channels(brightness_table(NODE_WHITE)[-1])
    assert red > green > blue > 0


@pytest.mark.parametrize("hue", HUES)
def test_brightness_is_monotone_from_rest_to_full(hue):
    table = brightness_table(hue, steps=64)
    assert len(table) == 64
    for dimmer, brighter in itertools.pairwise(table):
        assert all(a <= b for a, b in zip(channels(dimmer), channels(brighter)))
    assert sum(channels(table[-1])) > 4 * sum(channels(table[0]))
    assert channels(table[-1]) == hue


@pytest.mark.parametrize("bit_depth", range(1, 7))
@pytest.mark.parametrize("hue", HUES)
def test_rest_glow_is_visible_at_every_bit_depth(hue, bit_depth):
    rest = channels(brightness_table(hue, bit_depth=bit_depth)[0])
    for value, used, bits in zip(rest, hue, (5, 6, 5)):
        if used:
            assert shown_on_panel(value, bits, bit_depth)
        else:
            assert value == 0


def test_rest_glow_is_the_dimmest_visible_level_for_red():
    # One RGB565 step at bit depth 6, one Protomatter step (256 >> 4) at bit depth 4.
    assert channels(brightness_table(LINK_POSITIVE, bit_depth=6)[0]) == (8, 0, 0)
    assert channels(brightness_table(LINK_POSITIVE, bit_depth=4)[0]) == (16, 0, 0)
    assert not shown_on_panel(7, 5, 6) and not shown_on_panel(15, 5, 4)


def test_gamma_darkens_the_middle():
    mid = 32  # brightness 32 / 64 ~ 0.5 with 65 steps
    linear = channels(brightness_table(LINK_POSITIVE, gamma=1.0, steps=65)[mid])[0]
    curved = channels(brightness_table(LINK_POSITIVE, gamma=2.2, steps=65)[mid])[0]
    rest = 8 / 255
    assert linear == round(255 * (rest + (1 - rest) * 0.5))
    assert curved == round(255 * (rest + (1 - rest) * 0.5**2.2))
    assert curved < linear / 2


def test_lookup_clamps_and_treats_nan_as_rest():
    table = brightness_table(LINK_POSITIVE)
    assert lookup(table, float("nan")) == table[0]
    assert lookup(table, -1.0) == table[0]
    assert lookup(table, 2.0) == lookup(table, 1.0) == table[-1]
    assert lookup(table, 0.5) == table[32]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"bit_depth": 0}, "bit_depth must be 1..6"),
        ({"bit_depth": 7}, "bit_depth must be 1..6"),
        ({"gamma": 0.0}, "gamma must be positive"),
        ({"steps": 1}, "at least 2 steps"),
    ],
)
def test_bad_settings_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        brightness_table(LINK_POSITIVE, **options)
