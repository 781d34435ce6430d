"""The board's pins: any name is a pin (its own name as a string)."""


def __getattr__(name):
    return name
