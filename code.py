"""Watch a neural network learn, on an Adafruit Matrix Portal M4 and a 64x32 RGB matrix.

Device entry point: hardware wiring only. The network, data and training live in nn/,
the picture in render/, the application (settings, main loop, buttons, autosave) in
app/; settings come from settings.toml. The PC simulator (python -m sim) runs this very
file with stand-in hardware, and reads the running ``loop`` from its globals.
"""

import os

import board
import displayio
import framebufferio
import keypad
import microcontroller
import rgbmatrix
import supervisor

import app
from app import memory, settings
from render.scene import Scene
from render.text import Font

config, problems = settings.read(os.getenv, "settings.toml")
del settings  # read once: its code goes back to the heap (app.memory)
memory.release(memory.SETTINGS_MODULES)

# The panel on the Matrix Portal M4's own pins, as adafruit_matrixportal's Matrix wires it,
# but without importing that library (about 3 KB of heap). Releasing first frees the pins
# a display kept from before a reload. Higher bit depth = smoother fades but more of the
# CPU spent refreshing the panel.
displayio.release_displays()
matrix = rgbmatrix.RGBMatrix(
    width=64,
    height=32,
    bit_depth=config["LED_BIT_DEPTH"],
    rgb_pins=(board.MTX_R1, board.MTX_G1, board.MTX_B1, board.MTX_R2, board.MTX_G2, board.MTX_B2),
    addr_pins=(board.MTX_ADDRA, board.MTX_ADDRB, board.MTX_ADDRC, board.MTX_ADDRD),
    clock_pin=board.MTX_CLK,
    latch_pin=board.MTX_LAT,
    output_enable_pin=board.MTX_OE,
)
# The loop refreshes once per frame, after the palette changes.
display = framebufferio.FramebufferDisplay(matrix, auto_refresh=False)

# Both buttons are active low with no external pull-up; keypad debounces them in C and
# queues presses even while a batch is training.
keys = keypad.Keys((board.BUTTON_UP, board.BUTTON_DOWN), value_when_pressed=False, pull=True)

with open("fonts/tiny5.bdf") as bdf:
    font = Font(bdf)

# Checkpoints go to the 8 KB nvm: writable while CIRCUITPY is mounted on a computer.
scene = Scene(display, font)
loop = app.start(
    scene, keys.events, supervisor.ticks_ms, config, problems, storage=microcontroller.nvm
)
loop.run()
