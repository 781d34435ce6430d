"""Ctrl-C (SIGINT) as a request to stop, answered where stopping is safe.

Python's own Ctrl-C raises KeyboardInterrupt wherever the program happens to be: half-way
through drawing a frame, saving a checkpoint or writing a GIF, which then ends in a
traceback and a broken file. While ``CtrlC`` is active, Ctrl-C only sets ``requested``;
the simulator asks it between two frames and between two frames of the GIF it writes, and
stops there. A Ctrl-C that was already being ignored (a background job, nohup) stays so.
"""

import signal
import threading


class CtrlC:
    """A ``with`` block in which Ctrl-C sets ``requested`` instead of raising. On leaving
    it, Ctrl-C does what it did before, or with ``then_ignore`` nothing at all: a program
    about to end has nothing left for it to stop, and a KeyboardInterrupt there would only
    print a traceback."""

    def __init__(self, then_ignore=False):
        self.requested = False
        self.then_ignore = then_ignore
        self._previous = None

    def __call__(self):
        """True once Ctrl-C was pressed (to pass as a ``should_stop`` or ``stop`` callable)."""
        return self.requested

    def forget(self):
        """Forget the Ctrl-C pressed so far: from now on only a new one counts."""
        self.requested = False

    def _on_sigint(self, _signal_number, _frame):
        self.requested = True

    def __enter__(self):
        in_main_thread = threading.current_thread() is threading.main_thread()
        if in_main_thread and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *_exception):
        if self._previous is not None:
            signal.signal(signal.SIGINT, signal.SIG_IGN if self.then_ignore else self._previous)
            self._previous = None
