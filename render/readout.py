"""Text of the best-loss readout, sized in pixels of the project's tiny5 font (fonts/tiny5.bdf).

Pure functions, no display: they run unchanged on the Matrix Portal M4 (CircuitPython), under
MicroPython and on the PC. The readout box is 17x5 px; `format_loss` picks the most precise
honest text that fits it, and `text_width` says how many pixels that text lights.
"""

import math

from micropython import const

# Advances (glyph width + 1 px gap), exactly the DWIDTHs in fonts/tiny5.bdf.
NARROW = ".,:;!'|"  # 1-px glyphs
NARROW_ADVANCE = const(2)
SPACE_ADVANCE = const(3)
ADVANCE = const(4)  # every other printable ASCII glyph is 3 px wide

DIGITS = const(3)  # significant digits shown when they fit
_LN10 = math.log(10.0)
_MAX_EXPONENT = const(30)  # beyond 1e+-30 no digit is shown (10**30 is still a finite float32)


def advance(char):
    """Pixels the pen moves after drawing `char` in tiny5 (its glyph width plus a 1-px gap)."""
    if char == " ":
        return SPACE_ADVANCE
    if char in NARROW:
        return NARROW_ADVANCE
    return ADVANCE


def text_width(text):
    """Pixels `text` lights from its first to its last column: the advances minus the last gap."""
    if not text:
        return 0
    total = 0
    for char in text:
        total += advance(char)
    return total - 1


def _round_half_up(x):
    """Nearest integer to a non-negative float, halves rounded up (the same on every port)."""
    return math.floor(x + 0.5)


def _scale(value, power):
    """value * 10**power, dividing for negative powers so that only one rounding is added.

    Float powers of ten, not ints: 10**30 would need long ints, which a board may lack.
    """
    if power >= 0:
        return value * 10.0**power
    return value / 10.0**-power


def _decimal_exponent(value):
    """Estimate of floor(log10(value)) for value > 0; may be off by one next to a power of 10."""
    return math.floor(math.log(value) / _LN10)


def _digits(value, sig):
    """(n, p) with n = round(value * 10**p) holding exactly `sig` digits, or None if out of range.

    The rounded digits n times 10**-p is value to `sig` significant figures. A rounding carry
    (9.96 -> 10.0) or a log estimate that is one off is corrected by moving p by one.
    """
    p = sig - 1 - _decimal_exponent(value)
    if p > _MAX_EXPONENT or p < -_MAX_EXPONENT:
        return None
    n = _round_half_up(_scale(value, p))
    if n >= 10**sig:
        p -= 1
        n = _round_half_up(_scale(value, p))
    elif n < 10 ** (sig - 1):
        p += 1
        n = _round_half_up(_scale(value, p))
    return n, p


def _decimal_text(n, decimals):
    """The number n * 10**-decimals written with `decimals` decimals and no leading zero."""
    text = str(n)
    if decimals <= 0:
        return text
    if len(text) <= decimals:
        return "." + "0" * (decimals - len(text)) + text
    return text[:-decimals] + "." + text[-decimals:]


def _fixed(value, sig, max_width):
    """Plain form with `sig` significant digits (".0123", "1.23", "123"), or None if too wide.

    A value with more integer digits than `sig` is written as its rounded integer ("1234"), never
    with made-up trailing zeros.
    """
    found = _digits(value, sig)
    if found is None:
        return None
    n, p = found
    if p < 0:
        # Show the whole rounded integer if its digits fit; test before building it, so a huge
        # value never becomes a long int.
        if value + 0.5 >= 10.0 ** ((max_width + 1) // 4):
            return None
        n, p = _round_half_up(value), 0
    text = _decimal_text(n, p)
    return text if text_width(text) <= max_width else None


def _scientific(value, sig, max_width):
    """Integer-mantissa form with `sig` digits ("5e-4", "12e-5", "12e3"), or None if too wide."""
    found = _digits(value, sig)
    if found is None:
        return None
    n, p = found
    text = str(n) + "e" + str(-p)
    return text if text_width(text) <= max_width else None


def _finest_fixed(value, max_width):
    """Plain form with as many decimals as fit (".0000" for a value too small to show a digit)."""
    decimals = (max_width - 1) // 4  # "." is 2 px, each digit 4 px, minus the last gap
    if value >= 1 or decimals < 1:
        return None
    text = _decimal_text(_round_half_up(_scale(value, decimals)), decimals)
    return text if text_width(text) <= max_width else None


def format_loss(value, max_width=17, digits=DIGITS):
    """The most precise honest text for a non-negative loss that lights at most max_width px.

    Rules, in order:
    - None, NaN, infinity or a negative value -> "--" (no claim); exactly 0 -> "0".
    - Otherwise, for sig = digits, digits - 1, ..., 1, the first text that fits wins:
      the plain form with sig significant digits, then the scientific form with sig digits.
      Plain: no leading zero below 1 (".123", ".0123", ".0012"), "1.23", "12.3", "123"; a value
      with more integer digits than sig is its rounded integer ("1234").
      Scientific: integer mantissa, no "+" and no padding ("5e-4", "12e-5", "12e3").
      So at equal precision the plain form is preferred: 0.000123 -> ".0001" rather than "1e-4".
    - If not even one significant digit fits (e.g. 3e-7 at 13 px), the plain form with as many
      decimals as fit (".000"): still true to its last digit. "--" if nothing fits at all.
    Digits are always rounded half up from the value, never truncated, and a carry moves the
    exponent (9.6e-10 -> "1e-9"), so float(text) (with "0" put before a leading ".") is within
    half a unit of the last shown digit of the value.
    Widths are tiny5 pixels (`text_width`); at 17 px: 0.5 -> ".500", 0.0456 -> ".0456",
    0.00789 -> ".0079", 0.000123 -> ".0001", 3.2e-7 -> "3e-7", 1.5 -> "1.50", 250 -> "250".
    """
    if value is None or value != value or value - value != 0 or value < 0:
        return "--"  # value != value is NaN; inf - inf is NaN, so not 0
    if value == 0:
        return "0"
    for sig in range(digits, 0, -1):
        text = _fixed(value, sig, max_width)
        if text is None:
            text = _scientific(value, sig, max_width)
        if text is not None:
            return text
    text = _finest_fixed(value, max_width)
    return "--" if text is None else text
