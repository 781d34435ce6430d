"""keypad.Keys whose buttons follow a script, on the stand-in clock (supervisor).

SCRIPT holds (ms, key_number, pressed) changes in time order (bench.boot makes them from a
``--press`` script of the simulator). Each comes out of ``events.get()`` once the clock has
reached its time, stamped with that time, as the board queues a change its scan saw. With
no script the buttons are never pressed.
"""

import supervisor

SCRIPT = ()


class Event:
    def __init__(self, key_number, pressed, timestamp):
        self.key_number = key_number
        self.pressed = pressed
        self.released = not pressed
        self.timestamp = timestamp


class _Events:
    def __init__(self):
        self._next = 0

    def get(self):
        if self._next == len(SCRIPT) or SCRIPT[self._next][0] > supervisor.now:
            return None
        ms, key_number, pressed = SCRIPT[self._next]
        self._next += 1
        return Event(key_number, pressed, ms)


class Keys:
    def __init__(self, pins, *, value_when_pressed, pull=False):
        self.events = _Events()
