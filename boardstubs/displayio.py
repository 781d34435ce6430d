"""displayio's objects, holding about the heap the board's take: a Bitmap's pixel words and
a Palette's entries (8 bytes each); nothing is drawn, a Palette keeps its colours."""

from array import array


def release_displays():
    pass


class Bitmap:
    def __init__(self, width, height, value_count):
        self.width = width
        self.height = height
        bits = 1
        while (1 << bits) < value_count:  # 1, 2, 4, 8, 16 or 32 bits a pixel, as on the board
            bits *= 2
        self._words = bytearray(4 * ((width * bits + 31) // 32) * height)

    def __setitem__(self, index, value):
        pass

    def __getitem__(self, index):
        return 0

    def fill(self, value):
        pass


class Palette:
    # 8 bytes an entry as on the board: the 0xRRGGBB colour (what the display stand-in
    # reports) and room for the forms the board caches.
    def __init__(self, color_count, *, dither=False):
        self._entries = array("L", bytes(8 * color_count))
        self._count = color_count

    def __len__(self):
        return self._count

    def __setitem__(self, index, colour):
        self._entries[2 * index] = colour

    def __getitem__(self, index):
        return self._entries[2 * index]

    def make_transparent(self, index):
        pass

    def make_opaque(self, index):
        pass

    def is_transparent(self, index):
        return False


class TileGrid:
    def __init__(self, bitmap, *, pixel_shader, x=0, y=0, **tiles):
        self.bitmap = bitmap
        self.pixel_shader = pixel_shader
        self.x = x
        self.y = y
        self.hidden = False


class Group:
    def __init__(self, *, scale=1, x=0, y=0):
        self.scale = scale
        self.x = x
        self.y = y
        self.hidden = False
        self._layers = []

    def append(self, layer):
        self._layers.append(layer)

    def __len__(self):
        return len(self._layers)

    def __iter__(self):
        return iter(self._layers)

    def __getitem__(self, index):
        return self._layers[index]
