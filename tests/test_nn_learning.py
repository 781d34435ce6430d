"""The network learns, and the trainer walks epochs the way the design says.

Learning: the default problem with the default network and Trainer reaches a tenth of the
"predict the training mean" loss within 30 epochs; XOR and circles reach clearly-above-chance
accuracy with BCE. Mechanics: only full batches (562 samples -> 17 batches of 32), best_loss
only from full batches, schedules count epochs not updates.
"""

import math

import pytest

import nn

SEEDS = (1, 2, 3, 4, 5)
EPOCHS = 30


def baseline_loss(train_y, test_y):
    """Half mean squared deviation of the test targets around the *training* mean."""
    mean = sum(train_y) / len(train_y)
    return sum(0.5 * (y - mean) ** 2 for y in test_y) / len(test_y)


def train_epochs(trainer, epochs):
    """Train until ``epochs`` epochs are complete."""
    while trainer.epoch < epochs:
        trainer.train_batch()


def default_trainer(seed, dataset="regression"):
    train_x, train_y, test_x, test_y = nn.problems.load(dataset, seed)
    network = nn.Network([2, 3, 3, 1], seed=seed)
    return nn.Trainer(network, train_x, train_y, test_x, test_y, batch_size=32)


def test_default_network_learns_the_default_problem():
    """Defaults (2-3-3-1 sigmoid, half-MSE, SGD 0.5 + momentum 0.9, batch 32): test loss
    <= 10% of the predict-the-training-mean baseline within 30 epochs, for >= 4 of 5 seeds."""
    ratios = {}
    for seed in SEEDS:
        trainer = default_trainer(seed)
        baseline = baseline_loss(trainer.train_y.values, trainer.test_y.values)
        assert trainer.test_loss is not None
        train_epochs(trainer, EPOCHS)
        ratios[seed] = trainer.test_loss / baseline
    report = ", ".join("seed %d: %.3f" % (seed, ratio) for seed, ratio in ratios.items())
    good = [seed for seed, ratio in ratios.items() if ratio <= 0.10]
    assert len(good) >= 4, "test loss / baseline after %d epochs: %s" % (EPOCHS, report)


@pytest.mark.parametrize("dataset", ["xor", "circles"])
def test_bce_classifiers_learn_xor_and_circles(dataset):
    """2-8-1, tanh hidden, sigmoid output, loss "bce", default Trainer (SGD 0.5, momentum 0.9,
    batch 32): >= 90% test accuracy after 20 epochs for each of 3 seeds (chance is ~50%)."""
    accuracies = {}
    for seed in (1, 2, 3):
        train_x, train_y, test_x, test_y = nn.problems.load(dataset, seed)
        network = nn.Network(
            [2, 8, 1], activation="tanh", output_activation="sigmoid", loss="bce", seed=seed
        )
        trainer = nn.Trainer(network, train_x, train_y, test_x, test_y, batch_size=32)
        start = trainer.test_loss
        train_epochs(trainer, 20)
        right = sum(
            (network.forward(test_x[k])[0] > 0.5) == (test_y[k] > 0.5) for k in range(len(test_x))
        )
        accuracies[seed] = right / len(test_x)
        assert trainer.test_loss < 0.5 * start
    assert min(accuracies.values()) >= 0.9, "%s test accuracy per seed: %s" % (dataset, accuracies)


def test_only_full_batches_17_per_epoch_of_562():
    """562 training samples in batches of 32: 17 full batches an epoch, never a short one, and
    no sample twice in an epoch (the 18 left over wait for the next shuffle)."""
    trainer = default_trainer(1)
    assert len(trainer.train_x) == 562
    assert trainer.batches_per_epoch == 17
    training_rows = {tuple(trainer.train_x[k]) for k in range(len(trainer.train_x))}
    for epoch in range(3):
        seen = []
        sizes = []
        count = 0
        while True:
            done = trainer.train_sample()
            count += 1
            seen.append(tuple(trainer.forward_trace.outputs[0]))
            if done:
                sizes.append(count)
                count = 0
                if trainer.epoch_finished:
                    break
        assert sizes == [32] * 17
        assert trainer.epoch == epoch + 1
        assert len(set(seen)) == len(seen) == 17 * 32  # each sample at most once an epoch
        assert set(seen) <= training_rows
    assert trainer.batches == 3 * 17


def test_batch_loss_is_the_mean_of_its_32_samples_and_best_loss_only_takes_batches():
    """batch_loss is the mean of exactly 32 per-sample losses, and best_loss is always the
    minimum of the full-batch losses seen (never a partial or single-sample loss)."""
    trainer = default_trainer(2)
    assert trainer.best_loss is None
    sample_losses = []
    batch_losses = []
    while trainer.epoch < 4:
        done = trainer.train_sample()
        sample_losses.append(trainer.forward_trace.loss)
        if done:
            assert len(sample_losses) == 32
            assert trainer.batch_loss == pytest.approx(sum(sample_losses) / 32, rel=1e-12)
            batch_losses.append(trainer.batch_loss)
            sample_losses = []
            assert trainer.best_loss == min(batch_losses)
        else:
            assert trainer.best_loss == (min(batch_losses) if batch_losses else None)
    assert len(batch_losses) == 4 * 17


def test_step_schedule_halves_per_epoch_not_per_update():
    """Step(0.2, 0.5, every=2): every update of epoch e uses 0.2 * 0.5 ** (e // 2) — checked on
    the weights themselves (plain SGD: w_after = w_before - rate * mean gradient)."""
    train_x, train_y, test_x, test_y = nn.problems.load("regression", 3)
    network = nn.Network([2, 3, 3, 1], seed=3)
    trainer = nn.Trainer(
        network,
        train_x,
        train_y,
        test_x,
        test_y,
        schedule=nn.schedules.Step(0.2, factor=0.5, every=2),
        optimizer=nn.SGD(network.sizes, momentum=0.0),
    )
    rates = []
    while trainer.epoch < 6:
        epoch = trainer.epoch
        before = [list(row) for row in network.biases] + [
            list(row) for layer in network.weights for row in layer
        ]
        trainer.train_batch()
        grads = trainer.backward_trace
        after = [list(row) for row in network.biases] + [
            list(row) for layer in network.weights for row in layer
        ]
        gradient = [list(row) for row in grads.biases] + [
            list(row) for layer in grads.weights for row in layer
        ]
        expected = 0.2 * 0.5 ** (epoch // 2)
        steps = [
            (b - a) / g
            for row_b, row_a, row_g in zip(before, after, gradient)
            for b, a, g in zip(row_b, row_a, row_g)
            if abs(g) > 1e-6
        ]
        assert steps and steps == pytest.approx([expected] * len(steps), rel=1e-6)
        rates.append(expected)
    assert rates == [0.2] * 34 + [0.1] * 34 + [0.05] * 34
    assert trainer.learning_rate == pytest.approx(0.025)


def test_schedule_values():
    """Constant, Step, Exponential and Cosine give the documented rate for an epoch number."""
    constant = nn.schedules.make("constant", 0.3)
    assert [constant.rate(e) for e in (0, 1, 100)] == [0.3, 0.3, 0.3]
    step = nn.schedules.make("step", 0.01, factor=0.5, epochs=10)
    assert [step.rate(e) for e in (0, 9, 10, 19, 20, 35)] == pytest.approx(
        [0.01, 0.01, 0.005, 0.005, 0.0025, 0.00125]
    )
    exponential = nn.schedules.make("exponential", 0.5, factor=0.9)
    assert [exponential.rate(e) for e in (0, 1, 3)] == pytest.approx([0.5, 0.45, 0.5 * 0.9**3])
    by_name = nn.schedules.make("cosine", 1.0, epochs=10)
    assert [by_name.rate(e) for e in (0, 5, 10)] == pytest.approx([1.0, 0.5, 0.0])
    cosine = nn.schedules.Cosine(1.0, epochs=10, minimum=0.1)
    assert cosine.rate(0) == pytest.approx(1.0)
    assert cosine.rate(5) == pytest.approx(0.55)
    assert cosine.rate(10) == pytest.approx(0.1)
    assert cosine.rate(25) == pytest.approx(0.1)
    assert cosine.rate(2) == pytest.approx(0.1 + 0.45 * (1 + math.cos(math.pi * 0.2)))
    values = [cosine.rate(e) for e in range(11)]
    assert values == sorted(values, reverse=True)
    with pytest.raises(ValueError):
        nn.schedules.make("warmup", 0.1)
    with pytest.raises(ValueError):
        nn.schedules.Step(0.1, every=0)


def test_momentum_accumulates_velocity():
    """SGD with momentum m: the second identical step moves (1 + m) times the first."""
    network = nn.Network([1, 1], activation="identity", seed=0)
    optimizer = nn.SGD(network.sizes, momentum=0.9)
    grads = nn.Gradients(network.sizes)
    grads.weights[0][0][0] = 1.0
    grads.biases[0][0] = -2.0
    w0, b0 = network.weights[0][0][0], network.biases[0][0]
    optimizer.step(network, grads, 0.1)
    w1, b1 = network.weights[0][0][0], network.biases[0][0]
    optimizer.step(network, grads, 0.1)
    w2, b2 = network.weights[0][0][0], network.biases[0][0]
    assert (w1 - w0, b1 - b0) == pytest.approx((-0.1, 0.2))
    assert (w2 - w1, b2 - b1) == pytest.approx((-0.19, 0.38))
    optimizer.reset()
    optimizer.step(network, grads, 0.1)
    assert network.weights[0][0][0] - w2 == pytest.approx(-0.1)
