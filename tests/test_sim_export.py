"""python -m sim --export: the state after exactly --batches batches, a recovery from
divergence in the last of them included, written as strict JSON."""

import json
import math
import re

import pytest

import nn
from sim.weights import export_weights
from tests.test_sim_cli import simulator

FIELDS = ("weights", "biases", "epoch", "batches", "best_loss", "test_loss", "learning_rate")


def strict_json(path):
    """The file parsed as strict JSON: NaN, Infinity and -Infinity are refused."""

    def refuse(constant):
        raise ValueError("%s is not JSON" % constant)

    return json.loads(path.read_text(), parse_constant=refuse)


def trainer_state(trainer):
    """What the export must hold, read off a live Trainer."""
    return {
        "weights": trainer.network.weights,
        "biases": trainer.network.biases,
        "epoch": trainer.epoch,
        "batches": trainer.batches,
        "best_loss": trainer.best_loss,
        "test_loss": trainer.test_loss,
        "learning_rate": trainer.learning_rate,
    }


def export_run(tmp_path, settings, batches):
    """Run the simulator CLI with ``settings`` (text) for ``batches``; (console lines, the
    exported JSON)."""
    (tmp_path / "run.toml").write_text(settings)
    export = tmp_path / "weights.json"
    result = simulator(
        "--settings", "run.toml", "--batches", str(batches), "--gif", "", "--png", "",
        "--export", str(export), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines(), strict_json(export)


@pytest.mark.parametrize("batches", [1, 3, 17])
def test_the_export_holds_the_network_after_exactly_the_batches_asked_for(tmp_path, batches):
    """--batches N --export: the weights, biases and progress equal those of nn trained
    directly for N batches with the same seed and settings, though the run goes on
    animating the last batch (and may train into the next) before it ends. 17 batches are
    a whole epoch: the test loss is measured again there."""
    lines, state = export_run(tmp_path, "NN_SEED = 3\n", batches)
    assert sum(line.startswith("(") for line in lines) == batches
    train_x, train_y, test_x, test_y = nn.problems.load("regression", 3)
    network = nn.Network([2, 3, 3, 1], activation="sigmoid", output_activation="sigmoid")
    trainer = nn.Trainer(network, train_x, train_y, test_x, test_y, batch_size=32)
    for _ in range(batches):
        trainer.train_batch()
    assert {key: state[key] for key in FIELDS} == trainer_state(trainer)
    assert state["run_batches"] == batches
    assert state["non_finite"] == {}


class HeadlessScene:
    """A scene that shows nothing: the app's Loop driven without any display."""

    width = 64
    height = 32

    def draw_network(self, layout):
        pass

    def __getattr__(self, name):
        return lambda *args: None


class NoButtons:
    def get(self):
        return None


def app_after(settings_text, batches, fresh_seeds, monkeypatch):
    """The app's own Loop, stepped without the simulator until ``batches`` batch lines are
    logged: (its Trainer then, the console lines). A restart from fresh weights takes the next of
    ``fresh_seeds`` (the seeds the simulated run printed) instead of a random one."""
    import app
    from app import build, settings
    from tools.settings_toml import lookup

    data = settings_text.encode()
    config, problems = settings.read(lambda key: lookup(data, key))  # as the board reads it
    seeds = iter(fresh_seeds)
    monkeypatch.setattr(build, "fresh_seed", lambda: next(seeds))
    lines = []
    now = [0]

    def ticks_ms():
        now[0] += 40
        return now[0]

    erased = bytearray(b"\xff") * 8192  # as the simulator's nvm starts
    loop = app.start(
        HeadlessScene(), NoButtons(), ticks_ms, config, problems, storage=erased, log=lines.append
    )
    while sum(line.startswith("(") for line in lines) < batches:
        loop.step()
    return loop.trainer, lines


CHECKPOINT_CASE = (
    'NN_SEED = 4\nNN_LEARNING_RATE = "2"\n'
    'NN_ACTIVATION = "identity"\nNN_OUTPUT_ACTIVATION = "identity"\n'
)
FRESH_SEED = re.compile(r"restarted from fresh weights, seed (\d+)$")


@pytest.mark.parametrize(
    ("settings", "batches", "recovery"),
    [
        (CHECKPOINT_CASE, 3, "went back to the last checkpoint"),
        ('NN_SEED = 4\nNN_LEARNING_RATE = "1000000"\n', 2, "restarted from fresh weights"),
    ],
    ids=["back-to-checkpoint", "fresh-weights"],
)
def test_a_last_batch_that_diverges_exports_the_recovered_state(
    tmp_path, monkeypatch, settings, batches, recovery
):
    """The N-th batch diverges (a learning rate far too high): the app goes back to its
    checkpoint or to fresh weights and halves the rate. The export holds that recovered
    state, finite, not the diverged weights nor a batch trained after it; it equals the
    app's own Loop stepped to N batches without the simulator."""
    lines, state = export_run(tmp_path, settings, batches)
    batch_lines = [k for k, line in enumerate(lines) if line.startswith("(")]
    assert len(batch_lines) == batches
    last = batch_lines[-1]
    assert lines[last + 1].startswith("training diverged at batch ")
    assert lines[last + 2].startswith(recovery)
    seeds = [int(match[1]) for line in lines if (match := FRESH_SEED.search(line))]
    expected = trainer_state(app_after(settings, batches, seeds, monkeypatch)[0])
    assert {key: state[key] for key in FIELDS} == expected
    assert state["run_batches"] == batches and state["non_finite"] == {}
    halved = float(re.search(r"halved to (\S+)$", lines[last + 1])[1])
    assert state["learning_rate"] == pytest.approx(halved, rel=1e-5)


def test_a_batch_that_diverges_after_the_last_one_asked_for_stays_out_of_the_export(
    tmp_path, monkeypatch
):
    """Batch 3 of this run diverges, and it is a fast-forwarded one that follows batch 2 a
    frame later, while the run still shows batch 2's last pulses: --batches 2 exports the
    state after batch 2, not batch 3's diverged weights."""
    settings = CHECKPOINT_CASE
    _, app_lines = app_after(settings, 3, (), monkeypatch)
    assert any(line.startswith("training diverged at batch 3 ") for line in app_lines)
    lines, state = export_run(tmp_path, settings, 2)
    assert not any(line.startswith("training diverged") for line in lines)
    expected = trainer_state(app_after(settings, 2, (), monkeypatch)[0])
    assert {key: state[key] for key in FIELDS} == expected
    assert state["run_batches"] == 2 and state["non_finite"] == {}


def test_non_finite_values_are_written_as_null_and_listed(tmp_path):
    """A network holding NaN and infinities still exports strict JSON (no NaN or Infinity
    tokens): each such value is null where it stands, and ``non_finite`` maps its JSON
    Pointer to "nan", "inf" or "-inf"."""
    train_x, train_y, test_x, test_y = nn.problems.load("regression", 1)
    network = nn.Network([2, 3, 1], seed=1)
    trainer = nn.Trainer(network, train_x, train_y, test_x, test_y, batch_size=32)
    trainer.train_batch()
    network.weights[0][1][0] = math.nan
    network.biases[1][0] = -math.inf
    trainer.test_loss = math.inf
    path = tmp_path / "weights.json"
    export_weights(trainer, path)
    state = strict_json(path)
    assert (
        state["weights"][0][1][0] is None and state["weights"][0][1][1] == network.weights[0][1][1]
    )
    assert state["biases"][1][0] is None and state["test_loss"] is None
    assert state["non_finite"] == {
        "/weights/0/1/0": "nan",
        "/biases/1/0": "-inf",
        "/test_loss": "inf",
    }
    assert state["best_loss"] == trainer.best_loss
