"""Straight lines into a bitmap, by render's own pure code (so every host draws the same).

The loss curve is a few dozen short segments once per batch: cheap enough in Python. One
routine for every host (the board's bitmaptools is C, the PC's is Blinka's, the browser has
none) means the simulator and the page preview the board's curve pixel for pixel.
"""


def draw_line(bitmap, x1, y1, x2, y2, value):
    """Set ``bitmap[x, y] = value`` along the line from (x1, y1) to (x2, y2), both ends
    included (Bresenham's integer steps: each pixel touches the one before)."""
    dx = abs(x2 - x1)
    sx = 1 if x1 < x2 else -1
    dy = -abs(y2 - y1)
    sy = 1 if y1 < y2 else -1
    error = dx + dy
    while True:
        bitmap[x1, y1] = value
        if x1 == x2 and y1 == y2:
            return
        twice = 2 * error
        if twice >= dy:
            error += dy
            x1 += sx
        if twice <= dx:
            error += dx
            y1 += sy
