"""The web page's Python side, run by Node with no browser: MicroPython-WebAssembly (the page's
interpreter, pinned in web/package-lock.json) on the files make web builds.

nn trains there as on CPython; the page's displayio composes the frames the simulator shows,
sending the index map only when layers change; settings go through the app's own checks
with the board's settings.toml reader; checkpoints are kept and cleared as on the board.
"""

import json
from binascii import unhexlify

import pytest

from app import settings as app_settings
from app.autosave import fingerprint
from nn import checkpoint
from tests.settings_corpus import CORPUS, recorded
from tests.web_helpers import build_site, deterministic, harness, sim_frame
from tools.settings_toml import lookup, with_overrides
from tools.web import ROOT

# Short pulses: a live run in the harness (40 ms a frame) finishes batches quickly.
SHORT = {"PULSE_MS": "40", "BACKWARD_PULSE_MS": "80", "FAST_FORWARD_BATCHES": "2"}


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The page as make web builds it."""
    return build_site(tmp_path_factory.mktemp("web") / "site")


def live(overrides, frames, presses=(), nvm=None):
    """Harness options for a live run (the harness's clock moves 40 ms a frame)."""
    return {
        "options": {"overrides": overrides, "batches": None, "fps": 25},
        "frames": frames,
        "presses": [list(press) for press in presses],
        "nvm": nvm,
    }


TRAINING = """\
import nn
train_x, train_y, test_x, test_y = nn.problems.load("regression", seed=1)
net = nn.Network([2, 3, 3, 1], activation="sigmoid", seed=1)
trainer = nn.Trainer(net, train_x, train_y, test_x, test_y, batch_size=32)
while trainer.epoch < 30:
    trainer.train_batch()
"""


def test_nn_trains_in_the_pages_micropython_to_cpythons_losses(site):
    """30 epochs of the README's example give CPython's losses on the page's interpreter."""
    here = {}
    exec(TRAINING, here)
    trainer = here["trainer"]
    printed = "print(repr(trainer.best_loss), repr(trainer.test_loss), trainer.batches)\n"
    best, test, batches = harness(site, {"exec": TRAINING + printed})[-1].split()
    assert int(batches) == trainer.batches > 400
    assert float(best) == pytest.approx(trainer.best_loss, rel=1e-9)
    assert float(test) == pytest.approx(trainer.test_loss, rel=1e-9)


@pytest.mark.parametrize(("seed", "batches"), [(1, 3), (6, 20)])
def test_a_deterministic_run_ends_on_the_simulators_last_frame(site, tmp_path, seed, batches):
    """?seed=S&batches=N composes, pixel for pixel, what python -m sim --seed S --batches N
    writes with --png, and prints the same batch lines."""
    run = harness(site, {"options": deterministic(seed, batches)})
    assert run["done"]
    assert [line for line in run["lines"] if line.startswith("(")][-1:]
    assert sum(line.startswith("(") for line in run["lines"]) == batches
    expected = sim_frame(tmp_path, seed, batches)
    assert len(run["frame"]) == 64 * 32 * 3
    assert run["frame"] == expected
    assert sum(run["frame"]) > 0


def test_the_index_map_is_sent_when_layers_change_and_colours_every_frame(site):
    """Over a run of hundreds of frames the map goes to the page only when a layer changed
    (at most a few times a batch); every other frame carries palette entries alone."""
    run = harness(site, {"options": deterministic(2, 4)})
    assert run["frames"] > 200
    assert 1 <= run["map_updates"] <= 3 * 4 + 2
    assert run["palette_updates"] > run["frames"] // 2


def test_bad_settings_are_named_with_the_apps_own_words_and_defaults_used(site, tmp_path):
    """The query's settings go into the shipped settings.toml as the simulator writes them,
    and the app reports exactly what it reports on the board for that file."""
    overrides = {"PULSE_MS": "fast", "nn_layers": "2,4,1", "NN_ACTIVATION": "tanh"}
    run = harness(site, {"options": {"overrides": overrides, "batches": 1, "fps": 25}})
    text = with_overrides((ROOT / "settings.toml").read_bytes(), overrides)
    path = tmp_path / "settings.toml"
    path.write_bytes(text)
    config, problems = app_settings.read(lambda key: lookup(text, key), str(path))
    assert run["settings_toml"] == text.decode()
    assert run["problems"] == problems
    assert any(p.startswith("PULSE_MS: 'fast' is not a whole number") for p in problems)
    assert any(p.startswith("nn_layers: ") for p in problems)
    for problem in problems:
        assert "settings.toml: " + problem in run["lines"]
    assert run["lines"][len(problems)].startswith("nn-matrix: 2-3-3-1 tanh->sigmoid")
    assert "pulses %d/" % config["PULSE_MS"] in run["lines"][len(problems) + 1]
    keys = {entry["key"]: entry for entry in run["settings"]}
    assert list(keys) == [spec[0] for spec in app_settings.SPECS]
    assert keys["PULSE_MS"]["value"] == "fast"
    assert keys["PULSE_MS"]["shipped"] == lookup((ROOT / "settings.toml").read_bytes(), "PULSE_MS")
    assert keys["NN_ACTIVATION"]["choices"] == sorted(keys["NN_ACTIVATION"]["choices"])
    assert "tanh" in keys["NN_ACTIVATION"]["choices"]


def test_the_settings_reader_answers_as_the_board_on_the_pages_micropython(site):
    """tools.settings_toml on the page's interpreter gives the board's recorded answer for every
    key of every file of the settings corpus (a str comes back as its UTF-8 in hex: the
    console's text cannot carry a lone surrogate)."""
    cases = {name: [list(CORPUS[name]), sorted(answers)] for name, answers in recorded().items()}
    program = (
        "import json\n"
        "from binascii import hexlify\n"
        "from tools.settings_toml import lookup\n"
        "cases = json.loads(%r)\n"
        "for name in sorted(cases):\n"
        "    data, keys = cases[name]\n"
        "    data = bytes(data)\n"
        "    for key in keys:\n"
        "        try:\n"
        "            answer = lookup(data, key)\n"
        "        except UnicodeError:\n"
        "            answer = {'raises': 'UnicodeError'}\n"
        "        if isinstance(answer, str):\n"
        "            answer = {'utf8': hexlify(answer.encode()).decode()}\n"
        "        print(json.dumps([name, key, answer]))\n"
    ) % json.dumps(cases)
    answers = {}
    for line in harness(site, {"exec": program}):
        name, key, answer = json.loads(line)
        if isinstance(answer, dict) and "utf8" in answer:
            answer = unhexlify(answer["utf8"]).decode("utf-8", "surrogatepass")
        answers.setdefault(name, {})[key] = answer
    assert answers == recorded()


def test_a_live_run_keeps_its_checkpoint_and_the_next_one_resumes(site):
    """The first best loss is saved at once into the page's nvm, handed to the browser's
    storage; a page started with that storage resumes from it, as a power cycle does."""
    overrides = {**SHORT, "NN_SEED": "5"}
    first = harness(site, live(overrides, frames=400))
    assert sum(line.startswith("(") for line in first["lines"]) >= 2
    assert "starting fresh: no checkpoint" in first["lines"]
    assert first["nvm"] is not None and len(unhexlify(first["nvm"])) == 8192
    second = harness(site, live(overrides, frames=5, nvm=first["nvm"]))
    resumed = [line for line in second["lines"] if line.startswith("resumed from checkpoint")]
    assert resumed and "epoch 0, batch 0" not in resumed[0]


def test_both_buttons_held_two_seconds_restart_and_clear_the_checkpoint(site):
    """UP and DOWN held together 2.4 s (60 frames of 40 ms) restart the training and clear
    the checkpoint in the stored nvm, as the board's restart does."""
    overrides = {**SHORT, "NN_SEED": "5"}
    config, _ = app_settings.read(overrides.get)

    def stored_checkpoint(run):
        nvm = bytearray(unhexlify(run["nvm"]))
        return checkpoint.load(nvm, fingerprint(config), config["NN_LAYERS"])[0]

    before = harness(site, live(overrides, frames=299))
    assert stored_checkpoint(before) is not None  # there is one to clear
    presses = [(300, 0, True), (300, 1, True), (360, 0, False), (361, 1, False)]
    run = harness(site, live(overrides, frames=362, presses=presses))
    assert any(line.startswith("restart, seed") for line in run["lines"])
    assert stored_checkpoint(run) is None
