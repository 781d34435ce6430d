"""The trained network as JSON (python -m sim --export): its shape, activations, loss,
weights and biases, and how far training got, to use the network outside the simulator.

The file is strict JSON (RFC 8259 has no NaN or Infinity): a value that is not finite is
written as null, and ``non_finite`` maps its JSON Pointer (RFC 6901, e.g.
"/weights/0/1/0") to "nan", "inf" or "-inf". A null that is not listed there means
"not known yet" (no best loss before the first good batch, no test split).
"""

import json
import math
from pathlib import Path


def training_state(trainer, run_batches=None):
    """A copy of ``trainer``'s network and progress, as the export writes it; nothing in it
    changes when training goes on. ``run_batches``: how many batches this run trained."""
    network = trainer.network
    return {
        "sizes": list(network.sizes),
        "activation": network.activation,
        "output_activation": network.output_activation,
        "loss": network.loss,
        "weights": [[list(row) for row in layer] for layer in network.weights],
        "biases": [list(row) for row in network.biases],
        "epoch": trainer.epoch,
        "batches": trainer.batches,
        "run_batches": run_batches,
        "best_loss": trainer.best_loss,
        "test_loss": trainer.test_loss,
        "learning_rate": trainer.learning_rate,
    }


def _finite_only(value, pointer, non_finite):
    """``value`` with each non-finite float replaced by None and listed in ``non_finite``."""
    if isinstance(value, float) and not math.isfinite(value):
        non_finite[pointer] = "nan" if math.isnan(value) else "inf" if value > 0 else "-inf"
        return None
    if isinstance(value, dict):
        return {
            key: _finite_only(item, "%s/%s" % (pointer, key), non_finite)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [
            _finite_only(item, "%s/%d" % (pointer, k), non_finite) for k, item in enumerate(value)
        ]
    return value


def strict_json(state):
    """``state`` (training_state's dict) as strict JSON text, with its ``non_finite`` map."""
    non_finite = {}
    document = _finite_only(state, "", non_finite)
    document["non_finite"] = non_finite
    return json.dumps(document, indent=1, allow_nan=False) + "\n"


def write_state(state, path):
    """Write ``state`` to ``path`` as strict JSON, creating its folder."""
    if state is None:
        raise ValueError("training had not started")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(strict_json(state))


def export_weights(trainer, path):
    """Write ``trainer``'s network and progress to ``path`` as JSON, creating its folder."""
    write_state(training_state(trainer), path)


class StateAfterBatches:
    """Keeps the training state a simulated run should export: the state at the newest
    frame, until the frame at which ``batches`` batches are done (None: no limit), which
    it keeps from then on.

    Pass ``on_frame`` to sim.runner.Simulation. A frame is shown at the end of one step of
    the app's loop, and a step trains at most one batch and, if that batch diverged, also
    recovers from it; so the state at that frame is the state after exactly ``batches``
    batches, recovery included, though the run goes on a little to show the last pulses.
    """

    def __init__(self, batches=None):
        self.batches = batches
        self.state = None
        self.done = False

    def on_frame(self, simulation):
        """Called by the Simulation after every refresh."""
        loop = simulation.loop
        if loop is None or self.done:
            return  # code.py is still setting up, or the batches asked for are done
        self.state = training_state(loop.trainer, simulation.serial.batches)
        self.done = self.batches is not None and simulation.serial.batches >= self.batches
