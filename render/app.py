"""Assemble the visualiser from validated settings: scene, colours, trainer, loop."""

import gc

from . import model, release
from .frame import FrameComposer
from .keeper import Keeper
from .loop import SETTINGS_NOTICE_MS, Loop
from .scene import Scene


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


def draw(settings, font, width, height):
    """The Scene (network drawn once) and its FrameComposer; neither keeps the Layout."""
    from .layout import Layout

    layout = Layout(settings["NN_LAYERS"], width=width, height=height)
    composer = FrameComposer(
        layout,
        bit_depth=settings["LED_BIT_DEPTH"],
        gamma=settings["LED_GAMMA"],
        forward_ms=settings["PULSE_MS"],
        backward_ms=settings["BACKWARD_PULSE_MS"],
    )
    return Scene(layout, font, width=width, height=height), composer


def start(display, events, ticks_ms, font, settings, problems, *, nvm=None, log=print):
    """Build everything and return the Loop (call ``run()`` on it).

    With ``nvm`` (microcontroller.nvm) training resumes from the newest checkpoint made
    under the same settings, and new checkpoints are kept there.
    """
    for problem in problems:
        log("settings.toml: " + problem)
    # The picture first, while the heap is nearly empty: the layout is the largest module to
    # compile, and after drawing nothing of it is needed again.
    scene, composer = draw(settings, font, display.width, display.height)
    release.forget(*release.DRAWING_MODULES)
    keeper = Keeper(nvm, settings, log=log)
    state, reason = keeper.find()
    seed = state.seed if state else settings["NN_SEED"] or model.fresh_seed()
    trainer = model.build(settings, seed)  # the data is made from the seed: rebuild it first
    release.forget(*release.DATA_MODULES)
    keeper.seed = seed
    for line in banner(settings, seed):
        log(line)
    if state:
        keeper.load(trainer)
        log("resumed from checkpoint: epoch %d, batch %d" % (trainer.epoch, trainer.batches))
    else:
        log("starting fresh: " + reason)
    loop = Loop(
        display, events, ticks_ms, trainer, composer, scene, settings, log=log, keeper=keeper
    )
    if problems:
        keys = [problem.split(":")[0][:16] for problem in problems[:4]]
        loop.notice("BAD SETTINGS:\n" + "\n".join(keys), SETTINGS_NOTICE_MS)
    return loop
