"""p1: samples per second of our pure-Python training against NumPy doing the same job.

Ours is nn.Trainer.train_sample on the default 2-3-3-1 sigmoid network, batches of 32, on the
default regression problem (its epoch-end test evaluation and shuffles included). The NumPy
references (bench.reference) train the same starting weights on the same batches, recorded
from our trainer, and must end with the same weights and gradients before anything is timed.
"""

import numpy as np

import nn
from bench.reference import BatchedNumpy, TracedNumpy, evaluate
from bench.timing import interleaved, median, ratio_median

SEED = 1
SIZES = [2, 3, 3, 1]
BATCH_SIZE = 32
# Agreement demanded between ours and NumPy: both are float64, only summation order differs.
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-12


class Problem:
    """The default data set, as nn Tables for ours and float64 arrays for NumPy."""

    def __init__(self):
        self.train_x, self.train_y, self.test_x, self.test_y = nn.problems.load(
            "regression", seed=SEED
        )
        width = self.train_x.width
        self.inputs = np.array(self.train_x.values, dtype=np.float64).reshape(-1, width)
        self.targets = np.array(self.train_y, dtype=np.float64).reshape(len(self.inputs), -1)
        self.test_inputs = np.array(self.test_x.values, dtype=np.float64).reshape(-1, width)
        self.test_targets = np.array(self.test_y, dtype=np.float64).reshape(
            len(self.test_inputs), -1
        )

    def network(self):
        """The starting network every contender trains (same seed, same weights)."""
        return nn.Network(SIZES, seed=SEED)

    def trainer(self):
        """A fresh nn.Trainer with the app's defaults (learning rate 0.5, momentum 0.9)."""
        return nn.Trainer(
            self.network(),
            self.train_x,
            self.train_y,
            self.test_x,
            self.test_y,
            batch_size=BATCH_SIZE,
        )

    def reference(self, kind):
        """A fresh NumPy reference (TracedNumpy or BatchedNumpy) with our optimiser settings."""
        trainer = self.trainer()
        return kind(trainer.network, trainer.learning_rate, trainer.optimizer.momentum)


def record_batches(trainer, batches):
    """Train ``batches`` batches with ``trainer``; return the sample numbers of each batch.

    Reads the trainer's private shuffle order: the bench needs the exact batches, and the
    order is only shuffled at an epoch's first sample, so it is read after that sample.
    """
    recorded = []
    for _ in range(batches):
        start = trainer.batch_in_epoch * trainer.batch_size
        finished = trainer.train_sample()
        recorded.append([int(k) for k in trainer._order[start : start + trainer.batch_size]])
        if not finished:
            trainer.train_batch()
    return recorded


def _train(reference, problem, batches, per_epoch):
    return reference.train(
        batches,
        problem.inputs,
        problem.targets,
        problem.test_inputs,
        problem.test_targets,
        per_epoch,
    )


def _close(name, ours, theirs):
    """Assert one nested list of ours equals a NumPy array (or list of arrays) to rounding."""
    ours = np.concatenate([np.ravel(np.array(part, dtype=np.float64)) for part in ours])
    theirs = np.concatenate([np.ravel(part) for part in theirs])
    np.testing.assert_allclose(
        ours, theirs, rtol=RELATIVE_TOLERANCE, atol=ABSOLUTE_TOLERANCE, err_msg=name
    )
    return float(np.max(np.abs(ours - theirs)))


def verify(problem, batches):
    """Train ours and both references on the same ``batches``; assert they agree.

    Compares weights, biases, the last batch's mean gradients (weights, biases, and dL/da of
    every node), its loss and the test loss. Returns the largest absolute difference seen.
    """
    ours = problem.trainer()
    recorded = record_batches(ours, batches)
    per_epoch = ours.batches_per_epoch
    worst = 0.0
    for kind in (TracedNumpy, BatchedNumpy):
        reference = problem.reference(kind)
        plan = recorded if kind is TracedNumpy else [np.array(b) for b in recorded]
        test_loss = _train(reference, problem, plan, per_epoch)
        label = kind.__name__ + " "
        pairs = (
            ("weights", ours.network.weights, reference.weights),
            ("biases", ours.network.biases, reference.biases),
            ("weight gradients", ours.backward_trace.weights, reference.mean_weights),
            ("bias gradients", ours.backward_trace.biases, reference.mean_biases),
            ("node gradients", ours.backward_trace.nodes, reference.mean_nodes),
            ("batch loss", [[ours.batch_loss]], [np.array(reference.batch_loss)]),
            ("test loss", [[ours.test_loss]], [np.array(test_loss)]),
        )
        for name, mine, theirs in pairs:
            worst = max(worst, _close(label + name, mine, theirs))
    check = evaluate(problem.reference(TracedNumpy), problem.test_inputs, problem.test_targets)
    _close("starting test loss", [[problem.trainer().test_loss]], [np.array(check)])
    return recorded, worst


def measure(*, epochs=4, rounds=15):
    """p1 figures: verify, then time ours and both references on ``epochs`` epochs per round."""
    problem = Problem()
    batches = epochs * (len(problem.train_x) // BATCH_SIZE)
    recorded, worst = verify(problem, batches)
    index_arrays = [np.array(batch) for batch in recorded]
    per_epoch = len(problem.train_x) // BATCH_SIZE
    samples = batches * BATCH_SIZE

    def ours():
        train_sample = problem.trainer().train_sample

        def run():
            for _ in range(samples):
                train_sample()

        return run

    def traced():
        reference = problem.reference(TracedNumpy)
        return lambda: _train(reference, problem, recorded, per_epoch)

    def batched():
        reference = problem.reference(BatchedNumpy)
        return lambda: _train(reference, problem, index_arrays, per_epoch)

    times = interleaved({"ours": ours, "traced": traced, "batched": batched}, rounds)
    per_sample = {name: 1e6 * median(values) / samples for name, values in times.items()}
    return {
        "p1_train_vs_numpy": ratio_median(times["traced"], times["ours"]),
        "p1_train_vs_numpy_batched": ratio_median(times["batched"], times["ours"]),
        "p1_us_per_sample": per_sample["ours"],
        "p1_numpy_us_per_sample": per_sample["traced"],
        "p1_numpy_batched_us_per_sample": per_sample["batched"],
        "p1_max_difference": worst,
    }
