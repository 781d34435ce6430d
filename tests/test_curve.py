"""The loss-curve view's data."""

from render.curve import LossHistory


def test_keeps_the_latest_values_oldest_first():
    """A full ring buffer drops the oldest values."""
    history = LossHistory(4)
    for v in (0.5, 0.4, 0.3, 0.2, 0.1, 0.05):
        history.add(v)
    assert len(history) == 4
    assert [round(history[k], 4) for k in range(4)] == [0.3, 0.2, 0.1, 0.05]


def test_non_finite_losses_are_skipped():
    """NaN, inf and zero never enter the curve (log scale)."""
    history = LossHistory(4)
    for v in (float("nan"), float("inf"), 0.0, 0.2):
        history.add(v)
    assert len(history) == 1


def test_rows_put_high_loss_at_the_top_on_a_log_scale():
    """Highest loss on the top row, lowest on the bottom, a decade apart = evenly spaced."""
    history = LossHistory(8)
    for v in (1.0, 0.1, 0.01):
        history.add(v)
    rows = [0] * 8
    assert history.rows(0, 20, rows) == 3
    assert rows[:3] == [0, 10, 20]


def test_equal_losses_sit_half_way():
    """max == min is defined: the flat line is drawn in the middle."""
    history = LossHistory(4)
    history.add(0.2)
    history.add(0.2)
    rows = [0] * 4
    history.rows(0, 10, rows)
    assert rows[:2] == [5, 5]


def test_clear_forgets():
    """After a restart the curve starts empty."""
    history = LossHistory(4)
    history.add(0.3)
    history.clear()
    assert len(history) == 0
