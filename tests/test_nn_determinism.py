"""Determinism and trace integrity: a seed fixes a whole run; forward passes agree; evaluation
never overwrites the trace the renderer is drawing."""

import nn


def snapshot(network):
    """Deep copy of the weights and biases."""
    return [[list(row) for row in layer] for layer in network.weights], [
        list(row) for row in network.biases
    ]


def run(seed, batches=40, sizes=(2, 3, 3, 1)):
    """Load the default problem and train ``batches`` batches from ``seed``; the trainer."""
    train_x, train_y, test_x, test_y = nn.problems.load("regression", seed)
    network = nn.Network(list(sizes), seed=seed)
    trainer = nn.Trainer(network, train_x, train_y, test_x, test_y, batch_size=32)
    for _ in range(batches):
        trainer.train_batch()
    return trainer


def test_same_seed_same_weights_after_training():
    """Two runs from one seed end with bit-identical weights, losses and traces (the data,
    the initial weights and every epoch's shuffle come from that seed)."""
    a = run(7)
    b = run(7)
    assert snapshot(a.network) == snapshot(b.network)
    assert (a.batch_loss, a.best_loss, a.test_loss) == (b.batch_loss, b.best_loss, b.test_loss)
    assert a.forward_trace.outputs == b.forward_trace.outputs
    assert a.backward_trace.weights == b.backward_trace.weights


def test_different_seeds_differ():
    """Another seed gives other initial weights, other data and another trained network."""
    assert snapshot(nn.Network([2, 3, 3, 1], seed=1)) != snapshot(nn.Network([2, 3, 3, 1], seed=2))
    assert snapshot(run(1, batches=5).network) != snapshot(run(2, batches=5).network)


def test_initial_weights_are_uniform_in_minus_one_to_one():
    """Weights and biases start in [-1, 1) and use both signs."""
    network = nn.Network([2, 30, 30, 1], seed=3)
    values = [v for layer in network.weights for row in layer for v in row]
    values += [v for row in network.biases for v in row]
    assert all(-1.0 <= v < 1.0 for v in values)
    assert min(values) < -0.9 and max(values) > 0.9
    assert abs(sum(values) / len(values)) < 0.1


def test_randomise_and_restart_start_a_fresh_run():
    """randomise() draws new weights; restart() returns the trainer to epoch 0 with no best."""
    trainer = run(4, batches=20)
    before = snapshot(trainer.network)
    trainer.network.randomise()
    trainer.restart()
    assert snapshot(trainer.network) != before
    assert (trainer.epoch, trainer.batches, trainer.best_loss, trainer.batch_loss) == (
        0,
        0,
        None,
        None,
    )
    assert trainer.test_loss == trainer.network.loss_on(trainer.test_x, trainer.test_y)


def test_a_restarted_trainer_trains_as_a_new_one():
    """After rng.seed, randomise() and restart(), the batches are those of a new trainer whose
    network was made from that seed: nothing of the shuffles before carries over."""
    data = nn.problems.load("regression", 4)
    trainer = nn.Trainer(nn.Network([2, 3, 3, 1]), *data, batch_size=32)
    for _ in range(25):  # into the second epoch: the order has been shuffled
        trainer.train_batch()
    nn.rng.seed(9)
    trainer.network.randomise()
    trainer.restart()
    restarted = []
    for _ in range(40):
        trainer.train_batch()
        restarted.append(trainer.batch_loss)
    fresh = nn.Trainer(nn.Network([2, 3, 3, 1], seed=9), *data, batch_size=32)
    for loss in restarted:
        fresh.train_batch()
        assert fresh.batch_loss == loss


def test_forward_equals_forward_trace():
    """Network.forward returns the same outputs as forward_trace, as a new list."""
    network = nn.Network([3, 4, 2], activation="tanh", output_activation="sigmoid", seed=5)
    for x in ([0.1, -0.4, 2.0], [1.0, 1.0, -1.0], [0.0, 0.0, 0.0]):
        outputs = network.forward(x)
        traced = network.forward_trace(x)
        assert outputs == list(traced)
        assert outputs is not traced and traced is network.activations[-1]
        assert network.activations[0] == x


def test_forward_trace_records_every_contribution():
    """After forward_trace, contributions[l][j][i] = a[l][i] * w[l][j][i] and each node's
    output is its activation of bias + the sum of its contributions."""
    network = nn.Network([2, 3, 3, 1], seed=6)
    network.forward_trace([0.5, -1.5])
    for l, layer in enumerate(network.weights):
        for j, row in enumerate(layer):
            for i, w in enumerate(row):
                assert network.contributions[l][j][i] == network.activations[l][i] * w
            z = network.biases[l][j] + sum(network.contributions[l][j])
            assert network.activations[l + 1][j] == nn.activations.sigmoid(z)


def test_loss_on_leaves_the_latest_trace_untouched():
    """loss_on evaluates in scratch lists: activations and contributions of the latest
    forward_trace are unchanged afterwards, value for value and list for list."""
    train_x, _, test_x, test_y = nn.problems.load("regression", 1)
    network = nn.Network([2, 3, 3, 1], seed=1)
    network.forward_trace(train_x[0])
    activations = [list(layer) for layer in network.activations]
    contributions = [[list(row) for row in layer] for layer in network.contributions]
    lists = [id(layer) for layer in network.activations]
    loss = network.loss_on(test_x, nn.Table(1, test_y))
    assert loss > 0.0
    assert [list(layer) for layer in network.activations] == activations
    assert [[list(row) for row in layer] for layer in network.contributions] == contributions
    assert [id(layer) for layer in network.activations] == lists


def test_epoch_end_evaluation_keeps_the_training_trace():
    """When a batch ends an epoch, the trainer evaluates the test set; the forward trace still
    shows the last *training* sample (its inputs are a training row, never a test row)."""
    trainer = run(2, batches=0)
    training_rows = {tuple(trainer.train_x[k]) for k in range(len(trainer.train_x))}
    test_rows = {tuple(trainer.test_x[k]) for k in range(len(trainer.test_x))}
    ends = 0
    while ends < 2:
        trainer.train_batch()
        inputs = tuple(trainer.forward_trace.outputs[0])
        assert inputs in training_rows and inputs not in test_rows
        if trainer.epoch_finished:
            ends += 1
            assert trainer.forward_trace.outputs is trainer.network.activations
    assert trainer.epoch == 2


def test_trainer_trace_matches_the_sample_it_shows():
    """After each sample, forward_trace.loss is the loss of the traced outputs and target."""
    trainer = run(3, batches=0)
    for _ in range(100):
        trainer.train_sample()
        trace = trainer.forward_trace
        assert trace.loss == nn.losses.mse(trace.outputs[-1], trace.target)
