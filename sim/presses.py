"""The simulator's ``--press`` option: scripted button presses, e.g. ``up@1500,down@4000:1200``.

Each comma-separated item is ``NAME@MS`` or ``NAME@MS:HOLD``: button NAME (``up`` or ``down``,
any case) goes down MS milliseconds after the run starts and comes up again HOLD ms later
(``TAP_MS`` if HOLD is left out: a quick tap, longer than the board's 20 ms debounce scan).
Presses of the same button must not overlap. ``up`` is key 0 and ``down`` key 1, the order
of ``keypad.Keys((board.BUTTON_UP, board.BUTTON_DOWN), ...)``.
"""

import itertools

from sim.devices.keypad import KeyChange

KEY_NUMBERS = {"up": 0, "down": 1}
TAP_MS = 100
FORMAT = "NAME@MS or NAME@MS:HOLD, NAME one of up/down, MS and HOLD whole milliseconds"


def _milliseconds(text, item, what):
    """A whole number of milliseconds from ``text``, or a ValueError naming the item."""
    if not (text.isascii() and text.isdigit()):
        raise ValueError("--press %r: %s must be a whole number of ms, not %r" % (item, what, text))
    return int(text)


def parse_press(item):
    """One ``NAME@MS[:HOLD]`` item as (key_number, down_ms, up_ms)."""
    name, at, timing = item.strip().partition("@")
    key_number = KEY_NUMBERS.get(name.strip().lower())
    if not at or key_number is None:
        raise ValueError("--press %r: expected %s" % (item, FORMAT))
    start_text, colon, hold_text = timing.partition(":")
    down_ms = _milliseconds(start_text.strip(), item, "MS")
    hold_ms = _milliseconds(hold_text.strip(), item, "HOLD") if colon else TAP_MS
    if hold_ms == 0:
        raise ValueError("--press %r: HOLD must be at least 1 ms" % (item,))
    return key_number, down_ms, down_ms + hold_ms


def parse_presses(text):
    """The button changes a ``--press`` value asks for, in time order (KeyChange tuples)."""
    presses = sorted((parse_press(item), item) for item in text.split(","))
    for (earlier, earlier_item), (later, later_item) in itertools.pairwise(presses):
        if earlier[0] == later[0] and later[1] < earlier[2]:
            raise ValueError(
                "--press %r overlaps %r: the button is still held" % (later_item, earlier_item)
            )
    changes = []
    for (key_number, down_ms, up_ms), _item in presses:
        changes.append(KeyChange(down_ms, key_number, True))
        changes.append(KeyChange(up_ms, key_number, False))
    changes.sort(key=lambda change: (change.time_ms, change.pressed))
    return tuple(changes)
