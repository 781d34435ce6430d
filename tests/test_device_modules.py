"""Device truth for the app's pure logic beyond nn and the frame composer (tested in their
own files). mpy-cross parses every device file in tests/test_bundle.py."""

import sysconfig

from tests.device import run_micropython


def test_settings_buttons_curve_and_keeper_run_under_micropython(tmp_path):
    """Settings validation, button gestures (with adafruit_ticks), the loss curve and the
    checkpoint keeper work on a real MicroPython with a small heap."""
    site = sysconfig.get_paths()["purelib"]  # adafruit_ticks, as the bundle ships it
    toml = tmp_path / "settings.toml"
    toml.write_text('NN_LAYER = "2,4,1"\nNN_BATCH_SIZE = 16\n')
    script = """
import sys
sys.path.append(%r)
from render import settings, gestures, curve, keeper
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
k = keeper.Keeper(nvm, config, log=print)
from render import model
trainer = model.build(config, 3)
k.seed = 3
trainer.train_batch()
k.maybe_save(trainer, 0)
state, reason = k.find()
print(state.batches, state.seed, reason)
""" % (site, str(toml))
    result = run_micropython(script, heap="192K")
    assert result.returncode == 0, result.stderr + result.stdout
    lines = result.stdout.split("\n")
    assert lines[0] == "16 300 2"
    assert lines[1] == "NN_LAYER PULSE_MS"
    assert lines[2] == "None toggle_pause None toggle_colours"
    assert lines[3] == "[0, 10, 20]"
    assert lines[4] == "1 3 None"
