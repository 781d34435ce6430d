"""Text in a small BDF bitmap font (the project's fonts/tiny5.bdf), drawn by render itself.

Pure Python: the font is read once into one bytearray (about 7 bytes a glyph) and text is
drawn into anything indexed as ``bitmap[x, y] = value`` with ``width`` and ``height`` (a
displayio.Bitmap on the board and in the simulator, the page's stand-in in a browser), so
every host lights the same pixels. It replaces adafruit_display_text and
adafruit_bitmap_font, whose code took about 20 KB of the board's heap for two short labels.
"""

from micropython import const

_FIRST = const(32)  # glyphs are kept for printable ASCII only: all that on-screen text uses
_LAST = const(126)
_ROWS = const(5)  # cell height this reader keeps (tiny5's ascent + descent)
_STRIDE = const(7)  # bytes a glyph: width, advance, then one bit mask a row (bit 7 = left)


class Font:
    """The glyphs of a BDF font file whose cells are at most 8 px wide and 5 px tall."""

    def __init__(self, lines):
        """Read the font from an iterable of text lines (an open file, say)."""
        self._glyphs = bytearray(_STRIDE * (_LAST - _FIRST + 1))
        self._known = bytearray(_LAST - _FIRST + 1)
        ascent = _ROWS
        default = ord("?")
        code = advance = box = None
        rows = None
        for line in lines:
            word, _, rest = line.strip().partition(" ")
            if rows is not None:
                if word == "ENDCHAR":
                    self._store(code, advance, box, rows, ascent)
                    rows = None
                else:
                    rows.append(int(word, 16))
            elif word == "ENCODING":
                code = int(rest)
            elif word == "DWIDTH":
                advance = int(rest.split()[0])
            elif word == "BBX":
                box = [int(part) for part in rest.split()]
            elif word == "BITMAP":
                rows = []
            elif word == "FONT_ASCENT":
                ascent = int(rest)
            elif word == "DEFAULT_CHAR":
                default = int(rest)
        if not _FIRST <= default <= _LAST or not self._known[default - _FIRST]:
            raise ValueError("font has no default glyph %d" % default)
        self._default = default

    def _store(self, code, advance, box, rows, ascent):
        if code is None or not _FIRST <= code <= _LAST:
            return
        width, height, x_offset, y_offset = box
        top = ascent - y_offset - height  # BDF rows count down from the glyph's top
        if width + x_offset > 8 or top < 0 or top + height > _ROWS or x_offset < 0:
            raise ValueError("glyph %d does not fit an 8x%d cell" % (code, _ROWS))
        # BDF pads each row to whole bytes, left-aligned: keep the first byte of each row.
        shift = 8 * ((width + 7) // 8 - 1)
        at = (code - _FIRST) * _STRIDE
        glyphs = self._glyphs
        glyphs[at] = width + x_offset
        glyphs[at + 1] = advance
        for r in range(height):
            glyphs[at + 2 + top + r] = (rows[r] >> shift) >> x_offset
        self._known[code - _FIRST] = 1

    def _at(self, char):
        code = ord(char)
        if not _FIRST <= code <= _LAST or not self._known[code - _FIRST]:
            code = self._default
        return (code - _FIRST) * _STRIDE

    def advance(self, char):
        """Pixels the pen moves after ``char``."""
        return self._glyphs[self._at(char) + 1]

    def draw(self, bitmap, text, x, y, value, line_height=6):
        """Set ``bitmap[px, py] = value`` for every lit pixel of ``text`` with its top-left at
        (x, y), a new line every ``line_height`` rows; pixels outside the bitmap are skipped."""
        glyphs = self._glyphs
        width, height = bitmap.width, bitmap.height
        pen = x
        for char in text:
            if char == "\n":
                pen = x
                y += line_height
                continue
            at = self._at(char)
            for r in range(_ROWS):
                mask = glyphs[at + 2 + r]
                py = y + r
                if not mask or not 0 <= py < height:
                    continue
                for c in range(glyphs[at]):
                    if mask & (0x80 >> c) and 0 <= pen + c < width:
                        bitmap[pen + c, py] = value
            pen += glyphs[at + 1]
