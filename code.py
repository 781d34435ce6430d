"""Watch a neural network learn, on an Adafruit Matrix Portal M4 and a 64x32 RGB matrix.

Device entry point: hardware wiring only. The network, data and training live in nn/,
the picture in render/, the application (settings, main loop, buttons, autosave) in
app/; settings come from settings.toml. The PC simulator (python -m sim) runs this very
file with stand-in hardware, and reads the running ``loop`` from its globals.
"""

import os

import board
import keypad
import microcontroller
import supervisor
from adafruit_matrixportal.matrix import Matrix

import app
from app import memory, settings
from render.scene import Scene
from render.text import Font

config, problems = settings.read(os.getenv, "settings.toml")
del settings  # read once: its code goes back to the heap (app.memory)
memory.release(memory.SETTINGS_MODULES)

# Higher bit depth = smoother fades but more of the CPU spent refreshing the panel.
matrix = Matrix(width=64, height=32, bit_depth=config["LED_BIT_DEPTH"])
display = matrix.display
display.auto_refresh = False  # the loop refreshes once per frame, after the palette changes

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
