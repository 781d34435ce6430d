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

FLOAT_PROBE = 64  # floats allocated to measure the cost of one boxed float


def float_bytes():
    """Heap bytes of one boxed float on this interpreter (0 where floats are not boxed)."""
    probe = [None] * FLOAT_PROBE
    gc.collect()
    before = gc.mem_alloc()
    for k in range(FLOAT_PROBE):
        probe[k] = k + 0.5
    gc.collect()
    return (gc.mem_alloc() - before) // FLOAT_PROBE


def count_floats(roots):
    """Distinct float objects reachable from ``roots`` through lists, tuples, dicts and
    instance attributes. An explicit stack, not recursion: the heap is small."""
    seen = set()
    stack = list(roots)
    count = 0
    while stack:
        value = stack.pop()
        if isinstance(value, float):
            if id(value) not in seen:
                seen.add(id(value))
                count += 1
            continue
        if isinstance(value, (int, str, bytes, bytearray, memoryview)) or callable(value):
            continue
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, (list, tuple)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        else:
            attributes = getattr(value, "__dict__", None)
            if isinstance(attributes, dict):
                stack.extend(attributes.values())
    return count


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
    ``count``, also the boxed floats (the walk needs heap of its own: use a large heap)."""
    gc.collect()
    print("heap_start", gc.mem_alloc())
    import nn
    from render.frame import FrameComposer
    from render.layout import Layout

    gc.collect()
    print("heap_imported", gc.mem_alloc())
    train_x, train_y, test_x, test_y = nn.problems.load("regression", seed=seed)
    network = nn.Network([2, 3, 3, 1], seed=seed)
    trainer = nn.Trainer(network, train_x, train_y, test_x, test_y, batch_size=32)
    gc.collect()
    print("heap_trainer", gc.mem_alloc())
    layout = Layout(network.sizes)
    composer = FrameComposer(layout, forward_ms=pulse_ms, backward_ms=3 * pulse_ms)
    gc.collect()
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
    if count:
        print("float_objects", count_floats([trainer, composer, layout]))
        print("float_bytes", float_bytes())
    print("test_loss", trainer.test_loss)
