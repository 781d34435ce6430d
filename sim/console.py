"""Standard output and error that outlive their reader.

``python -m sim | head -1`` closes the pipe after one line; the next write to it raises
BrokenPipeError, which would end the run with a traceback and lose its files. ``Console``
drops what is written once its reader has gone, as a board keeps training when its serial
cable is pulled, and points the stream's file descriptor at the null device, so that the
interpreter's own last flush at exit has nowhere to fail either.
"""

import contextlib
import io
import os
import sys


class Console(io.TextIOBase):
    """A text stream writing to ``stream`` until its reader goes away, then nowhere."""

    def __init__(self, stream):
        self.stream = stream
        self.gone = False

    def write(self, text):
        """Write ``text`` (or drop it, once the reader has gone); returns its length."""
        if not self.gone:
            try:
                self.stream.write(text)
            except BrokenPipeError:
                self._reader_gone()
        return len(text)

    def flush(self):
        """Flush the stream, unless its reader has gone."""
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._reader_gone()

    def fileno(self):
        """The stream's file descriptor (the null device's, once the reader has gone)."""
        return self.stream.fileno()

    def isatty(self):
        """Whether the stream is a terminal."""
        return self.stream.isatty()

    def _reader_gone(self):
        self.gone = True
        with contextlib.suppress(OSError, ValueError):  # no file descriptor: nothing to flush
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self.stream.fileno())
            os.close(null)


@contextlib.contextmanager
def sturdy_console():
    """sys.stdout and sys.stderr as Consoles inside a ``with`` block."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Console(sys.stdout), Console(sys.stderr)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = saved
