"""python -m sim --export: the JSON rebuilds the trained network and says how far it got."""

import json

import nn
from sim.weights import export_weights


def test_exported_json_rebuilds_the_trained_network(tmp_path):
    train_x, train_y, test_x, test_y = nn.problems.load("regression", 1)
    network = nn.Network([2, 4, 1], activation="tanh", output_activation="sigmoid", seed=1)
    trainer = nn.Trainer(network, train_x, train_y, test_x, test_y, batch_size=32)
    for _ in range(3):
        trainer.train_batch()
    path = tmp_path / "new folder" / "weights.json"
    export_weights(trainer, path)
    state = json.loads(path.read_text())
    copy = nn.Network(
        state["sizes"],
        activation=state["activation"],
        output_activation=state["output_activation"],
        loss=state["loss"],
    )
    copy.weights, copy.biases = state["weights"], state["biases"]
    for k in range(10):
        assert copy.forward(test_x[k]) == network.forward(test_x[k])
    assert (state["epoch"], state["batches"]) == (trainer.epoch, 3)
    assert state["best_loss"] == trainer.best_loss and state["test_loss"] == trainer.test_loss
