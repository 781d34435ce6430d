"""Assemble a run from validated settings and what the host provides (see app.start)."""

import gc

from render.frame import FrameComposer

from . import build, memory
from .autosave import Autosave


def _free_kb():
    try:
        return "%d KB free" % (gc.mem_free() // 1024)
    except AttributeError:  # CPython has no gc.mem_free
        return "free memory unknown"


def banner(settings, seed):
    """Start-of-run console lines: what will train, and how much memory is left."""
    s = settings
    return (
        "nn-matrix: %s %s->%s, loss %s, %s lr %s %s, batch %d, %s data, seed %d"
        % (
            "-".join(str(n) for n in s["NN_LAYERS"]),
            s["NN_ACTIVATION"],
            s["NN_OUTPUT_ACTIVATION"],
            s["NN_LOSS"],
            s["NN_OPTIMIZER"],
            s["NN_LEARNING_RATE"],
            s["NN_SCHEDULE"],
            s["NN_BATCH_SIZE"],
            s["NN_DATASET"],
            seed,
        ),
        "pulses %d/%d ms, fast-forward %d batches, %s"
        % (s["PULSE_MS"], s["BACKWARD_PULSE_MS"], s["FAST_FORWARD_BATCHES"], _free_kb()),
    )


def draw(scene, settings):
    """Draw the network into ``scene`` once and return its FrameComposer.

    Neither keeps the Layout, so its module can be released afterwards."""
    from render.layout import Layout

    layout = Layout(settings["NN_LAYERS"], width=scene.width, height=scene.height)
    scene.draw_network(layout)
    return FrameComposer(
        layout,
        bit_depth=settings["LED_BIT_DEPTH"],
        gamma=settings["LED_GAMMA"],
        forward_ms=settings["PULSE_MS"],
        backward_ms=settings["BACKWARD_PULSE_MS"],
    )


def start(scene, events, ticks_ms, settings, problems=(), *, storage=None, log=print):
    """Build everything and return the Loop; the host calls ``step()`` once per frame (or
    ``run()``, which never returns).

    What the host provides:

    - ``scene``: the picture. ``width`` and ``height`` in pixels; ``draw_network(layout)``
      draws the network once, each element in its own palette index (render.layout);
      ``show_colours(colours)`` sets the palette (a list of 0xRRGGBB, index 0 stays black);
      ``set_readout(text, visible)``; ``show_curve(visible)`` and
      ``draw_curve(history, best)`` for the loss-curve view; ``show_message(text or None)``
      over everything; ``refresh()`` shows the frame. render.scene is the displayio one.
    - ``events``: button events, ``get()`` -> an event with ``key_number`` (0 up, 1 down),
      ``pressed`` and ``timestamp`` (ms), or None; keypad.Keys().events on the board.
    - ``ticks_ms``: a millisecond clock that wraps at 2**29, as supervisor.ticks_ms.
    - ``storage``: where checkpoints live, a fixed-size bytes-like object with slice reads
      and writes (microcontroller.nvm); None keeps nothing.
    - ``log``: one line of text for the serial console.

    ``settings`` and ``problems`` come from app.settings.read. Training resumes from the
    newest checkpoint in ``storage`` made under the same training settings.
    """
    for problem in problems:
        log("settings.toml: " + problem)
    autosave = Autosave(storage, settings, log=log)
    state, reason = autosave.find()
    seed = state.seed if state else settings["NN_SEED"] or build.fresh_seed()
    composer, trainer = memory.set_up(
        lambda: build.data(settings, seed),  # the data comes from the seed
        lambda: draw(scene, settings),
        lambda tables: build.trainer_on(settings, tables),
    )
    autosave.seed = seed
    # Only now, into the room the set-up modules gave back (app.memory, T10).
    from .loop import SETTINGS_NOTICE_MS, Loop

    for line in banner(settings, seed):
        log(line)
    if state:
        autosave.load(trainer)
        log("resumed from checkpoint: epoch %d, batch %d" % (trainer.epoch, trainer.batches))
    else:
        log("starting fresh: " + reason)
    loop = Loop(scene, events, ticks_ms, trainer, composer, settings, log=log, autosave=autosave)
    if problems:
        keys = []
        for problem in problems:
            key = problem.split(":")[0][:16]
            if key not in keys:  # a key with two problems is named once
                keys.append(key)
        loop.notice("BAD SETTINGS:\n" + "\n".join(keys[:4]), SETTINGS_NOTICE_MS)
    return loop
