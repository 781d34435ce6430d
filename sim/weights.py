"""The trained network as JSON (python -m sim --export): its shape, activations, loss,
weights and biases, and how far training got, to use the network outside the simulator."""

import json
from pathlib import Path


def export_weights(trainer, path):
    """Write ``trainer``'s network and progress to ``path`` as JSON, creating its folder."""
    network = trainer.network
    state = {
        "sizes": network.sizes,
        "activation": network.activation,
        "output_activation": network.output_activation,
        "loss": network.loss,
        "weights": network.weights,
        "biases": network.biases,
        "epoch": trainer.epoch,
        "batches": trainer.batches,
        "best_loss": trainer.best_loss,
        "test_loss": trainer.test_loss,
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(state, indent=1) + "\n")
