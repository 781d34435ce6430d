"""p2 body: the Python work of one animation frame against one training sample.

Runs the animation's own sequence without displayio, as app.loop does it: train one
sample, ``show_forward`` its trace, then the frames of its pulse, each ``colours_at`` for
every element of the default 2-3-3-1 network. One pulse lasts ``pulse_ms`` (settings
PULSE_MS, default 300) at ``fps`` frames per second (the board aims at about 50), so one
show_forward is shared by pulse_ms * fps / 1000 frames (15). Each phase is timed on its own
around every call, so training and drawing interleave at the finest grain, with real traces.
The backward pulse (one show_backward per batch, 45 frames) is left out: it is a
``colours_at`` like any other, and its show_backward costs less than one show_forward per 32.

Reading the clock costs time too (a call or two, and under MicroPython a boxed number); that
cost, measured around an empty phase, is taken off every phase.

Prints, per round (one epoch), the median-ready figures: sample_us, colours_at_us,
show_forward_us, frame_us and frame_vs_sample.
"""

from bench.device.clock import elapsed_us, ticks_us

CALIBRATION_READS = 2000


def clock_cost_us():
    """Mean microseconds that timing an empty phase reports."""
    total = 0
    for _ in range(CALIBRATION_READS):
        start = ticks_us()
        total += elapsed_us(start)
    return total / CALIBRATION_READS


def main(rounds=9, epochs_per_round=1, pulse_ms=300, fps=50, seed=1):
    """Print ``name value`` lines: one set per round, and ``frames_per_pulse``."""
    import nn
    from render.frame import FrameComposer
    from render.layout import Layout

    train_x, train_y, test_x, test_y = nn.problems.load("regression", seed=seed)
    network = nn.Network([2, 3, 3, 1], seed=seed)
    trainer = nn.Trainer(network, train_x, train_y, test_x, test_y, batch_size=32)
    composer = FrameComposer(Layout(network.sizes), forward_ms=pulse_ms)
    trace = trainer.forward_trace
    frame_ms = 1000 // fps
    frames_per_pulse = pulse_ms // frame_ms
    print("frames_per_pulse", frames_per_pulse)
    # Whole epochs: the batch ends (SGD steps) and the epoch's test evaluation are included.
    samples = epochs_per_round * trainer.batches_per_epoch * trainer.batch_size
    trainer.train_batch()  # warm-up
    for round_number in range(rounds):
        train = show = colour = 0
        for _sample in range(samples):
            start = ticks_us()
            trainer.train_sample()
            train += elapsed_us(start)
            start = ticks_us()
            composer.show_forward(trace.outputs, trace.contributions, network.weights)
            show += elapsed_us(start)
            start = ticks_us()
            for frame in range(frames_per_pulse):
                composer.colours_at(frame * frame_ms)
            colour += elapsed_us(start)
        clock = clock_cost_us()
        sample_us = train / samples - clock
        show_us = show / samples - clock
        colours_us = (colour / samples - clock) / frames_per_pulse
        frame_us = colours_us + show_us / frames_per_pulse
        print("round", round_number)
        print("clock_us", clock)
        print("sample_us", sample_us)
        print("colours_at_us", colours_us)
        print("show_forward_us", show_us)
        print("frame_us", frame_us)
        print("frame_vs_sample", frame_us / sample_us)
