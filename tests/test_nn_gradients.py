"""Backpropagation in nn.Network against central finite differences (CPython floats are float64).

Every hidden activation x output activation x loss ("bce" needs a sigmoid output) on several
shapes, random weights and a batch of several samples: dL/dw, dL/db, the loss itself and dL/da
for every node. The case builder and helpers here are shared with test_nn_torch.py.
"""

import random

import pytest

import nn
import nn.network

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
SHAPES = ([2, 3, 3, 1], [3, 5, 2], [1, 4, 4, 4, 2], [4, 1, 3])
BATCH = 5
STEP = 3e-4  # finite-difference step (fourth-order stencil, see numeric_derivative)
TOLERANCE = 1e-6
FLOOR = 1e-5  # absolute floor of the relative error, for gradients that are (nearly) zero
KINK_MARGIN = 1e-2  # relu / leaky_relu pre-activations kept this far from 0 (>> STEP)

# (hidden, output, loss): mse with every output activation, bce with the sigmoid it requires.
COMBINATIONS = [(h, o, "mse") for h in ACTIVATIONS for o in ACTIVATIONS] + [
    (h, "sigmoid", "bce") for h in ACTIVATIONS
]


def combination_id(combination):
    return "%s-%s-%s" % combination


def shape_id(sizes):
    return "x".join(str(n) for n in sizes)


def flatten(nested):
    """All numbers of nested lists, in order."""
    if isinstance(nested, list):
        return [v for item in nested for v in flatten(item)]
    return [nested]


def relative_error(a, b):
    """|a - b| relative to the larger magnitude, never below FLOOR."""
    return abs(a - b) / max(abs(a), abs(b), FLOOR)


def pre_activations(net, x):
    """z for every layer after the inputs, from a forward trace (bias + link contributions)."""
    net.forward_trace(x)
    return [
        [net.biases[l][j] + sum(net.contributions[l][j]) for j in range(len(net.biases[l]))]
        for l in range(len(net.weights))
    ]


def layer_activations(net):
    """The activation name of every layer after the inputs."""
    links = len(net.weights)
    return [net.activation] * (links - 1) + [net.output_activation]


def _valid(net, xs):
    """No relu / leaky_relu pre-activation near its kink; no relu unit dead on the whole batch."""
    kinds = layer_activations(net)
    if not set(kinds) & {"relu", "leaky_relu"}:
        return True
    zs = [pre_activations(net, x) for x in xs]
    for l, kind in enumerate(kinds):
        if kind not in ("relu", "leaky_relu"):
            continue
        if any(abs(z) < KINK_MARGIN for sample in zs for z in sample[l]):
            return False
        if kind == "relu" and not all(
            any(sample[l][j] > 0 for sample in zs) for j in range(net.sizes[l + 1])
        ):
            return False  # a unit dead on the whole batch makes part of the check vacuous
    return True


def make_case(sizes, hidden, output, loss, seed=0, batch=BATCH):
    """(net, xs, ys): random weights and a random batch, re-drawn until kinks are avoided."""
    rng = random.Random("%s/%s/%s/%s/%d" % (sizes, hidden, output, loss, seed))
    attempts = 500
    for _ in range(attempts):
        net = nn.Network(
            sizes,
            activation=hidden,
            output_activation=output,
            loss=loss,
            seed=rng.randrange(1 << 30),
        )
        for l, kind in enumerate(layer_activations(net)):
            if kind == "relu":  # positive biases keep most relu units alive somewhere
                for j in range(len(net.biases[l])):
                    net.biases[l][j] = rng.uniform(0.0, 1.0)
        xs = [[rng.uniform(-1.5, 1.5) for _ in range(sizes[0])] for _ in range(batch)]
        if loss == "bce":
            ys = [[rng.choice((0.0, 1.0, rng.random())) for _ in range(sizes[-1])] for _ in xs]
        else:
            ys = [[rng.uniform(-1.0, 1.0) for _ in range(sizes[-1])] for _ in xs]
        if _valid(net, xs):
            return net, xs, ys
    raise AssertionError("no valid random case in %d attempts" % attempts)


def numeric_derivative(f, values, index):
    """d f() / d values[index] by the fourth-order central difference (value restored after).

    (8 (f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))) / 12h: truncation ~h**4, rounding ~1e-16 / h.
    """
    original = values[index]
    samples = []
    for offset in (STEP, -STEP, 2.0 * STEP, -2.0 * STEP):
        values[index] = original + offset
        samples.append(f())
    values[index] = original
    up, down, up2, down2 = samples
    return (8.0 * (up - down) - (up2 - down2)) / (12.0 * STEP)


def node_gradients(net, xs, ys):
    """Gradients.nodes (mean dL/da per node) via forward_trace + backward + finish."""
    sums = nn.Gradients(net.sizes)
    for x, y in zip(xs, ys):
        net.forward_trace(x)
        net.backward(y, sums)
    sums.finish()
    return sums


def tail_network(net, first):
    """The layers of ``net`` from layer ``first`` on, as a Network whose inputs are that layer."""
    tail = nn.Network(
        net.sizes[first:],
        activation=net.activation,
        output_activation=net.output_activation,
        loss=net.loss,
    )
    for l in range(len(tail.weights)):
        for j, row in enumerate(net.weights[first + l]):
            tail.weights[l][j][:] = row
        tail.biases[l][:] = net.biases[first + l]
    return tail


def numeric_node_gradients(net, xs, ys):
    """[l][n] mean over the batch of d loss_k / d a_ln, by perturbing each node's output."""
    loss_function = nn.losses.lookup(net.loss)[0]
    result = [[0.0] * n for n in net.sizes]
    last = len(net.sizes) - 1
    for x, y in zip(xs, ys):
        net.forward_trace(x)
        layers = [list(layer) for layer in net.activations]
        for l in range(len(net.sizes)):
            a = layers[l]
            if l == last:

                def loss_of_a(a=a, y=y):
                    return loss_function(a, y)

            else:
                tail = tail_network(net, l)

                def loss_of_a(a=a, y=y, tail=tail):
                    return tail.loss_on([a], [y])

            for n in range(len(a)):
                result[l][n] += numeric_derivative(loss_of_a, a, n) / len(xs)
    return result


def assert_close(analytic, numeric, what):
    error = relative_error(analytic, numeric)
    assert error < TOLERANCE, "%s: backprop %r, finite differences %r (relative error %.2e)" % (
        what,
        analytic,
        numeric,
        error,
    )


@pytest.mark.parametrize("sizes", SHAPES, ids=shape_id)
@pytest.mark.parametrize("combination", COMBINATIONS, ids=combination_id)
def test_weight_and_bias_gradients_match_finite_differences(combination, sizes):
    """net.gradients() gives the batch-mean dL/dw, dL/db and loss of every parameter."""
    hidden, output, loss = combination
    net, xs, ys = make_case(sizes, hidden, output, loss)
    weight_grads, bias_grads, mean_loss = net.gradients(xs, ys)
    assert mean_loss == pytest.approx(net.loss_on(xs, ys), rel=1e-12, abs=1e-15)
    assert mean_loss == pytest.approx(
        sum(nn.losses.lookup(loss)[0](net.forward(x), y) for x, y in zip(xs, ys)) / len(xs),
        rel=1e-12,
    )

    def batch_loss():
        return net.loss_on(xs, ys)

    for l in range(len(net.weights)):
        for j in range(len(net.weights[l])):
            for i in range(len(net.weights[l][j])):
                numeric = numeric_derivative(batch_loss, net.weights[l][j], i)
                assert_close(weight_grads[l][j][i], numeric, "dL/dw[%d][%d][%d]" % (l, j, i))
            numeric = numeric_derivative(batch_loss, net.biases[l], j)
            assert_close(bias_grads[l][j], numeric, "dL/db[%d][%d]" % (l, j))


@pytest.mark.parametrize("sizes", SHAPES, ids=shape_id)
@pytest.mark.parametrize("combination", COMBINATIONS, ids=combination_id)
def test_node_gradients_match_finite_differences(combination, sizes):
    """Gradients.nodes[l][n] is the batch-mean dL/da of every node, inputs and outputs included."""
    hidden, output, loss = combination
    net, xs, ys = make_case(sizes, hidden, output, loss, seed=1)
    sums = node_gradients(net, xs, ys)
    numeric = numeric_node_gradients(net, xs, ys)
    assert sums.count == len(xs)
    assert [len(layer) for layer in sums.nodes] == net.sizes
    for l, layer in enumerate(numeric):
        for n, value in enumerate(layer):
            assert_close(sums.nodes[l][n], value, "dL/da[%d][%d]" % (l, n))


def test_gradients_route_equals_forward_trace_backward_finish():
    """Network.gradients is exactly forward_trace + backward over the batch, then finish()."""
    net, xs, ys = make_case([2, 3, 3, 1], "sigmoid", "sigmoid", "mse")
    weight_grads, bias_grads, mean_loss = net.gradients(xs, ys)
    sums = node_gradients(net, xs, ys)
    assert sums.weights == weight_grads
    assert sums.biases == bias_grads
    assert sums.loss == mean_loss


def _one_unit_chain(network_class):
    """1-1-1 identity chain with hand-picked weights; returns the gradients of one sample."""
    net = network_class([1, 1, 1], activation="identity", loss="mse", seed=0)
    net.weights[0][0][0], net.biases[0][0] = 3.0, 0.5
    net.weights[1][0][0], net.biases[1][0] = -2.0, 0.25
    return net.gradients([[2.0]], [[1.0]])


def bias_gradient_problems(network_class):
    """Where a Network class gets the 1-1-1 chain's gradients wrong (by hand, exact)."""
    # hidden = 3 * 2 + 0.5 = 6.5; out = -2 * 6.5 + 0.25 = -12.75; dL/dout = out - y = -13.75
    # dL/db2 = -13.75; dL/db1 = w2 * dL/dout = 27.5; dL/dw2 = -13.75 * 6.5; dL/dw1 = 27.5 * 2
    weight_grads, bias_grads, loss = _one_unit_chain(network_class)
    expected = {
        "loss": (loss, 0.5 * 13.75**2),
        "db2": (bias_grads[1][0], -13.75),
        "db1": (bias_grads[0][0], 27.5),
        "dw2": (weight_grads[1][0][0], -13.75 * 6.5),
        "dw1": (weight_grads[0][0][0], 55.0),
    }
    return {name: pair for name, pair in expected.items() if abs(pair[0] - pair[1]) > 1e-12}


def test_bias_gradient_carries_the_upstream_error():
    """dL/db is the node's error dL/dz, not a constant: the original C++ project's bias bug."""
    assert bias_gradient_problems(nn.Network) == {}


def network_with_bias_update(update):
    """nn.Network whose backward adds ``update(delta, inputs)`` to each bias sum in place of
    the node's error dL/dz (``inputs``: the layer's input activations)."""

    class BiasBug(nn.Network):
        def backward(self, y, sums):
            before = [list(row) for row in sums.biases]
            deltas = [list(row) for row in sums.biases]
            loss = super().backward(y, sums)
            for l, row in enumerate(sums.biases):
                inputs = self.activations[l]
                for j in range(len(row)):
                    delta = row[j] - deltas[l][j]
                    row[j] = before[l][j] + update(delta, inputs)
            return loss

    return BiasBug


@pytest.mark.parametrize(
    "update",
    [lambda d, a: 1, lambda d, a: 1.0, lambda d, a: 0.0, lambda d, a: a[0]],
    ids=["one", "one-float", "none", "input"],
)
def test_the_bias_check_catches_the_original_bug(update):
    """The bias test has teeth: backward with the C++ bias update (or none) fails it, and
    the same subclass passing the true error through passes it."""
    problems = bias_gradient_problems(network_with_bias_update(update))
    assert "db1" in problems and "db2" in problems, problems
    assert "dw1" not in problems and "dw2" not in problems  # only the bias was broken
    assert bias_gradient_problems(network_with_bias_update(lambda d, a: d)) == {}


@pytest.mark.parametrize("combination", COMBINATIONS, ids=combination_id)
def test_single_sample_weight_gradient_is_bias_gradient_times_input(combination):
    """For one sample dL/dw[l][j][i] = dL/db[l][j] * a[l][i]: both carry the same error dL/dz."""
    hidden, output, loss = combination
    net, xs, ys = make_case([3, 4, 2], hidden, output, loss, seed=2, batch=1)
    weight_grads, bias_grads, _ = net.gradients(xs, ys)
    net.forward_trace(xs[0])
    for l in range(len(net.weights)):
        for j in range(len(net.weights[l])):
            assert bias_grads[l][j] != 0.0
            for i, a in enumerate(net.activations[l]):
                assert weight_grads[l][j][i] == pytest.approx(bias_grads[l][j] * a, rel=1e-12)


def test_gradients_are_batch_means_not_sums():
    """A batch of the same sample twice has the same gradients as the sample once."""
    net, xs, ys = make_case([2, 3, 3, 1], "tanh", "sigmoid", "mse", batch=1)
    once = net.gradients(xs, ys)
    twice = net.gradients(xs * 2, ys * 2)
    assert flatten(twice[0]) == pytest.approx(flatten(once[0]), rel=1e-12)
    assert flatten(twice[1]) == pytest.approx(flatten(once[1]), rel=1e-12)
    assert twice[2] == pytest.approx(once[2], rel=1e-12)
    assert flatten(once[1]) != pytest.approx([2 * v for v in flatten(once[1])])


def test_gradients_zero_and_copy_from():
    """Gradients.zero forgets a batch; copy_from duplicates one without sharing lists."""
    net, xs, ys = make_case([2, 3, 1], "sigmoid", "sigmoid", "mse")
    sums = node_gradients(net, xs, ys)
    copy = nn.Gradients(net.sizes)
    copy.copy_from(sums)
    assert (copy.weights, copy.biases, copy.nodes) == (sums.weights, sums.biases, sums.nodes)
    assert (copy.loss, copy.count) == (sums.loss, sums.count)
    sums.zero()
    assert sums.count == 0 and sums.loss == 0.0
    assert all(v == 0.0 for layer in sums.weights for row in layer for v in row)
    assert all(v == 0.0 for rows in (sums.biases, sums.nodes) for row in rows for v in row)
    assert any(v != 0.0 for layer in copy.weights for row in layer for v in row)


def test_bce_output_gradient_is_output_minus_target():
    """With a sigmoid output and BCE, dL/dz of the output is exactly a - y (no division)."""
    net, xs, ys = make_case([2, 3, 1], "tanh", "sigmoid", "bce", batch=1)
    _, bias_grads, _ = net.gradients(xs, ys)
    output = net.forward(xs[0])[0]
    assert bias_grads[-1][0] == pytest.approx(output - ys[0][0], rel=1e-12)
