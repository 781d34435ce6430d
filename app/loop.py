"""The main loop every host runs: trains, paces pulses, reads buttons.

One ``step()`` is one frame: read the button events, advance training and the pulse
timeline by the clock, give the scene the changed colours, refresh it once.
An animated mini-batch shows one forward pulse per sample and then one backward
pulse; ``fast_forward`` batches are then trained unseen (one per frame, so buttons
stay responsive) before the next animated batch. Time comes from a ticks_ms clock
(wraps at 2**29 ms) and is compared with adafruit_ticks, so days of uptime are fine.
"""

from adafruit_ticks import ticks_add, ticks_diff
from micropython import const

from render.curve import LossHistory
from render.readout import format_loss

from . import build, gestures

FORWARD = const(0)
BACKWARD = const(1)
FAST_FORWARD = const(2)
NAN = float("nan")
NOTICE_MS = const(1500)
SETTINGS_NOTICE_MS = const(6000)


def serial_line(trainer):
    """The per-batch console line, a tuple for Mu's plotter: (batch, best, test loss).

    A loss not known yet prints as nan."""
    values = (trainer.batch_loss, trainer.best_loss, trainer.test_loss)
    return "(%.5g, %.5g, %.5g)" % tuple(NAN if v is None else v for v in values)


class Loop:
    """Wires a trainer and a FrameComposer to a host's scene, button events and clock.

    See ``app.start`` for what the host provides; ``settings`` is the dict from
    app.settings.read, kept as ``settings`` for the host to read.
    """

    def __init__(
        self,
        scene,
        events,
        ticks_ms,
        trainer,
        composer,
        settings,
        *,
        log=print,
        autosave=None,
    ):
        self.settings = settings
        self.events = events
        self.ticks_ms = ticks_ms
        self.trainer = trainer
        self.composer = composer
        self.scene = scene
        self.log = log
        self.autosave = autosave
        self.fast_forward = settings["FAST_FORWARD_BATCHES"]
        self.show_loss = settings["SHOW_LOSS"]
        composer.weight_colours = settings["SHOW_COLOURS"]
        self.paused = False
        self.curve_view = False
        self.history = LossHistory(scene.width)
        self._gestures = gestures.Gestures()
        self._notice_until = None
        now = ticks_ms()
        self._phase = FAST_FORWARD
        self._fast_left = 0
        self._batch_done = False
        self._pulse_start = now
        self._frozen_t = 0
        self._update_readout()

    # -- what the buttons do -------------------------------------------------------------

    def notice(self, text, ms=NOTICE_MS):
        """Show a short message over the views for ``ms`` milliseconds."""
        self.scene.show_message(text)
        self._notice_until = (self.ticks_ms(), ms)

    def _read_buttons(self, now):
        event = self.events.get()
        while event is not None:
            stamp = getattr(event, "timestamp", None)
            action = self._gestures.event(event.key_number, event.pressed, stamp or now)
            if action is not None:
                self._do(action, now)
            event = self.events.get()

    def _do(self, action, now):
        if action == gestures.TOGGLE_READOUT:
            self.show_loss = not self.show_loss
            self._update_readout()
        elif action == gestures.TOGGLE_COLOURS:
            self.composer.weight_colours = not self.composer.weight_colours
        elif action == gestures.TOGGLE_PAUSE:
            self.paused = not self.paused
            if self.paused:
                self._frozen_t = ticks_diff(now, self._pulse_start)
            else:
                self._pulse_start = ticks_add(now, -self._frozen_t)
            self.notice("PAUSED" if self.paused else "GO ON")
        elif action == gestures.TOGGLE_VIEW:
            self.curve_view = not self.curve_view
            self.scene.show_curve(self.curve_view)
            self._draw_curve()
        elif action == gestures.RESTART:
            if self.autosave is not None:
                self.autosave.clear()
            seed = self._fresh_start()
            self.paused = False
            self.log("restart, seed %d" % seed)
            self.notice("RESTART")

    def _fresh_start(self):
        """New random weights, training from epoch 0; returns the new seed. The data stays
        (it was made from the boot's seed, which autosave goes on saving with it)."""
        seed = build.fresh_seed()
        build.restart(self.trainer, seed)
        self.history.clear()
        self._draw_curve()
        self._update_readout()
        self._phase = FAST_FORWARD
        self._fast_left = 0
        return seed

    def _recover(self):
        """After a diverged batch: halve the learning rate, go back to the last checkpoint
        (or fresh weights) and say so, on the console and the matrix."""
        trainer = self.trainer
        schedule = trainer.schedule
        schedule.rate0 *= 0.5
        self.log(
            "training diverged at batch %d (loss %.5g); learning rate halved to %g"
            % (trainer.batches, trainer.batch_loss, schedule.rate0)
        )
        if self.autosave is not None and self.autosave.load(trainer):
            trainer.optimizer.reset()  # momentum built up at the old rate would carry it off
            self.log("went back to the last checkpoint")
            self._update_readout()
            self._phase = FAST_FORWARD
            self._fast_left = 0
        else:
            self.log("restarted from fresh weights, seed %d" % self._fresh_start())
        self.notice("DIVERGED\nRATE HALVED", SETTINGS_NOTICE_MS)

    # -- training and pulses -------------------------------------------------------------

    def _start_sample(self, now):
        trainer = self.trainer
        self._batch_done = trainer.train_sample()
        trace = trainer.forward_trace
        self.composer.show_forward(trace.outputs, trace.contributions, trainer.network.weights)
        self._phase = FORWARD
        self._pulse_start = now
        if self._batch_done:
            self._after_batch()

    def _start_backward(self, now):
        trainer = self.trainer
        grads = trainer.backward_trace
        self.composer.show_backward(grads.nodes, grads.weights, trainer.network.weights)
        self._phase = BACKWARD
        self._pulse_start = now

    def _after_batch(self):
        trainer = self.trainer
        self.log(serial_line(trainer))
        if trainer.diverged:
            self._recover()
            return
        self.history.add(trainer.batch_loss)
        if self.autosave is not None:
            self.autosave.maybe_save(trainer, self.ticks_ms())
        self._update_readout()
        if self.curve_view:
            self._draw_curve()

    def _advance(self, now):
        t = ticks_diff(now, self._pulse_start)
        if self._phase == FORWARD:
            if self.composer.pulse_done(t):
                if self._batch_done:
                    self._start_backward(now)
                else:
                    self._start_sample(now)
        elif self._phase == BACKWARD:
            if self.composer.pulse_done(t):
                self._phase = FAST_FORWARD
                self._fast_left = self.fast_forward
        elif self._fast_left > 0:
            self.trainer.train_batch()  # one unseen batch per frame keeps the buttons live
            self._fast_left -= 1
            self._after_batch()
        else:
            self._start_sample(now)

    # -- drawing -------------------------------------------------------------------------

    def _update_readout(self):
        self.scene.set_readout(format_loss(self.trainer.best_loss), self.show_loss)

    def _draw_curve(self):
        if self.curve_view:
            self.scene.draw_curve(self.history, self.trainer.best_loss)

    def _expire_notice(self, now):
        if self._notice_until is not None:
            start, ms = self._notice_until
            if ticks_diff(now, start) >= ms:
                self._notice_until = None
                self.scene.show_message(None)

    def step(self):
        """One frame."""
        now = self.ticks_ms()
        self._read_buttons(now)
        if not self.paused:
            self._advance(now)
        self._expire_notice(now)
        if self._phase == FAST_FORWARD:
            colours = self.composer.rest_colours()
        else:
            t = self._frozen_t if self.paused else ticks_diff(now, self._pulse_start)
            colours = self.composer.colours_at(t)
        self.scene.show_colours(colours)
        self.scene.refresh()

    def run(self):
        """Frames forever (the board's main loop)."""
        while True:
            self.step()
