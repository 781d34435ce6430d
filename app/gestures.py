"""Turn the two buttons' press/release events into exactly one action per press.

Pure logic; times are supervisor.ticks_ms values, compared wrap-safely. Actions are
decided on release, from how long the button was held, so a short press is never
mistaken for the start of a long one and the first press is never lost:

- UP short: toggle the loss readout.      UP held >= 1 s: pause / resume training.
- DOWN short: toggle weight colours.      DOWN held >= 1 s: network view <-> loss curve.
- Both held together >= 2 s: restart training with fresh weights.

A press that overlaps the other button belongs to the chord: it does nothing alone,
and a chord held less than 2 s does nothing at all.
"""

from adafruit_ticks import ticks_diff
from micropython import const

UP = const(0)
DOWN = const(1)

TOGGLE_READOUT = "toggle_readout"
TOGGLE_COLOURS = "toggle_colours"
TOGGLE_PAUSE = "toggle_pause"
TOGGLE_VIEW = "toggle_view"
RESTART = "restart"

HOLD_MS = const(1000)
CHORD_MS = const(2000)

_SHORT = (TOGGLE_READOUT, TOGGLE_COLOURS)
_LONG = (TOGGLE_PAUSE, TOGGLE_VIEW)


class Gestures:
    """Feed ``event(key, pressed, ms)``; it returns an action name or None."""

    def __init__(self, hold_ms=HOLD_MS, chord_ms=CHORD_MS):
        self.hold_ms = hold_ms
        self.chord_ms = chord_ms
        self._down_at = [None, None]
        self._chord = False
        self._chord_start = 0
        self._chord_fired = False

    def event(self, key, pressed, ms):
        """One key event (key 0 = UP, 1 = DOWN) at ticks ``ms``; the action it completes."""
        if key not in (UP, DOWN):
            return None
        other = 1 - key
        if pressed:
            if self._down_at[key] is not None:
                return None  # a repeated press without release: ignore the bounce
            self._down_at[key] = ms
            if self._down_at[other] is not None:
                self._chord = True
                self._chord_start = ms
            return None
        down_at = self._down_at[key]
        if down_at is None:
            return None  # a release we never saw pressed (e.g. held at boot)
        self._down_at[key] = None
        if self._chord:
            action = None
            if not self._chord_fired and ticks_diff(ms, self._chord_start) >= self.chord_ms:
                action = RESTART
            self._chord_fired = True
            if self._down_at[other] is None:  # both up: the chord is over
                self._chord = False
                self._chord_fired = False
            return action
        if ticks_diff(ms, down_at) >= self.hold_ms:
            return _LONG[key]
        return _SHORT[key]
