"""The application: settings, the main loop, button gestures, autosave, assembling a run.

A host (code.py on the board, the PC simulator, the browser page) reads the settings with
``app.settings.read`` and calls ``app.start`` with what only it has: a scene to draw on,
button events, a clock, checkpoint storage and a log (app.assemble.start says exactly
what each must do). Nothing here touches displayio.
"""


def __getattr__(name):
    """``app.start`` loads the application on first use (PEP 562, as nn does), so that
    ``app.settings`` or ``app.memory`` alone stay small for whoever needs only them.

    Other names are submodules: MicroPython's ``from app import settings`` asks here
    first and does not fall back to importing the submodule itself.
    """
    if name == "start":
        from .assemble import start

        return start
    try:
        return __import__("app." + name, None, None, (name,))
    except ImportError:
        raise AttributeError("module 'app' has no attribute '%s'" % name) from None
