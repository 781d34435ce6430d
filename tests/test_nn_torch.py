"""nn.Network's hand-written backpropagation against PyTorch autograd, in float64.

The micrograd standard: build the same network in PyTorch, run the same batch, and require
the same loss, dL/dw, dL/db and dL/da of every node (``retain_grad`` on each layer's
outputs, ``requires_grad`` on the inputs). Skipped without torch unless REQUIRE_TORCH=1
(CI), where a missing torch is an error.
"""

import os

import pytest

import nn
from tests.test_nn_gradients import (
    COMBINATIONS,
    SHAPES,
    combination_id,
    layer_activations,
    make_case,
    node_gradients,
    shape_id,
)

if os.environ.get("REQUIRE_TORCH") == "1":
    import torch  # CI: a missing torch must fail the run, not skip it
else:
    torch = pytest.importorskip("torch")

TOLERANCE = 1e-9  # both sides compute in float64; only the operation order differs


def torch_activation(name, z):
    """PyTorch's own version of each nn activation (slope 0.01 as nn.activations.LEAKY_SLOPE)."""
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        return torch.relu(z)
    if name == "leaky_relu":
        return torch.nn.functional.leaky_relu(z, negative_slope=nn.activations.LEAKY_SLOPE)
    if name == "identity":
        return z
    raise ValueError(name)


def torch_loss(name, outputs, targets):
    """Mean over the batch of the per-sample loss summed over outputs, as nn.losses."""
    if name == "mse":
        per_sample = (0.5 * (outputs - targets) ** 2).sum(dim=1)
    else:
        per_sample = torch.nn.functional.binary_cross_entropy(
            outputs, targets, reduction="none"
        ).sum(dim=1)
    return per_sample.mean()


def torch_run(net, xs, ys):
    """(loss, weight grads, bias grads, node grads) from autograd, shaped like nn's."""
    weights = [
        torch.tensor(layer, dtype=torch.float64, requires_grad=True) for layer in net.weights
    ]
    biases = [torch.tensor(row, dtype=torch.float64, requires_grad=True) for row in net.biases]
    a = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    layers = [a]
    for w, b, kind in zip(weights, biases, layer_activations(net)):
        a = torch_activation(kind, a @ w.T + b)
        a.retain_grad()
        layers.append(a)
    loss = torch_loss(net.loss, a, torch.tensor(ys, dtype=torch.float64))
    loss.backward()
    # autograd gives d(mean loss)/d a_kn per sample k; nn keeps the batch mean of dL_k/da_kn,
    # which is the sum over k of autograd's values.
    nodes = [layer.grad.sum(dim=0).tolist() for layer in layers]
    return (
        loss.item(),
        [w.grad.tolist() for w in weights],
        [b.grad.tolist() for b in biases],
        nodes,
    )


def assert_nested_close(ours, theirs, what):
    if isinstance(ours, list):
        assert len(ours) == len(theirs), what
        for k, (mine, reference) in enumerate(zip(ours, theirs)):
            assert_nested_close(mine, reference, "%s[%d]" % (what, k))
        return
    assert ours == pytest.approx(theirs, rel=TOLERANCE, abs=1e-12), "%s: nn %r, torch %r" % (
        what,
        ours,
        theirs,
    )


def test_torch_is_float64_and_the_expected_version():
    """The reference really computes in float64 (and CI pins torch 2.13.0)."""
    assert torch.tensor([0.1], dtype=torch.float64).dtype == torch.float64
    if os.environ.get("REQUIRE_TORCH") == "1":
        assert torch.__version__.split("+")[0] == "2.13.0"


@pytest.mark.parametrize("sizes", SHAPES, ids=shape_id)
@pytest.mark.parametrize("combination", COMBINATIONS, ids=combination_id)
def test_gradients_match_torch_autograd(combination, sizes):
    """Loss, dL/dw, dL/db and every node's dL/da equal PyTorch autograd's for the same batch."""
    hidden, output, loss = combination
    net, xs, ys = make_case(sizes, hidden, output, loss, seed=3, batch=7)
    weight_grads, bias_grads, mean_loss = net.gradients(xs, ys)
    sums = node_gradients(net, xs, ys)
    torch_loss_value, torch_weights, torch_biases, torch_nodes = torch_run(net, xs, ys)
    assert mean_loss == pytest.approx(torch_loss_value, rel=TOLERANCE)
    assert_nested_close(weight_grads, torch_weights, "dL/dw")
    assert_nested_close(bias_grads, torch_biases, "dL/db")
    assert_nested_close(sums.nodes, torch_nodes, "dL/da")


def test_saturated_sigmoid_bce_matches_torch():
    """Large weights push BCE outputs to within 1e-3 of 0 and 1: the fused sigmoid + BCE
    gradient (a - y) and the loss still agree with autograd there."""
    net, xs, ys = make_case([2, 3, 1], "tanh", "sigmoid", "bce", seed=3, batch=6)
    for layer in net.weights:
        for row in layer:
            for i in range(len(row)):
                row[i] *= 6.0
    outputs = [net.forward(x)[0] for x in xs]
    assert min(outputs) < 1e-3 and max(outputs) > 1.0 - 1e-3  # really saturated
    assert all(nn.losses.EPSILON < a < 1.0 - nn.losses.EPSILON for a in outputs)  # unclamped
    weight_grads, bias_grads, mean_loss = net.gradients(xs, ys)
    torch_loss_value, torch_weights, torch_biases, _ = torch_run(net, xs, ys)
    assert mean_loss == pytest.approx(torch_loss_value, rel=1e-9)
    assert_nested_close(weight_grads, torch_weights, "dL/dw")
    assert_nested_close(bias_grads, torch_biases, "dL/db")
