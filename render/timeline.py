"""When each element of the network lights during one pulse, in milliseconds.

Runs unchanged under CPython, MicroPython and CircuitPython. A pulse is a chain of stages. Forward
(once per sample) runs left to right: input nodes, then the links out of them segment by segment
from source to destination, then the next layer's nodes, and so on to the output node. Backward
(once per mini-batch) is the same chain right to left. Every stage ramps up and back down over
`ramp_ms` each way, and the next stage starts when this one is half-way up (as the original did),
so the pulse visibly travels; after `duration_ms` every stage is back at rest.

A frame computes one envelope value per stage into a preallocated array; elements look up their
stage, so per-frame cost grows with the number of stages (15 for 2-3-3-1), not of elements.
"""

from array import array


def stage_count(layout):
    """Stages of one pulse through `layout`: one per layer of nodes, one per link segment."""
    return len(layout.sizes) + sum(layout.segments)


def forward_stages(layout):
    """Stage of every palette index for a left-to-right pulse (0 for background and readout).

    Layer l's nodes come after every earlier layer's nodes and every earlier gap's segments; the
    segments of the gap after them follow in order from source to destination.
    """
    stages = [0] * layout.palette_size
    node_stage = 0
    for layer, indices in enumerate(layout.node_index):
        for index in indices:
            stages[index] = node_stage
        if layer < len(layout.segment_index):
            for row in layout.segment_index[layer]:
                for link in row:
                    for k, index in enumerate(link):
                        stages[index] = node_stage + 1 + k
            node_stage += 1 + layout.segments[layer]
    return stages


def backward_stages(layout):
    """Stage of every palette index for a right-to-left pulse: the forward chain reversed."""
    last = stage_count(layout) - 1
    stages = [last - stage for stage in forward_stages(layout)]
    stages[0] = stages[layout.readout_index] = 0
    return stages


class Timeline:
    """Brightness envelope of each stage of one pulse over time.

    Attributes: stage_count, duration_ms, ramp_ms (one way), envelope (stage_count floats, the
    values of the last `envelopes` call).
    """

    def __init__(self, stages, *, duration_ms=1000):
        """A pulse of `stages` stages lasting `duration_ms` milliseconds."""
        if not duration_ms > 0:
            raise ValueError("duration_ms must be positive; got %r" % (duration_ms,))
        self.stage_count = stages
        self.duration_ms = duration_ms
        # Stage s starts at s * ramp / 2 and ends 2 * ramp later, so the last one ends at
        # (stages - 1) * ramp / 2 + 2 * ramp = duration_ms.
        self.ramp_ms = 2.0 * duration_ms / (stages + 3)
        self._inverse_ramp = 1.0 / self.ramp_ms
        half_ramp = self.ramp_ms / 2.0
        self._starts = array("f", [stage * half_ramp for stage in range(stages)])
        self.envelope = array("f", bytes(4 * stages))

    def __repr__(self):
        return "Timeline(%d stages, %r ms)" % (self.stage_count, self.duration_ms)

    def envelopes(self, t_ms):
        """Each stage's brightness factor (0..1) at t_ms since the pulse started.

        Fills and returns the preallocated `envelope` array: no allocation on the board.
        """
        # Local aliases: attribute lookups cost more than the arithmetic in this loop.
        starts = self._starts
        inverse_ramp = self._inverse_ramp
        envelope = self.envelope
        for stage in range(self.stage_count):
            phase = (t_ms - starts[stage]) * inverse_ramp
            if phase <= 0.0 or phase >= 2.0:
                envelope[stage] = 0.0
            elif phase < 1.0:
                envelope[stage] = phase
            else:
                envelope[stage] = 2.0 - phase
        return envelope

    def done(self, t_ms):
        """True once every stage is back at rest."""
        return t_ms >= self.duration_ms
