"""Palette colours of every animation frame: one pass's values, shaped by the pulse timeline.

Runs unchanged under CPython, MicroPython and CircuitPython; it never touches displayio. The scene
gives every node and link segment its own palette index (see `render.layout`); a frame is just
the list of palette colours that `colours_at` fills. Per pass (`show_forward` once per sample,
`show_backward` once per mini-batch) values are normalised once; per frame each element only
multiplies its value by its stage's envelope and indexes a precomputed colour table. Nothing is
allocated after construction (on the board, where floats are not heap objects).

The composer keeps no reference to the Layout: everything a frame needs is copied into compact
arrays at construction, so the Layout (pixel lists, only needed to draw the scene once) can be
freed. Values are stored as float32, which is all the board's floats hold anyway. For the
same reason `brightness_table` is imported only while the tables are built: the colour module
is set-up code too (see app.memory).
"""

from array import array

from render.colour import (
    BRIGHTNESS_STEPS,
    DEFAULT_GAMMA,
    LINK_NEGATIVE,
    LINK_NEUTRAL,
    LINK_POSITIVE,
    NODE_WHITE,
)
from render.normalise import normalise
from render.timeline import Timeline, backward_stages, forward_stages, stage_count


class FrameComposer:
    """Colours for every palette index of a `Layout`, frame by frame.

    Nodes glow warm white with |output| (forward) or |dL/da| (backward), normalised among nodes.
    Links glow with |contribution| (forward) or |weight gradient| (backward), normalised among
    links, red for a positive weight and blue for a negative one (the live weights of that pass),
    or neutral grey-white when `weight_colours` is False or the weight is 0 or NaN.

    Attributes: forward_timeline, backward_timeline, timeline (the one of the pass shown now),
    colours (palette_size 0xRRGGBB ints: index 0 and the readout index stay black, the loss text
    has its own palette; the rest written by `colours_at` and `rest_colours`).
    """

    def __init__(
        self,
        layout,
        *,
        bit_depth=6,
        gamma=DEFAULT_GAMMA,
        forward_ms=1000,
        backward_ms=1000,
        weight_colours=True,
        steps=BRIGHTNESS_STEPS,
    ):
        """Build colour tables, both timelines and every buffer a frame will need.

        forward_ms / backward_ms: length of one forward (per sample) / backward (per batch) pulse.
        """
        stages = stage_count(layout)
        self.forward_timeline = Timeline(stages, duration_ms=forward_ms)
        self.backward_timeline = Timeline(stages, duration_ms=backward_ms)
        self.timeline = self.forward_timeline
        # Stage numbers and palette indices are small: bytes and shorts, not lists of ints.
        self._forward_stage = array("B", forward_stages(layout))
        self._backward_stage = array("B", backward_stages(layout))

        from render.colour import brightness_table

        def table(hue):
            return array("I", brightness_table(hue, bit_depth=bit_depth, gamma=gamma, steps=steps))

        self._node_table = table(NODE_WHITE)
        self._positive_table = table(LINK_POSITIVE)
        self._negative_table = table(LINK_NEGATIVE)
        self._neutral_table = table(LINK_NEUTRAL)
        self._top_step = steps - 1
        self._element_end = layout.readout_index  # elements are palette indices 1..end-1
        links = layout.links
        self._node_palette = array("H", [i for indices in layout.node_index for i in indices])
        self._link_first_segment = array(
            "H", [layout.segment_index[layer][j][i][0] for layer, j, i in links]
        )
        self._link_segment_count = array("B", [layout.segments[layer] for layer, _j, _i in links])
        self._node_values = array("f", bytes(4 * len(self._node_palette)))
        self._link_values = array("f", bytes(4 * len(links)))
        self._link_sign = array("b", bytes(len(links)))
        size = layout.palette_size
        # Per palette index: normalised value * top step, and the colour table it indexes.
        self._scaled = array("f", bytes(4 * size))
        self._tables = [self._node_table] * size
        self._stage = self._forward_stage
        self._weight_colours = bool(weight_colours)
        self._apply_link_tables()
        self.colours = [0] * size
        self.rest_colours()

    def __repr__(self):
        return "FrameComposer(%d elements, %r)" % (self._element_end - 1, self.timeline)

    @property
    def weight_colours(self):
        """True: links red/blue by the sign of their weight; False: neutral grey-white."""
        return self._weight_colours

    @weight_colours.setter
    def weight_colours(self, enabled):
        self._weight_colours = bool(enabled)
        self._apply_link_tables()

    def show_forward(self, outputs, contributions, weights):
        """Start showing one sample's forward pass (the next frames' colours come from it).

        outputs[l][n]: node outputs (outputs[0] the inputs); contributions[l][j][i]: input i's
        share of node j's sum in layer l + 1; weights[l][j][i]: the live weights.
        """
        self._gather_nodes(outputs)
        self._gather_links(contributions)
        self._note_signs(weights)
        self.timeline = self.forward_timeline
        self._stage = self._forward_stage
        self._scatter()

    def show_backward(self, node_grads, weight_grads, weights):
        """Start showing one mini-batch's backward pass (mean dL/da per node, dL/dw per link)."""
        self._gather_nodes(node_grads)
        self._gather_links(weight_grads)
        self._note_signs(weights)
        self.timeline = self.backward_timeline
        self._stage = self._backward_stage
        self._scatter()

    def colours_at(self, t_ms):
        """Fill and return `colours` for t_ms since the current pulse started."""
        envelope = self.timeline.envelopes(t_ms)
        # Local aliases: in this loop an attribute lookup costs as much as the arithmetic.
        stage = self._stage
        scaled = self._scaled
        tables = self._tables
        colours = self.colours
        for index in range(1, self._element_end):
            # scaled <= top step and envelope <= 1, so the step is always inside the table.
            colours[index] = tables[index][int(scaled[index] * envelope[stage[index]] + 0.5)]
        return colours

    def pulse_done(self, t_ms):
        """True once the current pulse has finished and every element is back at rest."""
        return self.timeline.done(t_ms)

    def rest_colours(self):
        """Fill and return `colours` with every element at its rest glow."""
        tables = self._tables
        colours = self.colours
        for index in range(1, self._element_end):
            colours[index] = tables[index][0]
        return colours

    def _gather_nodes(self, rows):
        """|value| of every node, flat in palette order, normalised among nodes."""
        values = self._node_values
        k = 0
        for row in rows:
            for value in row:
                values[k] = abs(value)
                k += 1
        normalise(values, values)

    def _gather_links(self, layers):
        """|value| of every link, flat in palette order ((l, j, i)), normalised among links."""
        values = self._link_values
        k = 0
        for rows in layers:
            for row in rows:
                for value in row:
                    values[k] = abs(value)
                    k += 1
        normalise(values, values)

    def _note_signs(self, weights):
        """Remember each link's weight sign: 1, -1, or 0 for zero and NaN."""
        signs = self._link_sign
        k = 0
        for rows in weights:
            for row in rows:
                for weight in row:
                    signs[k] = 1 if weight > 0 else (-1 if weight < 0 else 0)
                    k += 1
        self._apply_link_tables()

    def _scatter(self):
        """Copy the normalised values to every palette index that shows them."""
        top = self._top_step
        scaled = self._scaled
        node_values = self._node_values
        node_palette = self._node_palette
        for k in range(len(node_palette)):
            scaled[node_palette[k]] = node_values[k] * top
        link_values = self._link_values
        first_segment = self._link_first_segment
        segment_count = self._link_segment_count
        for k in range(len(link_values)):
            value = link_values[k] * top
            first = first_segment[k]
            for index in range(first, first + segment_count[k]):
                scaled[index] = value

    def _apply_link_tables(self):
        """Point every link segment at the colour table for its sign (or the neutral one)."""
        tables = self._tables
        signs = self._link_sign
        first_segment = self._link_first_segment
        segment_count = self._link_segment_count
        neutral = self._neutral_table
        for k in range(len(signs)):
            table = neutral
            if self._weight_colours and signs[k]:
                table = self._positive_table if signs[k] > 0 else self._negative_table
            first = first_segment[k]
            for index in range(first, first + segment_count[k]):
                tables[index] = table
