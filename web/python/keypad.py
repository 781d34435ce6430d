"""keypad for the web page: the Event the app reads and the queue the page's buttons fill.

On the board keypad.Keys scans the two buttons and queues an Event for every press and
release, stamped with supervisor.ticks_ms(). On the page the on-screen buttons and the keys
U and D call ``put`` instead (web/page.mjs), stamped with the page's clock. Key 0 is UP,
key 1 is DOWN, as in code.py's ``Keys((board.BUTTON_UP, board.BUTTON_DOWN), ...)``.
"""


class Event:
    """A key transition: ``key_number`` went down (``pressed``) or up at ``timestamp`` ms."""

    def __init__(self, key_number=0, pressed=True, timestamp=0):
        self.key_number = key_number
        self.pressed = pressed
        self.released = not pressed
        self.timestamp = timestamp

    def __repr__(self):
        state = "pressed" if self.pressed else "released"
        return "<Event: key_number %d %s>" % (self.key_number, state)


class EventQueue:
    """Events waiting for the app, oldest first, at most ``max_events`` (as the board's)."""

    def __init__(self, max_events=64):
        self._events = []
        self._max_events = max_events
        self.overflowed = False

    def put(self, key_number, pressed, timestamp):
        """Queue a transition; a full queue drops it and sets ``overflowed``."""
        if len(self._events) >= self._max_events:
            self.overflowed = True
        else:
            self._events.append(Event(key_number, pressed, timestamp))

    def get(self):
        """The oldest event, removed from the queue, or None."""
        return self._events.pop(0) if self._events else None

    def clear(self):
        """Drop every queued event and reset ``overflowed``."""
        self._events = []
        self.overflowed = False

    def __len__(self):
        return len(self._events)

    def __bool__(self):
        return bool(self._events)
