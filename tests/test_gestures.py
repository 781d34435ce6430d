"""The two buttons: every press does exactly one documented thing."""

import random

import pytest

from render import gestures
from render.gestures import DOWN, UP, Gestures


def run(events):
    """Feed (key, pressed, ms) events; return the actions produced, in order."""
    g = Gestures()
    actions = []
    for key, pressed, ms in events:
        action = g.event(key, pressed, ms)
        if action is not None:
            actions.append(action)
    return actions


@pytest.mark.parametrize(
    ("key", "held", "action"),
    [
        (UP, 80, gestures.TOGGLE_READOUT),
        (DOWN, 80, gestures.TOGGLE_COLOURS),
        (UP, 999, gestures.TOGGLE_READOUT),
        (UP, 1000, gestures.TOGGLE_PAUSE),
        (DOWN, 1500, gestures.TOGGLE_VIEW),
    ],
)
def test_single_press_by_hold_time(key, held, action):
    """Short and long presses of each button map to their own action."""
    assert run([(key, True, 100), (key, False, 100 + held)]) == [action]


def test_first_press_is_never_lost():
    """The very first press acts (the original's first toggle press did nothing)."""
    assert run([(UP, True, 0), (UP, False, 50)]) == [gestures.TOGGLE_READOUT]


def test_chord_held_two_seconds_restarts_once():
    """Both buttons held together >= 2 s restart, once, and neither acts alone."""
    events = [(UP, True, 0), (DOWN, True, 100), (UP, False, 2200), (DOWN, False, 2300)]
    assert run(events) == [gestures.RESTART]


def test_short_chord_does_nothing():
    """A brief overlap of both buttons is neither a restart nor two toggles."""
    events = [(UP, True, 0), (DOWN, True, 100), (DOWN, False, 600), (UP, False, 700)]
    assert run(events) == []


def test_repeated_press_and_stray_release_are_ignored():
    """A bounce (press while pressed) or a release never seen pressed adds nothing."""
    events = [(UP, False, 0), (UP, True, 10), (UP, True, 20), (UP, False, 90)]
    assert run(events) == [gestures.TOGGLE_READOUT]


def test_wraparound_of_ticks():
    """A hold measured across the 2**29 ms ticks wrap is still the right length."""
    start = (1 << 29) - 300
    events = [(DOWN, True, start), (DOWN, False, (start + 1200) % (1 << 29))]
    assert run(events) == [gestures.TOGGLE_VIEW]


def test_random_sequences_give_one_action_per_separate_press():
    """Fuzz: non-overlapping presses of random lengths give exactly one action each."""
    rng = random.Random(7)
    for _ in range(200):
        events, expected, t = [], [], 0
        for _ in range(rng.randrange(1, 8)):
            key = rng.randrange(2)
            held = rng.choice([30, 200, 990, 1000, 1800, 2500])
            events += [(key, True, t), (key, False, t + held)]
            long = held >= 1000
            expected.append(
                [gestures.TOGGLE_READOUT, gestures.TOGGLE_COLOURS][key]
                if not long
                else [gestures.TOGGLE_PAUSE, gestures.TOGGLE_VIEW][key]
            )
            t += held + rng.randrange(20, 500)
        assert run(events) == expected
