"""Buttons that are never pressed."""


class _Events:
    def get(self):
        return None


class Keys:
    def __init__(self, pins, *, value_when_pressed, pull=False):
        self.events = _Events()
