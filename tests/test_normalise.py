"""Min-max normalisation: order kept, ends at 0 and 1, equal values and NaN/inf defined."""

import math
import random

from render.normalise import finite_range, normalise

NAN = float("nan")
INF = float("inf")


def test_min_goes_to_zero_max_to_one_and_order_is_kept():
    values = [3.0, -1.0, 7.5, 0.25, 2.0]
    out = normalise(values, [None] * len(values))
    assert out[1] == 0.0 and out[2] == 1.0
    assert sorted(range(5), key=values.__getitem__) == sorted(range(5), key=out.__getitem__)
    assert out[0] == (3.0 + 1.0) / 8.5


def test_random_values_stay_in_range_and_in_order():
    rng = random.Random(7)
    for _ in range(200):
        values = [rng.uniform(-1e3, 1e3) for _ in range(rng.randint(1, 12))]
        out = normalise(values, [0.0] * len(values))
        assert all(0.0 <= v <= 1.0 for v in out)
        for a, b in zip(values, out):
            for c, d in zip(values, out):
                if a < c:
                    assert b <= d


def test_writes_into_the_given_list_and_can_work_in_place():
    values = [1.0, 2.0, 3.0]
    out = [9.0, 9.0, 9.0, 9.0]
    assert normalise(values, out) is out
    assert out == [0.0, 0.5, 1.0, 9.0]
    assert normalise(values, values) is values
    assert values == [0.0, 0.5, 1.0]


def test_equal_values_have_no_range_and_do_not_divide_by_zero():
    assert normalise([0.4, 0.4, 0.4], [None] * 3) == [1.0, 1.0, 1.0]
    assert normalise([0.0, 0.0], [None] * 2) == [0.0, 0.0]
    assert normalise([5.0], [None]) == [1.0]


def test_non_finite_values_are_ignored_and_become_zero():
    values = [NAN, 2.0, INF, 4.0, -INF, 3.0]
    out = normalise(values, [None] * len(values))
    assert out == [0.0, 0.0, 0.0, 1.0, 0.0, 0.5]
    assert finite_range(values) == (2.0, 4.0)


def test_all_non_finite_or_empty_gives_zeros():
    assert normalise([NAN, INF, -INF], [None] * 3) == [0.0, 0.0, 0.0]
    assert finite_range([NAN]) == (None, None)
    assert normalise([], []) == []
    assert normalise([NAN, 2.0, NAN], [None] * 3) == [0.0, 1.0, 0.0]


def test_extreme_range_does_not_overflow():
    values = [-1.7e308, 0.0, 1.7e308]
    out = normalise(values, [None] * 3)
    assert out == [0.0, 0.5, 1.0]
    assert all(math.isfinite(v) for v in out)
