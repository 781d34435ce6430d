"""The two buttons: every press does exactly one documented thing."""

import random

import pytest

from app import gestures
from app.gestures import DOWN, UP, Gestures


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


def _expected(intervals):
    """Reference rules, written independently of Gestures: presses that overlap form one
    chord (a restart iff both were down >= 2 s before the first release); a press alone is
    short or long by its own length."""
    intervals = sorted(intervals, key=lambda iv: iv[1])
    actions, group = [], []
    group_end = None
    for interval in [*intervals, None]:
        if interval is not None and group and interval[1] < group_end:
            group.append(interval)
            group_end = max(group_end, interval[2])
            continue
        if len(group) == 1:
            key, down, up = group[0]
            long = up - down >= 1000
            actions.append(
                [
                    [gestures.TOGGLE_READOUT, gestures.TOGGLE_PAUSE],
                    [gestures.TOGGLE_COLOURS, gestures.TOGGLE_VIEW],
                ][key][long]
            )
        elif group:
            both_down = max(iv[1] for iv in group[:2])
            first_up = min(iv[2] for iv in group[:2])
            if first_up - both_down >= 2000:
                actions.append(gestures.RESTART)
        if interval is not None:
            group, group_end = [interval], interval[2]
    return actions


def test_overlapping_and_bouncing_presses_match_the_reference_rules():
    """Fuzz: random presses of both buttons, overlapping or not, with switch bounce (extra
    press events while held, stray releases): exactly the actions the rules promise."""
    rng = random.Random(11)
    for _ in range(500):
        intervals, t = [], 0
        for _ in range(rng.randrange(1, 6)):
            key = rng.randrange(2)
            down = t + rng.randrange(0, 400)
            up = down + rng.choice([40, 300, 1100, 2100, 2600])
            intervals.append((key, down, up))
            if rng.random() < 0.5:  # the other button joins in, overlapping
                other_down = down + rng.randrange(0, 200)
                intervals.append((1 - key, other_down, other_down + rng.choice([80, 2300])))
            t = max(iv[2] for iv in intervals) + rng.randrange(10, 300)
        events = []
        for key, down, up in intervals:
            events += [(down, 1, key, True), (up, 0, key, False)]
            if rng.random() < 0.3:
                events.append((down + 5, 2, key, True))  # bounce: pressed again while held
        if rng.random() < 0.3:
            events.append((-1, 0, rng.randrange(2), False))  # stray release at start
        events.sort()
        got = run([(key, pressed, ms) for ms, _, key, pressed in events])
        assert got == _expected(intervals), intervals
