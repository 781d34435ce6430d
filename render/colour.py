"""Brightness (0..1) to 0xRRGGBB for the RGB LED matrix, through precomputed tables.

Runs unchanged under CPython, MicroPython and CircuitPython. Two facts shape every table:

- LEDs are linear in PWM duty while eyes are not, so brightness goes through a gamma curve.
- The panel shows few levels: the framebuffer is RGB565 (5 bits red and blue, 6 green) and
  Protomatter keeps only the top `bit_depth` bits, so a channel below 256 >> bit_depth (or below
  the RGB565 step) is dark. Every table's first entry, the rest glow, is the dimmest colour with
  every channel of its hue still lit, so the network's shape always shows.

A frame only indexes a table (no arithmetic, no allocation): colours are built once here.
"""

from micropython import const

LINK_POSITIVE = (255, 0, 0)  # red: a positive weight
LINK_NEGATIVE = (0, 0, 255)  # true blue (the original's "blue" was green)
LINK_NEUTRAL = (170, 170, 170)  # grey-white, when weight colours are off
NODE_WHITE = (255, 180, 100)  # warm white for nodes

BRIGHTNESS_STEPS = const(64)
DEFAULT_GAMMA = 2.2
CHANNEL_BITS = (5, 6, 5)  # RGB565: bits kept for red, green, blue


def pack(red, green, blue):
    """0xRRGGBB from three 0..255 channels."""
    return (red << 16) | (green << 8) | blue


def channel_floor(channel_bits, bit_depth):
    """Smallest 8-bit value of a channel the panel shows as lit at this bit depth."""
    return max(256 >> bit_depth, 256 >> channel_bits)


def check_bit_depth(bit_depth):
    """Raise ValueError unless bit_depth is one Protomatter supports (1..6)."""
    if not 1 <= bit_depth <= 6:
        raise ValueError("bit_depth must be 1..6; got %r" % (bit_depth,))


def rest_scale(hue, bit_depth):
    """Fraction of `hue` for the rest glow: the smallest with every lit channel visible."""
    scale = 0.0
    for channel in range(3):
        if hue[channel]:
            floor = channel_floor(CHANNEL_BITS[channel], bit_depth)
            scale = max(scale, floor / hue[channel])
    return min(1.0, scale)


def brightness_table(hue, *, bit_depth=6, gamma=DEFAULT_GAMMA, steps=BRIGHTNESS_STEPS):
    """`steps` colours of `hue` from the rest glow (index 0) to full (index steps - 1).

    Entry k shows brightness b = k / (steps - 1) as hue * (rest + (1 - rest) * b ** gamma):
    scaling all channels together keeps the hue, and a channel the hue uses never drops below
    the panel's floor (at low bit depths that floor outweighs the hue).
    """
    check_bit_depth(bit_depth)
    if not gamma > 0:
        raise ValueError("gamma must be positive; got %r" % (gamma,))
    if steps < 2:
        raise ValueError("a brightness table needs at least 2 steps; got %r" % (steps,))
    rest = rest_scale(hue, bit_depth)
    floors = [channel_floor(CHANNEL_BITS[channel], bit_depth) for channel in range(3)]
    table = []
    for step in range(steps):
        level = rest + (1.0 - rest) * (step / (steps - 1)) ** gamma
        channels = [0, 0, 0]
        for channel in range(3):
            if hue[channel]:
                value = int(hue[channel] * level + 0.5)
                channels[channel] = min(255, max(floors[channel], value))
        table.append(pack(channels[0], channels[1], channels[2]))
    return table


def lookup(table, brightness):
    """The table's colour for a brightness, clamped to [0, 1]; NaN gives the rest glow."""
    if brightness >= 1.0:
        return table[-1]
    if brightness > 0.0:
        return table[int(brightness * (len(table) - 1) + 0.5)]
    return table[0]
