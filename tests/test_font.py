"""fonts/tiny5.bdf: loads with adafruit_bitmap_font, has every glyph, and draws where expected."""

import itertools

import displayio  # noqa: F401  (Blinka: import displayio before its other modules)
import pytest
from adafruit_bitmap_font import bitmap_font
from adafruit_display_text import bitmap_label

from render.readout import advance, text_width
from tests.device import ROOT

FONT_PATH = ROOT / "fonts" / "tiny5.bdf"
PRINTABLE = [chr(code) for code in range(32, 127)]
NARROW = ".,:;!'|"
DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BOX_X, BOX_Y = 47, 27  # top-left of the 17x5 readout box


@pytest.fixture(scope="module")
def font():
    """The font loaded the way the device loads it, every printable glyph in the cache."""
    loaded = bitmap_font.load_font(str(FONT_PATH))
    loaded.load_glyphs("".join(PRINTABLE))
    return loaded


def glyph_pixels(font, char):
    """A glyph's bitmap as a tuple of rows of 0/1."""
    glyph = font.get_glyph(ord(char))
    bitmap = glyph.bitmap
    return tuple(tuple(bitmap[x, y] for x in range(glyph.width)) for y in range(glyph.height))


def hamming(a, b):
    """Number of pixels in which two equally sized glyph bitmaps differ."""
    return sum(p != q for row_a, row_b in zip(a, b, strict=True) for p, q in zip(row_a, row_b))


def lit_pixels(label):
    """Absolute (x, y) of every lit pixel of a bitmap_label (group offset plus tile offset)."""
    bitmap = label.bitmap
    left = label.x + label.tilegrid.x
    top = label.y + label.tilegrid.y
    return {
        (left + x, top + y)
        for y in range(bitmap.height)
        for x in range(bitmap.width)
        if bitmap[x, y]
    }


def test_metrics_let_a_label_fill_exactly_five_rows(font):
    assert font.get_bounding_box() == (3, 5, 0, 0)
    assert (font.ascent, font.descent) == (5, 0)


def test_file_says_it_is_our_own_mit_font():
    header = FONT_PATH.read_text().split("STARTCHAR", 1)[0]
    assert "SPDX-License-Identifier: MIT" in header
    assert "own design" in header


@pytest.mark.parametrize("char", PRINTABLE)
def test_every_printable_ascii_glyph_has_the_specified_size(font, char):
    glyph = font.get_glyph(ord(char))
    assert glyph is not None
    if char == " ":
        width = 2
    elif char in NARROW:
        width = 1
    else:
        width = 3
    assert (glyph.width, glyph.height, glyph.dx, glyph.dy) == (width, 5, 0, 0)
    assert (glyph.shift_x, glyph.shift_y) == (width + 1, 0)
    assert advance(char) == glyph.shift_x  # the readout's width model is the font's
    lit = sum(map(sum, glyph_pixels(font, char)))
    assert (lit == 0) == (char == " ")


def test_letters_and_digits_are_all_different(font):
    bitmaps = {}
    for char in DIGITS + UPPER:
        bitmaps.setdefault(glyph_pixels(font, char), []).append(char)
    assert [chars for chars in bitmaps.values() if len(chars) > 1] == []


def test_digits_are_unmistakable(font):
    # Three pixels apart: one misread LED cannot turn a digit into another.
    for a, b in itertools.combinations(DIGITS, 2):
        assert hamming(glyph_pixels(font, a), glyph_pixels(font, b)) >= 3, (a, b)
    for a in DIGITS:
        for b in UPPER:
            assert hamming(glyph_pixels(font, a), glyph_pixels(font, b)) >= 2, (a, b)


def test_exponent_e_is_not_capital_e(font):
    assert hamming(glyph_pixels(font, "e"), glyph_pixels(font, "E")) >= 3
    assert not any(glyph_pixels(font, "e")[0])  # x-height glyph: top row dark


def test_label_anchored_at_the_box_lights_only_its_five_rows(font):
    label = bitmap_label.Label(
        font, text="0.123", anchor_point=(0, 0), anchored_position=(BOX_X, BOX_Y)
    )
    pixels = lit_pixels(label)
    xs = {x for x, _ in pixels}
    ys = {y for _, y in pixels}
    assert (min(ys), max(ys)) == (BOX_Y, BOX_Y + 4)
    assert (min(xs), max(xs)) == (BOX_X, BOX_X + text_width("0.123") - 1)
    assert text_width("0.123") == 17


@pytest.mark.parametrize("text", ["0.123", ".0079", "3e-7", "12e-5", "1.50", "250", "--", "8"])
def test_text_width_is_the_labels_lit_width(font, text):
    pixels = lit_pixels(bitmap_label.Label(font, text=text))
    xs = {x for x, _ in pixels}
    assert max(xs) - min(xs) + 1 == text_width(text)


def test_label_draws_glyphs_at_the_advances(font):
    # Each character's pixels appear at the sum of the advances before it, nothing else.
    text = "1e-4.5"
    label = bitmap_label.Label(font, text=text)
    origin_x = label.x + label.tilegrid.x
    origin_y = label.y + label.tilegrid.y
    expected = set()
    pen = 0
    for char in text:
        for y, row in enumerate(glyph_pixels(font, char)):
            expected |= {(origin_x + pen + x, origin_y + y) for x, on in enumerate(row) if on}
        pen += font.get_glyph(ord(char)).shift_x
    assert lit_pixels(label) == expected
