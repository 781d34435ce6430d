"""The displayio scene: the network drawn once into one Bitmap and animated by its Palette.

The board's implementation of the scene that app.start draws on (its docstring is the
contract); the PC simulator and the web page run this same class against their displayio
stand-ins. It uses only Bitmap, Palette, TileGrid and Group: text and lines are drawn by
render's own pure code, so every host lights the same pixels.

Every node and link segment owns a palette index, so a frame only changes palette
colours (cheap, done in C) and never writes bitmap pixels (slow from Python). The
loss readout, the loss-curve view and the message overlay are separate layers.
"""

import displayio
from micropython import const

from .lines import draw_line

READOUT_COLOUR = const(0x404040)  # dim grey, as the original: readable, never brighter than a pulse
CURVE_COLOUR = const(0xC08000)
BEST_COLOUR = const(0x303030)
MESSAGE_COLOUR = const(0xC0C0C0)
CURVE_TOP = const(1)
CURVE_BOTTOM = const(25)  # rows below stay free for the readout box
MESSAGE_MARGIN = const(1)  # the message starts one pixel in from the top-left corner


def _text_layer(bitmap, colour, x, y):
    """A Group showing ``bitmap``'s index 1 in ``colour`` at (x, y), index 0 transparent."""
    palette = displayio.Palette(2)
    palette[1] = colour
    palette.make_transparent(0)
    layer = displayio.Group(x=x, y=y)
    layer.append(displayio.TileGrid(bitmap, pixel_shader=palette))
    return layer


class Scene:
    """All layers of the picture on ``display`` (auto_refresh off: ``refresh`` shows a frame),
    text in ``font`` (a render.text.Font)."""

    def __init__(self, display, font):
        self.display = display
        self.font = font
        self.width = display.width
        self.height = display.height
        self.palette = None

    def draw_network(self, layout):
        """Draw every element of ``layout`` in its palette index and show all layers."""
        # The layout is only read here: keeping it would pin its pixel lists in RAM for good.
        width, height = self.width, self.height
        self.palette = displayio.Palette(layout.palette_size)
        for index in range(layout.palette_size):
            self.palette[index] = 0
        self._shown = [0] * layout.palette_size
        bitmap = displayio.Bitmap(width, height, layout.palette_size)
        # Geometry is drawn once, pixel by pixel; frames only touch the palette.
        for index, pixels in layout.elements():
            for x, y in pixels:
                bitmap[x, y] = index
        self.network = displayio.Group()
        self.network.append(displayio.TileGrid(bitmap, pixel_shader=self.palette))

        self._curve_bitmap = displayio.Bitmap(width, height, 3)
        curve_palette = displayio.Palette(3)
        curve_palette[0] = 0
        curve_palette[1] = CURVE_COLOUR
        curve_palette[2] = BEST_COLOUR
        self.curve = displayio.Group()
        self.curve.append(displayio.TileGrid(self._curve_bitmap, pixel_shader=curve_palette))
        self.curve.hidden = True
        self._rows = [0] * width

        # Text layers: one bit a pixel, index 0 transparent so the views show around the glyphs.
        box_x, box_y, box_width, box_height = layout.readout_box
        self._readout_bitmap = displayio.Bitmap(box_width, box_height, 2)
        self.readout_text = None  # what the readout shows (when visible)
        self.readout = _text_layer(self._readout_bitmap, READOUT_COLOUR, box_x, box_y)
        self._message_bitmap = displayio.Bitmap(width, height, 2)
        self.message = _text_layer(self._message_bitmap, MESSAGE_COLOUR, 0, 0)
        self.message.hidden = True
        self.message_text = None  # the message covering the views, if any

        self._curve_view = False
        self.root = displayio.Group()
        for layer in (self.network, self.curve, self.readout, self.message):
            self.root.append(layer)
        self.display.root_group = self.root

    def show_colours(self, colours):
        """Write the palette entries that differ from what is shown (index 0 stays black)."""
        shown = self._shown
        palette = self.palette
        for index in range(1, len(colours)):
            colour = colours[index]
            if colour != shown[index]:
                palette[index] = colour
                shown[index] = colour

    def refresh(self):
        """Show the frame: palette and layer changes reach the panel together."""
        self.display.refresh()

    def set_readout(self, text, visible):
        """The readout's text (changed only when it differs) and whether it is shown."""
        if self.readout_text != text:
            self.readout_text = text
            self._readout_bitmap.fill(0)
            self.font.draw(self._readout_bitmap, text, 0, 0, 1)
        self.readout.hidden = not visible

    def show_curve(self, visible):
        """Switch between the network view and the loss-curve view."""
        self._curve_view = visible
        self._update_layers()

    def _update_layers(self):
        covered = not self.message.hidden
        self.curve.hidden = covered or not self._curve_view
        self.network.hidden = covered or self._curve_view

    def draw_curve(self, history, best):
        """Redraw the loss curve from a LossHistory (once per batch, not per frame)."""
        bitmap = self._curve_bitmap
        bitmap.fill(0)
        n = history.rows(CURVE_TOP, CURVE_BOTTOM, self._rows)
        if n == 0:
            return
        x0 = self.width - n
        best_row = None
        for k in range(n):
            if abs(history[k] - best) <= 1e-6 * best:  # history holds float32
                best_row = self._rows[k]
        if best_row is not None:
            draw_line(bitmap, 0, best_row, self.width - 1, best_row, 2)
        for k in range(1, n):
            draw_line(bitmap, x0 + k - 1, self._rows[k - 1], x0 + k, self._rows[k], 1)
        bitmap[x0, self._rows[0]] = 1

    def show_message(self, text):
        """Cover the views with a short ASCII message; None takes it away."""
        if text is not None:
            self._message_bitmap.fill(0)
            self.font.draw(self._message_bitmap, text, MESSAGE_MARGIN, MESSAGE_MARGIN, 1)
        self.message.hidden = text is None
        self.message_text = text
        self._update_layers()
