"""Watch a neural network learn, on an Adafruit Matrix Portal M4 and a 64x32 RGB matrix.

Device entry point: hardware wiring only. The network, data and training live in nn/,
the picture in render/, the application (settings, main loop, buttons, autosave) in
app/; settings come from settings.toml. The PC simulator (python -m sim) runs this very
file with stand-in hardware, and reads the running ``loop`` from its globals.
"""

import os

import board
import displayio
import keypad
import microcontroller
import supervisor
from adafruit_bitmap_font.bdf import BDF
from adafruit_matrixportal.matrix import Matrix

import app
from app import settings
from render.scene import Scene

config, problems = settings.read(os.getenv, "settings.toml")

# Higher bit depth = smoother fades but more of the CPU spent refreshing the panel.
matrix = Matrix(width=64, height=32, bit_depth=config["LED_BIT_DEPTH"])
display = matrix.display
display.auto_refresh = False  # the loop refreshes once per frame, after the palette changes

# Both buttons are active low with no external pull-up; keypad debounces them in C and
# queues presses even while a batch is training.
keys = keypad.Keys((board.BUTTON_UP, board.BUTTON_DOWN), value_when_pressed=False, pull=True)

# The BDF loader alone: bitmap_font.load_font would also compile the PCF, TTF and LVGL
# parsers (~27 KB of source) that this font never needs. The file stays open because
# glyphs are read from it when a text first needs them.
font = BDF(open("fonts/tiny5.bdf", "rb"), displayio.Bitmap)  # noqa: SIM115

# Checkpoints go to the 8 KB nvm: writable while CIRCUITPY is mounted on a computer.
scene = Scene(display, font)
loop = app.start(
    scene, keys.events, supervisor.ticks_ms, config, problems, storage=microcontroller.nvm
)
loop.run()
