"""Stand-in for CircuitPython's ``keypad`` module: ``Keys``, ``Event`` and ``EventQueue``.

On the board ``keypad.Keys`` scans the buttons in the background and queues an Event for every
press and release. Here the buttons are a ``KeySource``: a timeline of ``KeyChange`` entries
(time, key number, pressed) from a script given to ``install`` (times counted from the
install), plus presses pushed live with ``press``/``release`` (by the window). A Keys object
queues the changes whose time the clock has reached when code.py looks at its queue, in time
order, each Event stamped with the change's time in supervisor ticks. Key numbers are indexes
into the pins given to Keys, so for ``Keys((board.BUTTON_UP, board.BUTTON_DOWN), ...)`` key 0
is UP and key 1 is DOWN. Changes are exact: the board's debouncing over ``interval`` is not
modelled.
"""

import bisect
from collections import deque
from typing import NamedTuple

from sim.clock import TICKS_PERIOD
from sim.devices import supervisor


class KeyChange(NamedTuple):
    """A button going down (pressed=True) or up at ``time_ms`` on the simulator's clock."""

    time_ms: int
    key_number: int
    pressed: bool


def _change_order(change):
    """Sort key: by time; at the same time a release comes before a press."""
    return change.time_ms, change.pressed


class KeySource:
    """The buttons as the simulator drives them: scripted changes plus live presses.

    Script times count from the clock's time when the source is made (install), so
    ``up@1500`` means 1.5 s into the run whatever the clock started at; ``changes`` holds
    every change on the clock's own time line.
    """

    def __init__(self, clock, script=()):
        self.clock = clock
        start_ms = clock.now_ms
        changes = [KeyChange(*change) for change in script]
        for change in changes:
            if change.time_ms < 0 or change.key_number < 0:
                raise ValueError("times and key numbers must be >= 0: %r" % (change,))
        self.changes = sorted(
            (change._replace(time_ms=start_ms + change.time_ms) for change in changes),
            key=_change_order,
        )

    def press(self, key_number):
        """Press a button now (on the simulator's clock)."""
        self._push(key_number, True)

    def release(self, key_number):
        """Release a button now."""
        self._push(key_number, False)

    def _push(self, key_number, pressed):
        """Add a change at the current time, after every change already due."""
        now = self.clock.now_ms
        position = bisect.bisect_right(self.changes, now, key=lambda change: change.time_ms)
        self.changes.insert(position, KeyChange(now, key_number, pressed))


_source = None


def use_source(source):
    """Make Keys created from now on read ``source`` (None: Keys cannot be created)."""
    global _source
    _source = source


class Event:
    """A key transition: ``key_number`` went down (pressed) or up (released).

    Two events are equal when key_number and pressed match; timestamps are not compared.
    """

    def __init__(self, key_number=0, pressed=True, timestamp=None):
        if timestamp is None:
            timestamp = supervisor.ticks_ms()
        self._key_number = key_number
        self._pressed = pressed
        self._timestamp = timestamp

    @property
    def key_number(self):
        """The key number (index of the pin in the Keys pins)."""
        return self._key_number

    @property
    def pressed(self):
        """True for a key-down transition."""
        return self._pressed

    @property
    def released(self):
        """True for a key-up transition."""
        return not self._pressed

    @property
    def timestamp(self):
        """supervisor.ticks_ms() at the transition."""
        return self._timestamp

    def __eq__(self, other):
        if not isinstance(other, Event):
            return NotImplemented
        return (self._key_number, self._pressed) == (other._key_number, other._pressed)

    def __hash__(self):
        return hash((self._key_number, self._pressed))

    def __repr__(self):
        state = "pressed" if self._pressed else "released"
        return "<Event: key_number %d %s>" % (self._key_number, state)


class EventQueue:
    """Events waiting for code.py, oldest first, at most ``max_events``.

    ``scan`` is called before every look at the queue, so events that became due on the
    simulator's clock are queued first. An event that finds the queue full is dropped and
    sets ``overflowed`` until ``clear()``.
    """

    def __init__(self, max_events, scan):
        self._events = deque()
        self._max_events = max_events
        self._scan = scan
        self._overflowed = False

    def _put(self, event):
        if len(self._events) >= self._max_events:
            self._overflowed = True
        else:
            self._events.append(event)

    def get(self):
        """The oldest event, removed from the queue, or None."""
        self._scan()
        return self._events.popleft() if self._events else None

    def get_into(self, event):
        """Copy the oldest event into ``event`` and remove it; False if there was none."""
        oldest = self.get()
        if oldest is None:
            return False
        event._key_number = oldest.key_number
        event._pressed = oldest.pressed
        event._timestamp = oldest.timestamp
        return True

    def clear(self):
        """Drop every queued event and reset ``overflowed``."""
        self._scan()
        self._events.clear()
        self._overflowed = False

    @property
    def overflowed(self):
        """True if an event was dropped because the queue was full."""
        self._scan()
        return self._overflowed

    def __len__(self):
        self._scan()
        return len(self._events)

    def __bool__(self):
        return len(self) > 0


class Keys:
    """Buttons on individual pins (on the board: scanned every ``interval`` seconds)."""

    def __init__(self, pins, *, value_when_pressed, pull=True, interval=0.02, max_events=64):
        if _source is None:
            raise RuntimeError("keypad stand-in used outside sim.devices.install()")
        self._source = _source
        self._pins = tuple(pins)
        self.value_when_pressed = value_when_pressed
        self.pull = pull
        self.interval = interval
        self._events = EventQueue(max_events, self._scan)
        self._deinited = False
        self._cursor = 0
        self._down = [False] * len(self._pins)
        self._reported = [False] * len(self._pins)
        # Keys held before this object existed are reported as pressed at its first scan.
        now = self._source.clock.now_ms
        changes = self._source.changes
        while self._cursor < len(changes) and changes[self._cursor].time_ms <= now:
            self._follow(changes[self._cursor])
        self._report_differences(now)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.deinit()

    @property
    def key_count(self):
        """How many keys (pins) are scanned."""
        return len(self._pins)

    @property
    def events(self):
        """The EventQueue of this Keys object."""
        if self._deinited:
            raise ValueError("Object has been deinitialized and can no longer be used.")
        return self._events

    def reset(self):
        """Assume every key is released; keys held now are reported pressed again."""
        self._scan()
        self._reported = [False] * len(self._pins)
        self._report_differences(self._source.clock.now_ms)

    def deinit(self):
        """Stop scanning; the events property refuses from now on."""
        self._deinited = True

    def _follow(self, change):
        """Take in one change from the source (a key beyond this object's pins is ignored)."""
        self._cursor += 1
        if change.key_number < len(self._pins):
            self._down[change.key_number] = change.pressed

    def _report_differences(self, time_ms):
        """Queue an event for every key whose state differs from the last one reported."""
        for key_number, down in enumerate(self._down):
            if down != self._reported[key_number]:
                self._reported[key_number] = down
                self._events._put(Event(key_number, down, time_ms % TICKS_PERIOD))

    def _scan(self):
        """Queue, in order, the changes the clock has reached since the last scan."""
        now = self._source.clock.now_ms
        changes = self._source.changes
        while self._cursor < len(changes) and changes[self._cursor].time_ms <= now:
            change = changes[self._cursor]
            self._follow(change)
            self._report_differences(change.time_ms)
