"""The LED look: a panel frame drawn large, one round LED per pixel, black between them.

A 64x32 HUB75 panel is a grid of small round LEDs on black; scaling its pixels to squares
looks like a different device. ``led_image`` scales a panel-sized PIL image up by ``scale``
and paints everything outside a disc in each ``scale`` x ``scale`` cell black. The discs have
hard edges so no new colours appear (a GIF frame keeps the panel's exact colours).
"""

from functools import lru_cache

from PIL import Image

# Disc diameter as a share of the LED pitch: the panel's LEDs nearly touch.
LED_FILL = 0.75


@lru_cache(maxsize=8)
def gap_mask(width, height, scale):
    """A mode "1" image, width*scale x height*scale, set where no LED is (between discs)."""
    centre = scale / 2
    radius_squared = (scale * LED_FILL / 2) ** 2
    cell = Image.new("1", (scale, scale), 1)
    for y in range(scale):
        for x in range(scale):
            if (x + 0.5 - centre) ** 2 + (y + 0.5 - centre) ** 2 <= radius_squared:
                cell.putpixel((x, y), 0)
    mask = Image.new("1", (width * scale, height * scale))
    for y in range(height):
        for x in range(width):
            mask.paste(cell, (x * scale, y * scale))
    return mask


def led_image(image, scale):
    """A panel-sized ``image`` (mode "RGB", or "P" with black at index 0) as round LEDs."""
    width, height = image.size
    large = image.resize((width * scale, height * scale), Image.Resampling.NEAREST)
    black = 0 if large.mode == "P" else (0, 0, 0)
    large.paste(black, mask=gap_mask(width, height, scale))
    return large


def panel_image(rgb_bytes, width, height):
    """Bytes r, g, b per pixel (rows top to bottom) as a mode "RGB" PIL image."""
    return Image.frombytes("RGB", (width, height), rgb_bytes)
