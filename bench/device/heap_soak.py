"""p5 body: the heap of a long run of nn and the pure render logic, under MicroPython.

Trains ``batches`` batches of the default 2-3-3-1 network on the default problem. As on the
board with FAST_FORWARD_BATCHES = 15, one batch in ``animate_every`` is animated: each sample
gets a show_forward and ``frames`` colours_at calls, the batch a show_backward and as many
frames; the others are trained unseen. After every batch the heap is sampled twice:

- raw: ``gc.mem_alloc()`` as it is (live data plus the garbage made since the last collect;
  also sampled after every animated sample);
- live: ``gc.mem_alloc()`` right after ``gc.collect()``.

Also prints the heap after each set-up step, the data's own bytes (the float arrays of the
data set and the index arrays), and an estimate of what boxed floats cost on this port:
distinct float objects reachable from the trainer and composer, times the measured bytes of
one boxed float (the M4 keeps floats in the object word, so there they cost nothing).
"""

import gc

SIZES = [2, 3, 3, 1]


def data_bytes(trainer):
    """Bytes of the data set's float arrays (4 per value) and of the shuffle order (2 each)."""
    total = 0
    for table in (trainer.train_x, trainer.test_x, trainer.train_y, trainer.test_y):
        total += 4 * len(table.values)
    return total + 2 * len(trainer._order)  # array("H"), read privately to count its bytes


def animate(trainer, composer, frames, pulse_ms):
    """One animated batch: each sample drawn as a pulse, then the batch's backward pulse.

    Returns the highest raw heap seen after a sample."""
    trace = trainer.forward_trace
    network = trainer.network
    step = pulse_ms // frames
    peak = 0
    finished = False
    while not finished:
        finished = trainer.train_sample()
        composer.show_forward(trace.outputs, trace.contributions, network.weights)
        for frame in range(frames):
            composer.colours_at(frame * step)
        peak = max(peak, gc.mem_alloc())
    grads = trainer.backward_trace
    composer.show_backward(grads.nodes, grads.weights, network.weights)
    for frame in range(frames):
        composer.colours_at(frame * step)
    return peak


def main(
    batches=1000,
    animate_every=16,
    frames=4,
    growth_from=100,
    seed=1,
    pulse_ms=300,
    count=False,
):
    """Print ``name value`` lines: set-up heap steps, peaks, growth and data bytes; with
    ``count``, also the boxed floats (the walk needs heap of its own: use a large heap).

    Set-up follows code.py, so that this measures what the app does: app.settings imports
    nn's registries (activations, losses, optim, schedules, problems), then checks the shape
    with render.layout; app.start imports the frame composer, app.memory and nn.checkpoint
    (its autosave), and app.memory.set_up makes the data, releases the data modules, builds
    the composer and releases the drawing modules; the network and trainer come last, with
    their modules. (BENCHMARKS.md, "RAM-saving tricks": T5, T11 and T12.)
    """
    gc.collect()
    print("heap_start", gc.mem_alloc())
    from nn import activations, checkpoint, losses, optim, problems, schedules  # noqa: F401

    gc.collect()
    print("heap_nn_code", gc.mem_alloc())
    from render.layout import Layout

    gc.collect()
    from app import memory
    from render.frame import FrameComposer

    gc.collect()
    print("heap_render_code", gc.mem_alloc())
    train_x, train_y, test_x, test_y = problems.load("regression", seed=seed)
    del problems
    memory.release(memory.DATA_MODULES)
    print("heap_data_released", gc.mem_alloc())
    composer = FrameComposer(Layout(SIZES), forward_ms=pulse_ms, backward_ms=3 * pulse_ms)
    del Layout
    gc.collect()
    print("heap_render_built", gc.mem_alloc())
    memory.release(memory.DRAWING_MODULES)
    print("heap_drawing_released", gc.mem_alloc())
    from nn.network import Network
    from nn.trainer import Trainer

    network = Network(SIZES, seed=seed)
    trainer = Trainer(network, train_x, train_y, test_x, test_y, batch_size=32)
    del train_x, train_y, test_x, test_y
    gc.collect()
    print("heap_trainer_built", gc.mem_alloc())
    print("heap_ready", gc.mem_alloc())
    peak_live = peak_raw = live_from = live_end = 0
    for batch in range(1, batches + 1):
        if batch % animate_every == 0:
            peak_raw = max(peak_raw, animate(trainer, composer, frames, pulse_ms))
        else:
            trainer.train_batch()
        peak_raw = max(peak_raw, gc.mem_alloc())
        gc.collect()
        live = gc.mem_alloc()
        peak_live = max(peak_live, live)
        if batch == growth_from:
            live_from = live
        live_end = live
    print("heap_total", gc.mem_alloc() + gc.mem_free())
    print("peak_live", peak_live)
    print("peak_raw", peak_raw)
    print("live_from", live_from)
    print("live_end", live_end)
    print("data_bytes", data_bytes(trainer))
    print("test_loss", trainer.test_loss)
    import micropython  # the interned names of every module loaded, released ones included

    micropython.qstr_info()
    if count:  # imported only here: the walk's own code must not count in the figures above
        from bench.device.boxing import count_floats, float_bytes

        print("float_bytes", float_bytes())
        print("float_objects", count_floats([trainer, composer]))
