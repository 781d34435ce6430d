"""Shared helpers for the framebuffer tests: read the simulated panel, classify colours,
render reference text, and run the board's code.py in the simulator frame by frame."""

import io
from array import array

from render.layout import Layout
from sim.clock import VirtualClock
from sim.devices import install
from sim.presses import parse_presses
from sim.rgb565 import widen
from sim.runner import ROOT, Simulation, StopSimulation, read_settings

SIZES = (2, 3, 3, 1)
WIDTH = 64
HEIGHT = 32
BOX_X, BOX_Y, BOX_W, BOX_H = 47, 27, 17, 5
BOX = frozenset((x, y) for x in range(BOX_X, BOX_X + BOX_W) for y in range(BOX_Y, BOX_Y + BOX_H))
FONT_PATH = str(ROOT / "fonts" / "tiny5.bdf")


def load_font():
    """The readout font as code.py loads it (render.text)."""
    from render.text import Font

    with open(FONT_PATH) as bdf:
        return Font(bdf)


# Short pulses keep a simulated run to a few seconds of virtual time.
SHORT_RUN = {"PULSE_MS": 40, "BACKWARD_PULSE_MS": 80, "FAST_FORWARD_BATCHES": 2, "NN_SEED": 5}


def per_link(function):
    """[l][j][i] lists for SIZES, filled by function(l, j, i)."""
    return [
        [[function(l, j, i) for i in range(SIZES[l])] for j in range(SIZES[l + 1])]
        for l in range(len(SIZES) - 1)
    ]


def per_node(function):
    """[l][n] lists for SIZES, filled by function(l, n)."""
    return [[function(l, n) for n in range(SIZES[l])] for l in range(len(SIZES))]


# -- pixels -------------------------------------------------------------------------------


def rgb(value):
    """An RGB565 value as exact 8-bit (r, g, b)."""
    return widen(value >> 11, 5), widen((value >> 5) & 0x3F, 6), widen(value & 0x1F, 5)


def rgb_of_colour(colour):
    """A 0xRRGGBB colour as the panel's RGB565 shows it, in exact 8-bit (r, g, b)."""
    red, green, blue = colour >> 16, (colour >> 8) & 0xFF, colour & 0xFF
    return rgb(((red >> 3) << 11) | ((green >> 2) << 5) | (blue >> 3))


def hue(pixel):
    """What a person would call an (r, g, b) pixel: dark, red, blue, neutral, warm or other."""
    red, green, blue = pixel
    top = max(pixel)
    if top == 0:
        return "dark"
    if red and green <= red // 4 and blue <= red // 4:
        return "red"
    if blue and red <= blue // 4 and green <= blue // 8:
        return "blue"
    if red >= green >= blue > 0 and red > blue:
        return "warm"  # the nodes' warm white (RGB565 neutral greys keep red == blue)
    if top - min(pixel) <= max(8, top // 8):
        return "neutral"
    return "other"


class Picture:
    """One frame of the 64x32 panel: RGB565 values, row by row."""

    def __init__(self, pixels, width=WIDTH):
        self.pixels = array("H", pixels)
        self.width = width

    def __eq__(self, other):
        return self.pixels == other.pixels

    def __hash__(self):
        return hash(self.pixels.tobytes())

    def at(self, x, y):
        """(r, g, b) of one pixel."""
        return rgb(self.pixels[x + self.width * y])

    def lit(self):
        """{(x, y): RGB565} of every non-black pixel."""
        width = self.width
        return {(k % width, k // width): v for k, v in enumerate(self.pixels) if v}

    def region(self, pixels):
        """{(x, y): RGB565} of the lit pixels among ``pixels``."""
        return {(x, y): v for (x, y), v in self.lit().items() if (x, y) in pixels}

    def box(self):
        """The lit pixels inside the readout box."""
        return self.region(BOX)


def picture_of(matrix):
    """The matrix's framebuffer now, as a Picture."""
    return Picture(matrix.framebuffer, matrix.width)


# -- where the layout puts things ------------------------------------------------------------


def element_pixels(layout):
    """{palette index: [(x, y), ...]} for every node and link segment."""
    return dict(layout.elements())


def link_pixels(layout):
    """{(l, j, i): [(x, y), ...]}: the pixels of every link, all its segments."""
    pixels = element_pixels(layout)
    return {
        (l, j, i): [xy for index in layout.segment_index[l][j][i] for xy in pixels[index]]
        for l, j, i in layout.links
    }


def link_hues(picture, layout):
    """{(l, j, i): set of hues} of every link's pixels in one picture."""
    return {
        link: {hue(picture.at(x, y)) for x, y in pixels}
        for link, pixels in link_pixels(layout).items()
    }


def link_signs(picture, layout):
    """{(l, j, i): 1 red / -1 blue / None otherwise}, read off the pixels of each link."""
    signs = {}
    for link, hues in link_hues(picture, layout).items():
        signs[link] = {frozenset({"red"}): 1, frozenset({"blue"}): -1}.get(frozenset(hues))
    return signs


def weight_signs(weights, layout):
    """{(l, j, i): 1 / -1} of live weights."""
    return {(l, j, i): 1 if weights[l][j][i] > 0 else -1 for l, j, i in layout.links}


# -- reference text ----------------------------------------------------------------------------


def text_picture(text, position, *, colour, line_spacing=1.25):
    """A picture of just ``text`` in tiny5, anchored by its top-left corner at ``position``,
    drawn by adafruit_display_text on its own simulated panel (the expected glyph pixels)."""
    import displayio
    from adafruit_bitmap_font import bitmap_font
    from adafruit_display_text import bitmap_label

    with install(VirtualClock()) as board:
        from adafruit_matrixportal.matrix import Matrix  # needs the stand-ins installed

        display = Matrix(width=WIDTH, height=HEIGHT, bit_depth=5).display
        display.auto_refresh = False
        label = bitmap_label.Label(
            bitmap_font.load_font(FONT_PATH), text=text, color=colour, line_spacing=line_spacing
        )
        label.anchor_point = (0, 0)
        label.anchored_position = position
        group = displayio.Group()
        group.append(label)
        display.root_group = group
        display.refresh()
        return picture_of(board.matrix)


# -- code.py in the simulator ------------------------------------------------------------------


class Frame:
    """What one refresh showed and what the running program held at that moment."""

    def __init__(self, simulation, loop):
        self.t_ms = simulation.clock.now_ms
        self.batches = simulation.serial.batches
        self.lines = len(simulation.serial.lines)
        self.picture = picture_of(simulation.board.matrix)
        trainer = loop.trainer
        self.weights = [[list(row) for row in layer] for layer in trainer.network.weights]
        self.sample_in_batch = trainer.sample_in_batch
        self.paused = loop.paused
        self.curve_view = loop.curve_view
        self.message = loop.scene.message_text is not None
        self.readout = loop.scene.readout_text


class Run:
    """A finished simulation: console ``lines``, every ``frames`` entry, the ``loop``."""

    def __init__(self, lines, frames, loop, simulation):
        self.lines = lines
        self.frames = frames
        self.loop = loop
        self.simulation = simulation

    def batch_lines(self):
        """The per-batch plotter lines, parsed as tuples of floats."""
        return [parse_tuple(line) for line in self.lines if line.startswith("(")]

    def between(self, start_ms, end_ms):
        """Frames shown from start_ms up to (not including) end_ms."""
        return [f for f in self.frames if start_ms <= f.t_ms < end_ms]

    def at(self, t_ms):
        """The first frame shown at or after t_ms."""
        return next(f for f in self.frames if f.t_ms >= t_ms)


def parse_tuple(line):
    """ "(a, b, c)" as a tuple of floats (raises ValueError otherwise)."""
    if not (line.startswith("(") and line.endswith(")")):
        raise ValueError("not a tuple line: %r" % line)
    return tuple(float(part) for part in line[1:-1].split(","))


def run_code(
    *,
    overrides=None,
    settings=ROOT / "settings.toml",
    presses="",
    until_ms=None,
    batches=None,
    fps=100,
    nvm_path=None,
    watch=None,
    keep_frames=True,
):
    """Run code.py, unmodified, in the simulator with ``settings`` (the shipped settings.toml)
    plus SHORT_RUN and ``overrides``; record a Frame per refresh until ``until_ms`` of virtual
    time (or ``batches``). The Loop code.py builds is the simulation's ``loop``.

    ``nvm_path`` keeps microcontroller.nvm in that file; ``watch(simulation, loop)`` is
    called after every refresh; ``keep_frames=False`` records no Frames (long runs)."""
    settings = read_settings(settings, {**SHORT_RUN, **(overrides or {})})
    frames = []

    def on_frame(simulation):
        if keep_frames:
            frames.append(Frame(simulation, simulation.loop))
        if watch is not None:
            watch(simulation, simulation.loop)
        if until_ms is not None and simulation.clock.now_ms >= until_ms:
            raise StopSimulation

    simulation = Simulation(
        settings,
        batches=batches,
        fps=fps,
        key_script=parse_presses(presses) if presses else (),
        on_frame=on_frame,
        nvm_path=nvm_path,
    )
    serial = simulation.run(stdout=io.StringIO())
    return Run(list(serial.lines), frames, simulation.loop, simulation)


def layout():
    """The layout code.py builds for the default 2-3-3-1 network."""
    return Layout(SIZES, width=WIDTH, height=HEIGHT)
