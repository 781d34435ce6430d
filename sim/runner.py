"""Run the device's code.py on the PC, unmodified, against the stand-in hardware.

The runner lays out a stand-in CIRCUITPY drive, whose settings.toml the stand-in for the
board's ``os.getenv`` (sim.devices.getenv) reads as CircuitPython does, advances the virtual
clock one frame per ``display.refresh()``, records frames, shows the optional window, and
stops code.py's endless loop by raising ``StopSimulation`` from the refresh hook, always
between two frames: once enough batches have been printed, at a simulated-time limit (a
paused run prints none), when asked to (Ctrl-C), or when the window closes.
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


# Why a run ended (Simulation.ended).
BATCHES_DONE = "batches done"
TIME_LIMIT = "time limit"
STOP_REQUESTED = "stop requested"
WINDOW_CLOSED = "window closed"
# The default time limit's allowance beyond the batches' own time: notices, the last pulses.
TIME_LIMIT_SLACK_MS = 60_000


class StopSimulation(Exception):
    """Raised inside code.py's loop to end the run; its argument, if any, says why."""


def default_time_limit_ms(settings, batches, frame_ms):
    """Simulated time in which ``batches`` batches surely finish unless the run is paused:
    as if every batch were animated, a frame more for every pulse, plus a minute. ``settings``
    are the app's validated ones (Loop.settings)."""
    sample_ms = settings["PULSE_MS"] + frame_ms
    batch_ms = settings["NN_BATCH_SIZE"] * sample_ms + settings["BACKWARD_PULSE_MS"] + 2 * frame_ms
    return batches * batch_ms + TIME_LIMIT_SLACK_MS


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
                    # One batch more than asked for: stop before it shows.
                    raise StopSimulation(BATCHES_DONE)
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
    BACKWARD_PULSE_MS, so the last batch's pulses are seen. ``time_limit_ms``: stop when the
    simulated clock has run this long, batches done or not (None: with ``batches``,
    default_time_limit_ms plus the tail; without, no limit). ``should_stop()``, asked after
    every frame, stops the run when true. ``ended`` then says why it stopped.

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
        time_limit_ms=None,
        should_stop=None,
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
        self.time_limit_ms = time_limit_ms
        self.should_stop = should_stop
        self.clock = clock or VirtualClock()
        self._start_ms = self.clock.now_ms
        self.ended = None
        self.board = None
        self.globals = {}
        self.serial = None
        self.frames = 0
        self._stop_at = None
        self._give_up_at = None
        self._wall_start = None

    @property
    def elapsed_ms(self):
        """Simulated time since the run started."""
        return self.clock.now_ms - self._start_ms

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
            raise StopSimulation(BATCHES_DONE)
        if self.elapsed_ms >= self._time_limit():
            raise StopSimulation(TIME_LIMIT)
        if self.should_stop is not None and self.should_stop():
            raise StopSimulation(STOP_REQUESTED)

    def _time_limit(self):
        if self._give_up_at is None:
            if self.time_limit_ms is not None:
                self._give_up_at = self.time_limit_ms
            elif self.batches is not None and self.loop is not None:
                self._give_up_at = self._tail() + default_time_limit_ms(
                    self.loop.settings, self.batches, self.frame_ms
                )
            else:
                return float("inf")  # no limit, or none known before code.py's loop exists
        return self._give_up_at

    def _show_in_window(self, matrix):
        self.window.show(matrix)  # also handles the window's key and close events
        if self.window.closed:
            raise StopSimulation(WINDOW_CLOSED)
        # Keep the virtual clock in step with the wall clock so the window plays in real time.
        ahead = self.clock.now_ms / 1000 - (time.monotonic() - self._wall_start)
        if ahead > 0:
            time.sleep(ahead)

    def run(self, stdout=None):
        """Execute code.py until stopped; returns the SerialTee with what it printed."""
        self.serial = SerialTee(stdout or sys.stdout, self.batches)
        self._wall_start = time.monotonic()
        self._start_ms = self.clock.now_ms
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
            except StopSimulation as stop:
                self.ended = stop.args[0] if stop.args else None
            finally:
                if self.window is not None:
                    self.window.close()
        return self.serial
