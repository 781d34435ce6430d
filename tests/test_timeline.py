"""Pulse timeline: stage order left to right (forward) or right to left (backward), in ms."""

import pytest

from render.layout import Layout
from render.timeline import Timeline, backward_stages, forward_stages, stage_count

DURATION = 900


@pytest.fixture(scope="module")
def layout():
    return Layout([2, 3, 3, 1])


@pytest.fixture
def timeline(layout):
    return Timeline(stage_count(layout), duration_ms=DURATION)


@pytest.fixture(scope="module")
def forward(layout):
    return forward_stages(layout)


@pytest.fixture(scope="module")
def backward(layout):
    return backward_stages(layout)


def lit_indices(layout, timeline, stages, t_ms):
    """Palette indices of elements whose stage is above rest at t_ms."""
    envelope = timeline.envelopes(t_ms)
    return {i for i in range(1, layout.readout_index) if envelope[stages[i]] > 0.0}


def node_indices(layout, layer):
    return set(layout.node_index[layer])


def segment_indices(layout, layer, k):
    return {link[k] for row in layout.segment_index[layer] for link in row if k < len(link)}


def first_lit_ms(layout, timeline, stages, indices):
    """First millisecond at which any of `indices` is lit."""
    for t in range(DURATION + 1):
        if lit_indices(layout, timeline, stages, t) & indices:
            return t
    return None


def test_stage_count_and_ramp_fill_the_duration(layout, timeline):
    assert timeline.stage_count == 4 + sum(layout.segments)
    last_start = (timeline.stage_count - 1) * timeline.ramp_ms / 2
    assert last_start + 2 * timeline.ramp_ms == pytest.approx(DURATION)


def test_just_after_start_only_the_first_layer_is_lit(layout, timeline, forward, backward):
    assert lit_indices(layout, timeline, forward, 1) == node_indices(layout, 0)
    assert lit_indices(layout, timeline, backward, 1) == node_indices(layout, 3)


def test_nothing_is_lit_before_the_start_or_after_the_duration(layout, timeline):
    for t in (-50, 0, DURATION, DURATION + 1, 10 * DURATION):
        assert max(timeline.envelopes(t)) == 0.0
    assert not timeline.done(DURATION - 1)
    assert timeline.done(DURATION)


def test_forward_pulse_travels_left_to_right(layout, timeline, forward):
    stages = forward
    order = []
    for layer in range(4):
        order.append(node_indices(layout, layer))
        if layer < 3:
            order.extend(segment_indices(layout, layer, k) for k in range(layout.segments[layer]))
    starts = [first_lit_ms(layout, timeline, stages, group) for group in order]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    # The output node lights only late in the pulse.
    assert starts[-1] > 0.75 * DURATION


def test_backward_pulse_travels_right_to_left(layout, timeline, backward):
    stages = backward
    order = []
    for layer in range(3, -1, -1):
        order.append(node_indices(layout, layer))
        if layer > 0:
            gap = layer - 1
            order.extend(
                segment_indices(layout, gap, k) for k in range(layout.segments[gap] - 1, -1, -1)
            )
    starts = [first_lit_ms(layout, timeline, stages, group) for group in order]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert starts[-1] > 0.75 * DURATION


def test_each_stage_starts_when_the_previous_is_half_way_up(timeline):
    half = timeline.ramp_ms / 2
    for stage in range(timeline.stage_count - 1):
        at_handover = timeline.envelopes(stage * half + half)
        assert at_handover[stage] == pytest.approx(0.5)
        assert at_handover[stage + 1] == 0.0
        just_after = timeline.envelopes(stage * half + half + 1)
        assert just_after[stage + 1] > 0.0


def test_each_stage_ramps_up_then_down(timeline):
    ramp = timeline.ramp_ms
    values = [timeline.envelopes(t)[0] for t in range(0, int(2 * ramp) + 2)]
    peak = values.index(max(values))
    assert values[peak] == pytest.approx(1.0, abs=2 / ramp)
    assert values[: peak + 1] == sorted(values[: peak + 1])
    assert values[peak:] == sorted(values[peak:], reverse=True)
    assert values[-1] == 0.0


def test_envelope_list_is_reused(timeline):
    assert timeline.envelopes(10) is timeline.envelopes(500) is timeline.envelope


def test_every_element_has_a_stage_and_both_ends_are_used(layout, forward, backward):
    elements = range(1, layout.readout_index)
    count = stage_count(layout)
    assert {forward[i] for i in elements} == set(range(count))
    assert {backward[i] for i in elements} == set(range(count))
    assert all(forward[i] + backward[i] == count - 1 for i in elements)


def test_duration_must_be_positive(layout):
    with pytest.raises(ValueError, match="duration_ms must be positive"):
        Timeline(stage_count(layout), duration_ms=0)
