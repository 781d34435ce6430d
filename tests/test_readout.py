"""render/readout.py: the loss text fits its box, reads back true, shows the digits that fit."""

import math
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from render.readout import format_loss, text_width
from tests.device import ROOT, mpy_cross_errors, on_both

READOUT = ROOT / "render" / "readout.py"
WIDTHS = (17, 13, 21)


def sweep_values():
    """Random mantissas at every decade from 1e-9 to 1e3, plus the decade edges (fixed seed)."""
    rng = random.Random(20240517)
    values = []
    for exponent in range(-9, 4):
        values += [rng.uniform(1.0, 10.0) * 10.0**exponent for _ in range(150)]
        values += [10.0**exponent, 9.999 * 10.0**exponent, 9.95 * 10.0**exponent]
    return values


def parse(text):
    """The number a reader takes from the readout (a leading "." gets its "0")."""
    return float("0" + text if text.startswith(".") else text)


def last_digit_unit(text):
    """Place value of the last digit shown: 1e-4 for ".0123", 1e-5 for "12e-5", 1 for "250"."""
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def significant_digits(text):
    """Digits shown from the first non-zero one to the end of the mantissa."""
    mantissa = text.partition("e")[0]
    return len(mantissa.replace(".", "").lstrip("0"))


def reference_forms(value, sig):
    """Independent (Decimal) plain and integer-mantissa scientific texts with `sig` digits."""
    exact = Decimal(value)
    exponent = exact.adjusted() - sig + 1  # place value of the last digit kept
    mantissa = exact.scaleb(-exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if mantissa >= 10**sig:  # 9.996 -> 10.0: one more decade
        exponent += 1
        mantissa = exact.scaleb(-exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    scientific = "%de%d" % (mantissa, exponent)
    if exponent >= 0:
        plain = str(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    else:
        plain = format(mantissa.scaleb(exponent), "f").removeprefix("0")
    return plain, scientific


def best_possible_digits(value, max_width):
    """Most significant digits (at most 3) that some honest form of value fits in max_width."""
    for sig in (3, 2, 1):
        if min(text_width(form) for form in reference_forms(value, sig)) <= max_width:
            return sig
    return 0


def test_text_width_counts_lit_pixels():
    assert text_width("") == 0
    assert text_width("0") == 3
    assert text_width(".") == 1
    assert text_width(".123") == 13
    assert text_width(".0123") == 17
    assert text_width("5e-4") == 15
    assert text_width("1 2") == 10


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.5, ".500"),
        (0.0456, ".0456"),
        (0.123, ".123"),
        (0.00789, ".0079"),
        (0.0012, ".0012"),
        (0.000123, ".0001"),
        (0.00005, "5e-5"),
        (3.2e-7, "3e-7"),
        (1.5, "1.50"),
        (1.234, "1.23"),
        (12.34, "12.3"),
        (250, "250"),
        (1234.4, "1234"),
        (12345, "12e3"),
    ],
)
def test_examples_at_17_px(value, text):
    assert format_loss(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.01239, ".0124"),  # rounded, not truncated to .0123
        (0.09996, ".100"),  # carry into the next decade drops a decimal
        (0.9996, "1.00"),
        (999.7, "1000"),
        (9.6e-10, "1e-9"),  # carry moves the exponent
        (9.96e-6, "1e-5"),
        (0.00049, ".0005"),
    ],
)
def test_rounding_carries(value, text):
    assert format_loss(value) == text


@pytest.mark.parametrize("value", [None, math.nan, math.inf, -math.inf, -1.0, -1e-9])
def test_no_number_means_dashes(value):
    assert format_loss(value) == "--"


def test_zero_is_zero():
    assert format_loss(0) == "0"
    assert format_loss(0.0) == "0"
    assert format_loss(-0.0) == "0"


def test_narrow_box_still_fits():
    assert format_loss(0.0456, max_width=13) == ".046"
    assert format_loss(0.00789, max_width=13) == ".008"
    assert format_loss(3.2e-7, max_width=13) == ".000"  # no digit fits: zero to 3 decimals
    assert format_loss(0.0005, max_width=13) == ".001"


def test_fewer_digits_on_request():
    assert format_loss(0.0456, digits=2) == ".046"
    assert format_loss(0.0456, digits=1) == ".05"


@pytest.mark.parametrize("max_width", WIDTHS)
def test_sweep_fits_reads_back_and_uses_the_digits_that_fit(max_width):
    for value in sweep_values():
        text = format_loss(value, max_width)
        context = (value, max_width, text)
        assert set(text) <= set("0123456789.e-"), context
        assert text_width(text) <= max_width, context
        # Honest: the reader's number is the value to within half a unit of the last digit.
        assert abs(parse(text) - value) <= last_digit_unit(text) * (0.5 + 1e-9), context
        shown = significant_digits(text)
        assert shown >= best_possible_digits(value, max_width), context
        assert shown <= 3 or ("." not in text and "e" not in text), context
        if "e" in text:  # scientific only when the plain form with as many digits is too wide
            plain = reference_forms(value, shown)[0]
            assert text_width(plain) > max_width, context


def test_reference_forms_agree_with_examples():
    # The test's own oracle, checked by hand, so a wrong oracle cannot pass the sweep.
    assert reference_forms(0.0456, 3) == (".0456", "456e-4")
    assert reference_forms(9.96e-5, 2) == (".00010", "10e-5")
    assert reference_forms(1234.4, 3) == ("1234", "123e1")
    assert best_possible_digits(0.00789, 17) == 2
    assert best_possible_digits(3.2e-7, 13) == 0


def test_readout_passes_the_micropython_grammar_check():
    assert mpy_cross_errors(READOUT) == ""


@on_both
def test_the_device_gives_the_same_strings(interpreter):
    """The same text on the device as on CPython. Every scaled value rounded sits at least 0.05
    of a unit from a rounding boundary (12345 -> 123.45), a relative 4e-4: far beyond the few
    units of 2**-20 by which the board's single precision can move it."""
    values = [0.5, 0.0456, 0.00789, 0.000123, 3.2e-7, 1.5, 250, 0, 0.09996, 9.6e-10, 12345]
    widths = (17, 13)
    script = (
        "from render.readout import format_loss\n"
        "for w in %r:\n"
        "    print('|'.join(format_loss(v, w) for v in %r))\n"
        "print('|'.join(format_loss(v) for v in (None, float('nan'), float('inf'), -1.0)))\n"
    ) % (widths, values)
    result = interpreter.run(script)
    assert result.returncode == 0, result.stderr
    expected = ["|".join(format_loss(v, w) for v in values) for w in widths]
    expected.append("--|--|--|--")
    assert result.stdout.split() == expected
