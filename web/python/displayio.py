"""displayio for the web page: Bitmap, Palette, TileGrid, Group and the page's panel display.

The board's displayio draws the visible layers into the panel's framebuffer at every
refresh. Here ``PanelDisplay`` composes them into one index map (which entry of one page
palette each pixel shows) and that palette (every layer's palette side by side, entry 0 the
black behind all layers), and hands the browser only what changed since the last refresh:
the rectangle of the index map whose layers moved, appeared, vanished or got new pixels,
and the palette entries written meanwhile. A frame that only animates colours sends a few
palette entries and no map. The browser turns them into the panel's pixels (web/engine.mjs).

Only what render.scene uses is here: Groups at scale 1, a TileGrid showing its whole Bitmap,
colours as 0xRRGGBB ints.
"""

from array import array
from binascii import hexlify


class Bitmap:
    """``width`` x ``height`` pixels, each a value below ``value_count``."""

    def __init__(self, width, height, value_count):
        if not 1 <= value_count <= 65536:
            raise ValueError("value_count must be 1 to 65536")
        self.width = width
        self.height = height
        self._values = array("H", [0] * (width * height))
        self._count = value_count
        self.changed = True  # pixels written since the display last composed them

    def _at(self, index):
        if isinstance(index, tuple):
            x, y = index
            if not (0 <= x < self.width and 0 <= y < self.height):
                raise IndexError("pixel coordinates out of bounds")
            return x + self.width * y
        return index

    def __getitem__(self, index):
        return self._values[self._at(index)]

    def __setitem__(self, index, value):
        if not 0 <= value < self._count:
            raise ValueError("value out of range for this bitmap")
        self._values[self._at(index)] = value
        self.changed = True

    def fill(self, value):
        """Set every pixel to ``value``."""
        if not 0 <= value < self._count:
            raise ValueError("value out of range for this bitmap")
        values = self._values
        for index in range(len(values)):
            values[index] = value
        self.changed = True


class Palette:
    """``color_count`` colours (0xRRGGBB, black at first), any of them transparent."""

    def __init__(self, color_count, *, dither=False):
        self._colours = [0] * color_count
        self.opaque = bytearray(b"\x01" * color_count)
        self.written = []  # indexes whose colour changed since the display last sent them
        self.transparency = 0  # counts changes of which entries are transparent

    def __len__(self):
        return len(self._colours)

    def __getitem__(self, index):
        return self._colours[index]

    def __setitem__(self, index, colour):
        colour = int(colour)
        if not 0 <= colour <= 0xFFFFFF:
            raise ValueError("colour must be 0xRRGGBB")
        if self._colours[index] != colour:  # the board ignores a write of the same colour
            self._colours[index] = colour
            self.written.append(index)

    def make_transparent(self, index):
        """Let the layers below show through wherever this entry is drawn."""
        if self.opaque[index]:
            self.opaque[index] = 0
            self.transparency += 1

    def make_opaque(self, index):
        """Draw this entry's colour again."""
        if not self.opaque[index]:
            self.opaque[index] = 1
            self.transparency += 1

    def is_transparent(self, index):
        """Whether the entry lets the layers below show through."""
        return not self.opaque[index]


class TileGrid:
    """Shows ``bitmap`` through ``pixel_shader`` (a Palette) with its top-left at (x, y)."""

    def __init__(self, bitmap, *, pixel_shader, x=0, y=0):
        self.bitmap = bitmap
        self.pixel_shader = pixel_shader
        self.x = x
        self.y = y
        self.hidden = False


class Group:
    """Layers drawn in order, the last on top, moved by (x, y); ``hidden`` hides them all."""

    def __init__(self, *, scale=1, x=0, y=0):
        if scale != 1:
            raise ValueError("the page's displayio draws groups at scale 1 only")
        self.x = x
        self.y = y
        self.hidden = False
        self._layers = []

    def append(self, layer):
        """Put ``layer`` (a Group or TileGrid) on top."""
        self._layers.append(layer)

    def __len__(self):
        return len(self._layers)

    def __getitem__(self, index):
        return self._layers[index]

    def __iter__(self):
        return iter(self._layers)


def _placed(group, x, y, shown, out):
    """Append (tilegrid, x, y, shown) for every TileGrid under ``group``, bottom first."""
    x += group.x
    y += group.y
    shown = shown and not group.hidden
    for layer in group:
        if isinstance(layer, Group):
            _placed(layer, x, y, shown, out)
        else:
            out.append((layer, x + layer.x, y + layer.y, shown and not layer.hidden))
    return out


class PanelDisplay:
    """The panel as the page shows it: ``refresh()`` sends the changes to ``show``.

    ``show(x, y, w, h, cells, entries)``: the index map's new rectangle (``w`` 0 when none),
    row by row as little-endian 16-bit hex, and the written palette entries as little-endian
    32-bit hex pairs (page index, 0xRRGGBB). ``on_refresh(display)``, if given, runs after
    every refresh (the page's clock for a deterministic run).
    """

    def __init__(self, width, height, show, on_refresh=None):
        self.width = width
        self.height = height
        self.root_group = None
        self.auto_refresh = False
        self._show = show
        self._on_refresh = on_refresh
        self._map = array("H", [0] * (width * height))
        self._root = None
        self._placed = []  # (tilegrid, x, y, shown, transparency) as last composed
        self._palettes = []  # the palettes shown, in page palette order
        self._offsets = {}  # id(palette) -> its first page palette index

    def refresh(self, *, target_frames_per_second=None, minimum_frames_per_second=0):
        """Show the current layers and colours."""
        placed = [] if self.root_group is None else _placed(self.root_group, 0, 0, True, [])
        area = self._changed_area(placed)
        if self._place_palettes(placed):
            area = (0, 0, self.width, self.height)
        entries = array("I")
        for palette in self._palettes:
            offset = self._offsets[id(palette)]
            for index in palette.written:
                entries.append(offset + index)
                entries.append(palette[index])
            palette.written = []
        if area is None:
            self._show(0, 0, 0, 0, "", hexlify(entries).decode())
        else:
            x0, y0, x1, y1 = area
            cells = hexlify(self._compose(placed, x0, y0, x1, y1)).decode()
            self._show(x0, y0, x1 - x0, y1 - y0, cells, hexlify(entries).decode())
        if self._on_refresh is not None:
            self._on_refresh(self)

    def _place_palettes(self, placed):
        """Give every palette shown its page offset; True when they changed (all are then
        sent whole)."""
        palettes = []
        for grid, _x, _y, _shown in placed:
            if grid.pixel_shader not in palettes:
                palettes.append(grid.pixel_shader)
        if [id(p) for p in palettes] == [id(p) for p in self._palettes]:
            return False
        self._palettes = palettes
        self._offsets = {}
        offset = 1  # entry 0: the black behind every layer
        for palette in palettes:
            self._offsets[id(palette)] = offset
            palette.written = list(range(len(palette)))
            offset += len(palette)
        return True

    def _changed_area(self, placed):
        """(x0, y0, x1, y1) of the pixels to compose again, or None; notes what is shown."""
        now = [(grid, x, y, shown, grid.pixel_shader.transparency) for grid, x, y, shown in placed]
        before = self._placed
        self._placed = now
        if self.root_group is not self._root or len(now) != len(before):
            self._root = self.root_group
            for grid, _x, _y, _shown, _t in now:
                grid.bitmap.changed = False
            return 0, 0, self.width, self.height
        area = None
        for new, old in zip(now, before):
            grid, x, y, shown, transparency = new
            bitmap = grid.bitmap
            if grid is not old[0]:
                area = (0, 0, self.width, self.height)
            elif (x, y, shown) != old[1:4]:
                area = _union(area, old[1], old[2], bitmap)
                area = _union(area, x, y, bitmap)
            elif shown and (bitmap.changed or transparency != old[4]):
                area = _union(area, x, y, bitmap)
            bitmap.changed = False
        if area is None:
            return None
        x0, y0, x1, y1 = area
        x0, y0 = max(0, x0), max(0, y0)
        x1, y1 = min(self.width, x1), min(self.height, y1)
        return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else None

    def _compose(self, placed, x0, y0, x1, y1):
        """The page indexes of the rectangle's pixels, row by row (and kept in the map)."""
        width = self.width
        cells = self._map
        for y in range(y0, y1):
            for x in range(x0 + width * y, x1 + width * y):
                cells[x] = 0
        for grid, gx, gy, shown in placed:
            if not shown:
                continue
            bitmap = grid.bitmap
            values = bitmap._values
            opaque = grid.pixel_shader.opaque
            offset = self._offsets[id(grid.pixel_shader)]
            left, right = max(x0, gx), min(x1, gx + bitmap.width)
            for y in range(max(y0, gy), min(y1, gy + bitmap.height)):
                row = bitmap.width * (y - gy) - gx
                for x in range(left, right):
                    value = values[row + x]
                    if opaque[value]:
                        cells[x + width * y] = offset + value
        rect = array("H")
        for y in range(y0, y1):
            rect.extend(cells[x0 + width * y : x1 + width * y])
        return rect


def _union(area, x, y, bitmap):
    """``area`` grown to hold ``bitmap`` placed at (x, y)."""
    x1, y1 = x + bitmap.width, y + bitmap.height
    if area is None:
        return x, y, x1, y1
    return min(area[0], x), min(area[1], y), max(area[2], x1), max(area[3], y1)
