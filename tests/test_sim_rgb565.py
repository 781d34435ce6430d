"""RGB565 as screens show it: exact expansion and the panel's bit-depth view."""

import pytest

from sim.rgb565 import (
    expand_rgb888,
    panel_level,
    panel_rgb888,
    rgb565_to_rgb888,
    rgb888_to_rgb565,
    srgb_encode,
    widen,
)


def test_widening_repeats_the_top_bits():
    assert [widen(value, 5) for value in (0, 1, 0b10000, 31)] == [0, 8, 132, 255]
    assert [widen(value, 6) for value in (0, 1, 0b100000, 63)] == [0, 4, 130, 255]


def test_exact_expansion_and_displayio_rounding():
    assert rgb888_to_rgb565(0xFF, 0x80, 0x10) == (31 << 11) | (32 << 5) | 2
    assert rgb565_to_rgb888(0xF800) == (255, 0, 0)
    assert expand_rgb888([0x07E0, 0x001F]) == bytes([0, 255, 0, 0, 0, 255])


def test_protomatter_keeps_the_top_bits_and_widens_red_and_blue_at_six():
    assert panel_level(0b10110, 5, 4) == 0b1011
    assert panel_level(0b101101, 6, 4) == 0b1011
    assert panel_level(0b10110, 5, 6) == 0b101101
    assert panel_level(0b101101, 6, 6) == 0b101101
    assert panel_level(0b01111, 5, 1) == 0


def test_panel_view_is_linear_light_encoded_for_a_monitor():
    assert srgb_encode(0) == 0
    assert srgb_encode(1) == 255
    half_level = 0b1000 << 1 << 11  # red 10000: level 8 of 15 at bit depth 4
    assert panel_rgb888([half_level], 4) == bytes([srgb_encode(8 / 15), 0, 0])
    assert panel_rgb888([0xFFFF, 0x0000], 2) == bytes([255] * 3 + [0] * 3)
    assert panel_rgb888([0x7BEF], 1) == bytes(3)  # just under half: off at 1 bit


def test_panel_view_refuses_impossible_bit_depths():
    with pytest.raises(ValueError):
        panel_rgb888([0], 7)
