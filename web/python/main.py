"""The web page's entry: code.py's wiring, with the browser as the board.

code.py reads settings.toml, makes the panel's display, the buttons and the font, and hands
them to app.start. ``start`` does the same with the page's stand-ins (displayio, keypad and
nvm beside this file; ``webhost`` is the page's JavaScript, web/engine.mjs): the settings
are the shipped settings.toml with the page's query written in (tools.settings_toml, the
simulator's reader), read and checked by app.settings as on the board. The page then calls
``Page.step`` once a frame.

Two ways to run:

- live: the clock is the browser's, checkpoints go to the browser's storage through
  ``webhost.save_nvm`` (a reload resumes like a power cycle), the buttons are the page's;
- deterministic (``batches``), as ``python -m sim --batches N`` runs code.py
  (sim/runner.py): a simulated clock that starts at 0 and moves ``round(1000 / fps)`` ms
  after every refresh, and an erased nvm kept nowhere. The run stops when the line of batch
  N + 1 is about to be printed, or once PULSE_MS + BACKWARD_PULSE_MS + 200 ms of simulated
  time have passed after batch N's, so its last frame is the simulator's ``--png``.
"""

import json
from binascii import hexlify, unhexlify

import displayio
import keypad
import nvm
import webhost

import app
from app import settings
from render.scene import Scene
from render.text import Font
from tools.settings_toml import lookup, with_overrides

SETTINGS = "settings.toml"
FONT = "fonts/tiny5.bdf"
WIDTH = 64
HEIGHT = 32
TICKS_PERIOD = 1 << 29  # supervisor.ticks_ms wraps here, and the app counts on it
TAIL_MS = 200  # python -m sim goes on this long after the last batch's pulses


class Stop(Exception):
    """The deterministic run has shown its last frame."""


class Page:
    """One run of the app on the page. ``overrides`` ({key: value}) are written into the
    shipped settings.toml; ``batches`` (None: live) and ``fps`` as ``python -m sim``'s;
    ``stored``: the browser's copy of the nvm as hex (None: erased)."""

    def __init__(self, overrides, batches, fps, stored):
        with open(SETTINGS, "rb") as file:
            self.base = file.read()
        self.text = with_overrides(self.base, overrides)
        with open(SETTINGS, "wb") as file:  # the page's drive: the file app.settings scans
            file.write(self.text)
        config, self.problems = settings.read(self.getenv, SETTINGS)
        self.batches = batches
        self.frame_ms = max(1, round(1000 / fps))
        self.now_ms = 0
        self.printed = 0  # batch lines printed ("(batch, best, test)")
        self.done = False
        self._stop_at = None
        on_refresh = None if batches is None else self._refreshed
        self.display = displayio.PanelDisplay(WIDTH, HEIGHT, webhost.show, on_refresh)
        self.events = keypad.EventQueue()
        with open(FONT) as bdf:
            font = Font(bdf)
        self.loop = app.start(
            Scene(self.display, font),
            self.events,
            self.ticks_ms,
            config,
            self.problems,
            storage=self._storage(stored),
            log=self.log,
        )
        self.bit_depth = self.loop.settings["LED_BIT_DEPTH"]

    def getenv(self, key):
        """The board's os.getenv on the page's settings.toml."""
        return lookup(self.text, key)

    def _storage(self, stored):
        if self.batches is not None:
            return nvm.ByteArray()
        data = None
        if stored:
            try:
                data = unhexlify(stored)
                nvm.ByteArray(data)
            except ValueError:
                self.log("the browser's copy of the nvm is unreadable: starting with it erased")
                data = None
        return nvm.ByteArray(data, lambda memory: webhost.save_nvm(hexlify(memory).decode()))

    def ticks_ms(self):
        """supervisor.ticks_ms(): the browser's milliseconds, or the simulated clock."""
        if self.batches is None:
            return int(webhost.now()) % TICKS_PERIOD
        return self.now_ms % TICKS_PERIOD

    def log(self, line):
        """A line for the serial console (the page's console panel)."""
        if self.batches is not None and line.startswith("("):
            if self.printed >= self.batches:
                raise Stop  # one batch more than asked for: stop before it shows
            self.printed += 1
        webhost.log(line)

    def _refreshed(self, display):
        """After every refresh of a deterministic run: the clock moves on one frame."""
        self.now_ms += self.frame_ms
        if self._stop_at is None and self.printed >= self.batches:
            shown = self.loop.settings
            self._stop_at = self.now_ms + shown["PULSE_MS"] + shown["BACKWARD_PULSE_MS"] + TAIL_MS
        if self._stop_at is not None and self.now_ms >= self._stop_at:
            raise Stop

    def step(self):
        """One frame; returns True once a deterministic run has stopped."""
        if not self.done:
            try:
                self.loop.step()
            except Stop:
                self.done = True
        return self.done

    def press(self, key_number, pressed, ms=None):
        """A button (0 UP, 1 DOWN) went down or up at ``ms`` on the browser's clock (a live
        run) or now."""
        if self.batches is None and ms is not None:
            stamp = int(ms) % TICKS_PERIOD
        else:
            stamp = self.ticks_ms()
        self.events.put(key_number, bool(pressed), stamp)

    def settings_toml(self):
        """The page's settings.toml: the text to copy onto CIRCUITPY for this run."""
        return self.text.decode()

    def problems_json(self):
        """The app's lines about bad settings, as a JSON list."""
        return json.dumps(self.problems)

    def settings_json(self):
        """Every key the app reads, as a JSON list of objects: ``key``, ``kind``, ``choices``
        (names) or ``range`` ([lo, hi]), ``help``, ``default``, ``value`` (what os.getenv
        returns now, or None) and ``shipped`` (what it returns for the shipped file)."""
        keys = []
        for key, default, kind, check, what in settings.SPECS:
            entry = {
                "key": key,
                "kind": kind,
                "help": what,
                "default": str(default),
                "value": lookup(self.text, key),
                "shipped": lookup(self.base, key),
            }
            if kind == "choice":
                entry["choices"] = sorted(check)
            elif check is not None:
                entry["range"] = list(check)
            keys.append(entry)
        return json.dumps(keys)


def start(options):
    """The Page for ``options``, a JSON object: ``overrides``, ``batches``, ``fps`` and
    ``stored`` (see Page)."""
    given = json.loads(options)
    return Page(given["overrides"], given["batches"], given["fps"], given["stored"])
