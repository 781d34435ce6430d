"""Run the device's code.py on the PC, unmodified, against the stand-in hardware.

The runner lays out a stand-in CIRCUITPY drive, whose settings.toml the stand-in for the
board's ``os.getenv`` (sim.devices.getenv) reads as CircuitPython does, advances the virtual
clock one frame per ``display.refresh()``, records frames, shows the optional window, and
stops code.py's endless loop by raising ``StopSimulation`` from the refresh hook once enough
batches have been printed.
"""

import contextlib
import io
import os
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

from sim.clock import VirtualClock
from sim.devices import install
from tools.circuitpy import ENTRY, FONTS, PACKAGES, SETTINGS
from tools.settings_toml import with_overrides

ROOT = Path(__file__).resolve().parent.parent


class StopSimulation(Exception):
    """Raised inside code.py's loop to end the run."""


def read_settings(path, overrides=None):
    """The bytes of the drive's settings.toml: the file at ``path`` as it is, with each of
    ``overrides`` ({key: value}) written in place of the line the board reads for that key,
    or as a new first line where it reads none (tools.settings_toml.with_overrides)."""
    return with_overrides(Path(path).read_bytes(), overrides or {})


class SerialTee(io.TextIOBase):
    """Passes code.py's console output through line by line and counts the per-batch plotter
    lines; the line of batch ``limit + 1`` stops the run instead. ``lines`` keeps the latest
    KEPT_LINES lines (bounded, so days-long runs do not grow)."""

    KEPT_LINES = 500

    def __init__(self, stream, limit=None):
        self.stream = stream
        self.limit = limit
        self.batches = 0
        self.lines = deque(maxlen=self.KEPT_LINES)
        self._partial = ""

    def write(self, text):
        self._partial += text
        *done, self._partial = self._partial.split("\n")
        for line in done:
            if line.startswith("("):
                if self.limit is not None and self.batches >= self.limit:
                    raise StopSimulation  # one batch more than asked for: stop before it shows
                self.batches += 1
            self.stream.write(line + "\n")
            self.lines.append(line)
        return len(text)

    def flush(self):
        self.stream.flush()


@contextlib.contextmanager
def circuitpy_drive(settings):
    """A temporary folder laid out like the CIRCUITPY drive, as the working directory.

    The project's device files (tools/circuitpy.py) are linked in and ``settings`` (bytes,
    from read_settings) written as its settings.toml, so code.py finds everything where it
    would on the board. Packages import from the repository the links point to, not through
    the drive: a module first imported during one run stays importable after its drive is
    gone (app.memory releases and later re-imports modules, across runs in one process too).
    """
    saved = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="CIRCUITPY-") as drive:
        for name in (ENTRY, *PACKAGES, FONTS):
            os.symlink(ROOT / name, Path(drive) / name)
        (Path(drive) / SETTINGS).write_bytes(settings)
        os.chdir(drive)
        sys.path.insert(0, str(ROOT))
        try:
            yield Path(drive)
        finally:
            sys.path.remove(str(ROOT))
            os.chdir(saved)


class Simulation:
    """One run of code.py with ``settings`` (read_settings' bytes) as the drive's settings.toml.
    ``batches``: stop after this many batches (None = until the window closes); then keep
    running ``tail_ms`` more, plus with ``last_pulse`` the run's own PULSE_MS and
    BACKWARD_PULSE_MS, so the last batch's pulses are seen.

    ``loop`` is the app's Loop that code.py started (its ``settings`` are the validated
    ones), read from code.py's globals.
    """

    def __init__(
        self,
        settings,
        *,
        batches=None,
        fps=25,
        key_script=(),
        recorder=None,
        window_scale=None,
        nvm_path=None,
        on_frame=None,
        tail_ms=0,
        last_pulse=False,
        clock=None,
    ):
        self.settings = settings
        self.batches = batches
        self.frame_ms = max(1, round(1000 / fps))
        self.key_script = key_script
        self.recorder = recorder
        self.window_scale = window_scale
        self.window = None
        self.nvm_path = nvm_path
        self.on_frame = on_frame
        self.tail_ms = tail_ms
        self.last_pulse = last_pulse
        self.clock = clock or VirtualClock()
        self.board = None
        self.globals = {}
        self.serial = None
        self.frames = 0
        self._stop_at = None
        self._wall_start = None

    @property
    def loop(self):
        """The Loop code.py is running (None before app.start has returned)."""
        return self.globals.get("loop")

    def _tail(self):
        if not self.last_pulse:
            return self.tail_ms
        settings = self.loop.settings  # validated by the app, as the board uses them
        return settings["PULSE_MS"] + settings["BACKWARD_PULSE_MS"] + self.tail_ms

    def _on_refresh(self, display):
        matrix = self.board.matrix
        self.frames += 1
        if self.recorder is not None:
            self.recorder.add(matrix, self.frame_ms)
        if self.on_frame is not None:
            self.on_frame(self)
        if self.window is not None:
            self._show_in_window(matrix)
        self.clock.advance(self.frame_ms)
        waiting = self.batches is not None and self._stop_at is None
        if waiting and self.serial.batches >= self.batches:
            self._stop_at = self.clock.now_ms + self._tail()
        if self._stop_at is not None and self.clock.now_ms >= self._stop_at:
            raise StopSimulation

    def _show_in_window(self, matrix):
        self.window.show(matrix)  # also handles the window's key and close events
        if self.window.closed:
            raise StopSimulation
        # Keep the virtual clock in step with the wall clock so the window plays in real time.
        ahead = self.clock.now_ms / 1000 - (time.monotonic() - self._wall_start)
        if ahead > 0:
            time.sleep(ahead)

    def run(self, stdout=None):
        """Execute code.py until stopped; returns the SerialTee with what it printed."""
        self.serial = SerialTee(stdout or sys.stdout, self.batches)
        self._wall_start = time.monotonic()
        with (
            install(
                self.clock,
                key_script=self.key_script,
                nvm_path=self.nvm_path,
                on_refresh=self._on_refresh,
            ) as board,
            circuitpy_drive(self.settings) as drive,
            contextlib.redirect_stdout(self.serial),
        ):
            self.board = board
            if self.window_scale:
                from sim.window import open_window

                self.window = open_window(board.buttons, scale=self.window_scale)
                if self.window is None:
                    raise RuntimeError("no window could be opened (see the message above)")
            self.globals = {"__name__": "__main__", "__file__": str(drive / "code.py")}
            source = (drive / "code.py").read_text()
            try:
                exec(compile(source, str(drive / "code.py"), "exec"), self.globals)
            except StopSimulation:
                pass
            finally:
                if self.window is not None:
                    self.window.close()
        return self.serial
