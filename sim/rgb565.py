"""RGB565 pixels as a screen shows them: exact 8-bit expansion, and the LED panel's view.

The framebuffer behind the matrix holds RGB565. ``expand_rgb888`` widens each channel exactly
(the top bits repeated into the new low bits, so 0 -> 0 and full -> 255). ``panel_rgb888``
shows what the LEDs emit instead: Protomatter keeps only the top ``bit_depth`` bits of each
channel (at 6 bits red and blue are widened from 5 to 6 bits by repeating their top bit), the
LED's light is linear in that level, and the level is written sRGB-encoded so a monitor shows
the same relative brightness (a level of 1 of 15 glows visibly on the panel; as a raw
17/255 it would look almost black on screen).
"""

RED_BITS = 5
GREEN_BITS = 6
BLUE_BITS = 5


def widen(value, bits):
    """A ``bits``-wide channel value as 8 bits, top bits repeated into the low bits."""
    value <<= 8 - bits
    while bits < 8:
        value |= value >> bits
        bits *= 2
    return value & 0xFF


def panel_level(value, bits, bit_depth):
    """The PWM level (0 .. 2**bit_depth - 1) Protomatter drives for a ``bits``-wide channel."""
    if bit_depth == 6 and bits == 5:
        return (value << 1) | (value >> 4)
    return value >> (bits - bit_depth)


def srgb_encode(linear):
    """A linear light fraction 0..1 as an sRGB byte (IEC 61966-2-1 transfer curve)."""
    if linear <= 0.0031308:
        encoded = 12.92 * linear
    else:
        encoded = 1.055 * linear ** (1 / 2.4) - 0.055
    return round(encoded * 255)


def _channel_tables(convert):
    """Lookup tables (red, green, blue) from each channel's RGB565 bits to one output byte."""
    return tuple(
        bytes(convert(value, bits) for value in range(1 << bits))
        for bits in (RED_BITS, GREEN_BITS, BLUE_BITS)
    )


def _panel_converter(bit_depth):
    """A channel converter: RGB565 channel value -> sRGB byte of the LED level it lights."""
    top = (1 << bit_depth) - 1

    def convert(value, bits):
        return srgb_encode(panel_level(value, bits, bit_depth) / top)

    return convert


_EXACT_TABLES = _channel_tables(widen)
_PANEL_TABLES = {}


def _expand(pixels, tables):
    """Bytes r, g, b per pixel for a sequence of RGB565 values, through channel tables."""
    red, green, blue = tables
    out = bytearray(3 * len(pixels))
    index = 0
    for pixel in pixels:
        out[index] = red[pixel >> 11]
        out[index + 1] = green[(pixel >> 5) & 0x3F]
        out[index + 2] = blue[pixel & 0x1F]
        index += 3
    return bytes(out)


def rgb565_to_rgb888(pixel):
    """One RGB565 value as an exact (r, g, b) tuple of bytes."""
    red, green, blue = _EXACT_TABLES
    return red[pixel >> 11], green[(pixel >> 5) & 0x3F], blue[pixel & 0x1F]


def rgb888_to_rgb565(red, green, blue):
    """The RGB565 value displayio stores for an 8-bit colour (each channel truncated)."""
    return (red >> 3) << 11 | (green >> 2) << 5 | blue >> 3


def expand_rgb888(pixels):
    """RGB565 values expanded exactly to 8 bits a channel, as bytes r, g, b per pixel."""
    return _expand(pixels, _EXACT_TABLES)


def panel_rgb888(pixels, bit_depth):
    """RGB565 values as the panel shows them at ``bit_depth`` (1..6), bytes r, g, b a pixel."""
    if not 1 <= bit_depth <= 6:
        raise ValueError("bit_depth must be 1 to 6, not %r" % (bit_depth,))
    tables = _PANEL_TABLES.get(bit_depth)
    if tables is None:
        tables = _PANEL_TABLES[bit_depth] = _channel_tables(_panel_converter(bit_depth))
    return _expand(pixels, tables)
