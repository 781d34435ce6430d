"""The displayio scene: the network drawn once into one Bitmap and animated by its Palette.

The board's implementation of the scene that app.start draws on (its docstring is the
contract); the PC simulator runs this same class against its displayio stand-in.

Every node and link segment owns a palette index, so a frame only changes palette
colours (cheap, done in C) and never writes bitmap pixels (slow from Python). The
loss readout, the loss-curve view and the message overlay are separate layers.
"""

import bitmaptools
import displayio
from adafruit_display_text import bitmap_label
from micropython import const

READOUT_COLOUR = const(0x404040)  # dim grey, as the original: readable, never brighter than a pulse
CURVE_COLOUR = const(0xC08000)
BEST_COLOUR = const(0x303030)
MESSAGE_COLOUR = const(0xC0C0C0)
CURVE_TOP = const(1)
CURVE_BOTTOM = const(25)  # rows below stay free for the readout box


class Scene:
    """All layers of the picture on ``display`` (auto_refresh off: ``refresh`` shows a frame),
    text in the bitmap ``font``."""

    def __init__(self, display, font):
        self.display = display
        self.font = font
        self.width = display.width
        self.height = display.height
        self.palette = None

    def draw_network(self, layout):
        """Draw every element of ``layout`` in its palette index and show all layers."""
        # The layout is only read here: keeping it would pin its pixel lists in RAM for good.
        width, height, font = self.width, self.height, self.font
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

        box_x, box_y, _, _ = layout.readout_box
        self.readout = bitmap_label.Label(font, text=" ", color=READOUT_COLOUR)
        self.readout.anchor_point = (0, 0)
        self.readout.anchored_position = (box_x, box_y)

        self.message = bitmap_label.Label(font, text=" ", color=MESSAGE_COLOUR, line_spacing=1.2)
        self.message.anchor_point = (0, 0)
        self.message.anchored_position = (1, 1)
        self.message.hidden = True

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
        if self.readout.text != text:
            self.readout.text = text
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
            bitmaptools.draw_line(bitmap, 0, best_row, self.width - 1, best_row, 2)
        for k in range(1, n):
            bitmaptools.draw_line(bitmap, x0 + k - 1, self._rows[k - 1], x0 + k, self._rows[k], 1)
        bitmap[x0, self._rows[0]] = 1

    def show_message(self, text):
        """Cover the views with a short ASCII message; None takes it away."""
        if text is not None:
            self.message.text = text
        self.message.hidden = text is None
        self._update_layers()
