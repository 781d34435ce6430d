"""render.text: the readout and message font drawn by render's own code, the same pixels as
Adafruit's bitmap_label draws from fonts/tiny5.bdf, on every interpreter."""

import displayio  # noqa: F401  (Blinka: import displayio before its other modules)
import pytest
from adafruit_bitmap_font import bitmap_font
from adafruit_display_text import bitmap_label

from render.readout import advance
from render.text import Font
from tests.device import on_both
from tests.sim_helpers import FONT_PATH, load_font
from tests.test_font import lit_pixels

PRINTABLE = "".join(chr(code) for code in range(32, 127))
# The readout's kinds of text, and messages of the app's shape (several lines).
TEXTS = [
    "0.123",
    ".0079",
    "3e-7",
    "--",
    PRINTABLE[:16],
    PRINTABLE[16:48],
    PRINTABLE[48:80],
    PRINTABLE[80:],
    "PAUSED",
    "BAD SETTING\nNN_LAYERS\nusing 2,3,3,1",
    "DIVERGED\nlr 0.25",
]


class Canvas:
    """Anything indexed as bitmap[x, y] = value: records what is set."""

    def __init__(self, width=64, height=32):
        self.width = width
        self.height = height
        self.lit = {}

    def __setitem__(self, position, value):
        assert 0 <= position[0] < self.width and 0 <= position[1] < self.height, position
        self.lit[position] = value


def label_pixels(text, x, y):
    """Absolute lit pixels of a bitmap_label anchored by its top-left at (x, y), as the
    scene anchored its labels before render drew text itself."""
    font = bitmap_font.load_font(FONT_PATH)
    return lit_pixels(
        bitmap_label.Label(
            font, text=text, line_spacing=1.2, anchor_point=(0, 0), anchored_position=(x, y)
        )
    )


@pytest.fixture(scope="module")
def font():
    return load_font()


@pytest.mark.parametrize("text", TEXTS)
def test_draws_exactly_the_pixels_adafruits_label_draws(font, text):
    canvas = Canvas(width=200)  # wider than the panel: every glyph compared
    font.draw(canvas, text, 1, 1, 7)
    assert set(canvas.lit) == label_pixels(text, 1, 1)
    assert set(canvas.lit.values()) == {7}


def test_advances_are_the_readouts_width_model(font):
    for char in PRINTABLE:
        assert font.advance(char) == advance(char), char


def test_characters_outside_the_font_draw_its_question_mark(font):
    for text in ("\u00e9", "\x01", "\t"):
        unknown, question = Canvas(), Canvas()
        font.draw(unknown, text, 0, 0, 1)
        font.draw(question, "?", 0, 0, 1)
        assert unknown.lit == question.lit and unknown.lit
        assert font.advance(text) == font.advance("?")


def test_pixels_outside_the_bitmap_are_skipped(font):
    whole, clipped = Canvas(), Canvas(width=5, height=3)
    font.draw(whole, "888", 0, 0, 1)
    font.draw(clipped, "888", -2, -1, 1)  # Canvas raises on any pixel out of range
    assert set(clipped.lit) == {
        (x - 2, y - 1) for x, y in whole.lit if 0 <= x - 2 < 5 and 0 <= y - 1 < 3
    }


def test_a_font_without_its_default_glyph_is_refused():
    with open(FONT_PATH) as bdf:
        lines = bdf.read().replace("DEFAULT_CHAR 63", "DEFAULT_CHAR 7").splitlines()
    with pytest.raises(ValueError, match="default glyph 7"):
        Font(lines)


DEVICE_SCRIPT = """
from render.text import Font

class Canvas:
    width = 64
    height = 32

    def __init__(self):
        self.lit = []

    def __setitem__(self, position, value):
        self.lit.append((position[0], position[1], value))

with open("fonts/tiny5.bdf") as bdf:
    font = Font(bdf)
canvas = Canvas()
font.draw(canvas, %r, 1, 1, 1)
for x, y, value in sorted(canvas.lit):
    print(x, y, value)
"""


@on_both
def test_every_interpreter_draws_the_same_pixels(interpreter, font):
    text = PRINTABLE[1:40] + "\n" + PRINTABLE[40:80] + "\n" + PRINTABLE[80:]
    result = interpreter.run(DEVICE_SCRIPT % text)
    assert result.returncode == 0, result.stderr
    canvas = Canvas()
    font.draw(canvas, text, 1, 1, 1)
    expected = ["%d %d 1" % position for position in sorted(canvas.lit)]
    assert result.stdout.split("\n")[:-1] == expected
