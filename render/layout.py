"""Where every node and link of the network sits on the 64x32 LED matrix.

Pure geometry (no displayio), so it runs unchanged under CPython, MicroPython and CircuitPython.
A `Layout` places one column of nodes per layer, draws links as centre-to-centre Bresenham lines,
cuts each link into a few segments for the travelling pulse, and plans the palette: one index per
animated element, so the scene draws the geometry once and a frame only changes palette colours.

Pixels are flat indices ``x + width * y`` (what ``displayio.Bitmap[index]`` accepts): a flat int
costs one list slot where an ``(x, y)`` tuple costs a heap object, and the board has ~150 KB.
"""

from array import array

from micropython import const

from render.geometry import (
    DoesNotFit,
    column_xs,
    cross_and_length,
    disc_offsets,
    line_points,
    max_nodes,
    node_rows,
    piece_length,
)

# The loss readout's box in the lower right corner, and the empty margin kept around it.
READOUT_WIDTH = const(17)
READOUT_HEIGHT = const(5)
READOUT_CLEARANCE = const(1)

# Columns run from the original's input column to its output column (x = 4 and 58 on 64 px).
FIRST_COLUMN_X = const(4)
LAST_COLUMN_MARGIN = const(6)
# Preferred node radius first; a crowded shape falls back to the smaller one.
NODE_RADII = (2, 1)
# How far a column may slide left (px) to let its bottom node clear the readout box.
MAX_COLUMN_NUDGE = const(4)
# A link gets one segment per this many visible pixels, up to MAX_SEGMENTS.
PIXELS_PER_SEGMENT = const(3)
MAX_SEGMENTS = const(4)

# Pixel owners while the layout is built: free, link k of the current gap stored as k + 1,
# a link of an earlier gap, or a node disc.
_FREE = const(0)
_SETTLED = const(254)
_NODE = const(255)


def _check_sizes(sizes):
    """Reject shapes that are not a network before any geometry is tried."""
    if len(sizes) < 2:
        raise ValueError(
            "a network needs at least 2 layers (inputs and outputs); got %d" % len(sizes)
        )
    for layer, count in enumerate(sizes):
        if count < 1:
            raise ValueError("layer %d has %d nodes; every layer needs at least 1" % (layer, count))


class Layout:
    """Node centres, link pixels, link segments and the palette index plan for one network shape.

    Palette plan: index 0 is the black background, then one index per node (layer by layer),
    then one per link segment (link by link in (layer, destination j, source i) order, segments
    from source to destination), then `readout_index` for the loss text; `palette_size` in all.

    A pixel inside any node disc belongs to that node. Where links of one gap cross or share
    pixels, a pixel belongs to the link whose ideal centre-to-centre line passes closest to the
    pixel's centre (ties go to the link listed first), so each line keeps the pixels that draw it
    best. Links of different gaps can only meet on a column, next to a disc; the earlier gap
    keeps such a pixel.

    Attributes:
      sizes, width, height, radius; columns[l] (x); centres[l][n] ((x, y));
      readout_box ((x, y, w, h)); links (every (l, j, i) in palette order);
      segments[l] (segments per link from layer l to l + 1);
      node_index[l][n], segment_index[l][j][i][k], readout_index, palette_size;
    and pixels_of(index) / elements() give the pixels drawn with each palette index.
    """

    def __init__(self, sizes, *, width=64, height=32):
        """Place `sizes` (nodes per layer) on a width x height matrix, or raise ValueError."""
        self.sizes = [int(count) for count in sizes]
        _check_sizes(self.sizes)
        self.width = width
        self.height = height
        self.readout_box = (
            width - READOUT_WIDTH,
            height - READOUT_HEIGHT,
            READOUT_WIDTH,
            READOUT_HEIGHT,
        )
        # Every pixel with x >= keep_x and y >= keep_y is the box or its clear margin.
        self._keep_x = self.readout_box[0] - READOUT_CLEARANCE
        self._keep_y = self.readout_box[1] - READOUT_CLEARANCE
        self.radius, self.columns, self.centres = self._place()
        self.links = [
            (layer, j, i)
            for layer in range(len(self.sizes) - 1)
            for j in range(self.sizes[layer + 1])
            for i in range(self.sizes[layer])
        ]
        owned = self._link_pixels()
        self.segments = self._segment_counts(owned)
        self._plan_palette(owned)

    def __repr__(self):
        return "Layout(%r, radius %d, palette %d)" % (self.sizes, self.radius, self.palette_size)

    def elements(self):
        """(palette index, [(x, y), ...]) for every node and link segment, to draw each once."""
        for index in range(1, self.readout_index):
            yield index, [self.xy(pixel) for pixel in self.pixels_of(index)]

    def pixels_of(self, index):
        """Flat pixels (x + width * y) drawn with palette `index`: a memoryview of 16-bit ints.

        Empty for the background (0) and the readout. Flat indices suit ``bitmap[p] = index``;
        `elements` gives (x, y) pairs instead.
        """
        starts = self._pixel_starts
        return memoryview(self._pixel_data)[starts[index] : starts[index + 1]]

    def xy(self, pixel):
        """The (x, y) of a flat pixel index."""
        return pixel % self.width, pixel // self.width

    def link_line(self, layer, j, i):
        """Full Bresenham line of the link from node i of `layer` to node j of the next layer.

        Flat pixels from the source centre to the destination centre, before discs and crossings
        take their share.
        """
        x0, y0 = self.centres[layer][i]
        x1, y1 = self.centres[layer + 1][j]
        return line_points(x0, y0, x1, y1, self.width)

    # Placement -------------------------------------------------------------------------------

    def _place(self):
        """Try each radius, largest first; return (radius, columns, centres)."""
        complaint = ""
        for radius in NODE_RADII:
            try:
                columns, centres = self._place_with_radius(radius)
                return radius, columns, centres
            except DoesNotFit as error:
                complaint = str(error)
        raise ValueError(
            "network %r does not fit a %dx%d matrix: %s"
            % (self.sizes, self.width, self.height, complaint)
        )

    def _place_with_radius(self, radius):
        """Columns by link weight, then rows layer by layer from the right.

        Right to left, because a layer may only be placed once the layer it links to is fixed:
        its links must then clear the readout box too.
        """
        sizes = self.sizes
        limit = max_nodes(radius, self.height - 1)
        for layer, count in enumerate(sizes):
            if count > limit:
                raise DoesNotFit(
                    "layer %d has %d nodes; at most %d fit in %d rows"
                    % (layer, count, limit, self.height)
                )
        min_gap = 2 * radius + 4  # at least 3 link pixels between facing discs
        right = self.width - LAST_COLUMN_MARGIN
        xs = column_xs(sizes, FIRST_COLUMN_X, right, min_gap)
        columns = [0] * len(sizes)
        centres = [None] * len(sizes)
        for layer in range(len(sizes) - 1, -1, -1):
            least_x = xs[layer - 1] + min_gap if layer else radius
            column = self._place_layer(layer, radius, xs[layer], least_x, centres)
            columns[layer] = column[0][0]
            centres[layer] = column
        return columns, centres

    def _place_layer(self, layer, radius, x, least_x, centres):
        """Centres for one layer: full height first, then slid a little left, then kept above
        the readout box; the first that clears the box (nodes and links to the next layer)."""
        count = self.sizes[layer]
        shortened = self._keep_y - 1
        following = centres[layer + 1] if layer + 1 < len(centres) else None
        for bottom in (self.height - 1, shortened):
            rows = node_rows(count, radius, bottom, (self.height - 1) // 2)
            if rows is None:
                continue
            for nudge in range(MAX_COLUMN_NUDGE + 1):
                if x - nudge < least_x:
                    break
                column = [(x - nudge, y) for y in rows]
                if self._column_clear(column, radius, following):
                    return column
        limit = max_nodes(radius, shortened)
        raise DoesNotFit(
            "layer %d has %d nodes; at most %d fit beside the readout box (rows 0..%d)"
            % (layer, count, limit, shortened)
        )

    def _column_clear(self, column, radius, next_column):
        """True if no disc of `column` and no link to `next_column` touches the readout box."""
        offsets = disc_offsets(radius)
        for x, y in column:
            for dx, dy in offsets:
                if self._in_keepout(x + dx, y + dy):
                    return False
        if next_column is None:
            return True
        for x0, y0 in column:
            for x1, y1 in next_column:
                for x, y in line_points(x0, y0, x1, y1):
                    if self._in_keepout(x, y):
                        return False
        return True

    def _in_keepout(self, x, y):
        """True for a pixel of the readout box or its clear margin."""
        return x >= self._keep_x and y >= self._keep_y

    # Pixels ----------------------------------------------------------------------------------

    def _link_pixels(self):
        """Per link (palette order), the pixels it owns, from source to destination.

        One byte per screen pixel (2 KB: the board's heap is fragmented, so no big block),
        worked gap by gap: a link's number within its gap (8 x 8 = 64 on 64x32) fits a byte.
        """
        width = self.width
        owner = bytearray(width * self.height)
        offsets = disc_offsets(self.radius)
        for column in self.centres:
            for x, y in column:
                for dx, dy in offsets:
                    owner[x + dx + width * (y + dy)] = _NODE
        owned = []
        first = 0
        for layer in range(len(self.sizes) - 1):
            if self.sizes[layer] * self.sizes[layer + 1] >= _SETTLED:
                raise ValueError(
                    "layers %d and %d have %d links between them; at most %d are drawn"
                    % (layer, layer + 1, self.sizes[layer] * self.sizes[layer + 1], _SETTLED - 1)
                )
            links = self.links[first : first + self.sizes[layer] * self.sizes[layer + 1]]
            first += len(links)
            owned.extend(self._gap_pixels(links, owner))
        return owned

    def _gap_pixels(self, links, owner):
        """Share out the pixels of one gap's links, then settle them for the gaps after."""
        lines = [self.link_line(layer, j, i) for layer, j, i in links]
        ends = [self._ends(layer, j, i) for layer, j, i in links]  # once, not once per pixel
        for number, line in enumerate(lines):
            for pixel in line:
                held = owner[pixel]
                if held == _FREE or (
                    held < _SETTLED and self._closer(pixel, ends[number], ends[held - 1])
                ):
                    owner[pixel] = number + 1
        owned = [[p for p in line if owner[p] == number + 1] for number, line in enumerate(lines)]
        for number, line in enumerate(lines):
            if not owned[number]:
                self._take_back_one(number, line, owner, owned, links[number])
        for pixels in owned:
            for pixel in pixels:
                owner[pixel] = _SETTLED
        return owned

    def _ends(self, layer, j, i):
        """Centre-to-centre end points (x0, y0, x1, y1) of one link."""
        x0, y0 = self.centres[layer][i]
        x1, y1 = self.centres[layer + 1][j]
        return x0, y0, x1, y1

    def _closer(self, pixel, ends, rival_ends):
        """True if the line `ends` passes strictly closer to the pixel than `rival_ends`.

        Distance^2 = cross^2 / length^2; compared cross-multiplied in integers so CPython and the
        board's single-precision floats can never disagree about a tie.
        """
        x, y = self.xy(pixel)
        cross, length = cross_and_length(x, y, ends)
        rival_cross, rival_length = cross_and_length(x, y, rival_ends)
        return cross * cross * rival_length < rival_cross * rival_cross * length

    def _take_back_one(self, number, line, owner, owned, link):
        """Give a link that lost every pixel to closer lines the pixel of its line whose owner
        (in the same gap) holds the most, so every link stays visible (rare: crowded gaps)."""
        best = None
        for pixel in line:
            held = owner[pixel]
            in_gap = _FREE < held < _SETTLED
            if in_gap and (best is None or len(owned[held - 1]) > len(owned[best[1]])):
                best = (pixel, held - 1)
        if best is None or len(owned[best[1]]) < 2:
            raise ValueError(
                "network %r: link %d->%d of layer %d is hidden under other links"
                % (self.sizes, link[2], link[1], link[0])
            )
        pixel, rival = best
        owned[rival].remove(pixel)
        owner[pixel] = number + 1
        owned[number].append(pixel)

    def _segment_counts(self, owned):
        """Segments per link for each gap: from the gap's shortest visible link, 1..MAX_SEGMENTS.

        One count per gap keeps every link of a gap in step, so the timeline works in stages.
        """
        counts = []
        first = 0
        for layer in range(len(self.sizes) - 1):
            links = self.sizes[layer] * self.sizes[layer + 1]
            shortest = min(len(owned[k]) for k in range(first, first + links))
            counts.append(max(1, min(MAX_SEGMENTS, shortest // PIXELS_PER_SEGMENT)))
            first += links
        return counts

    def _plan_palette(self, owned):
        """Assign palette indices: nodes, then link segments, then the readout."""
        self.node_index = []
        index = 1  # 0 is the background
        for count in self.sizes:
            self.node_index.append(tuple(range(index, index + count)))
            index += count
        self.segment_index = []
        for layer in range(len(self.sizes) - 1):
            count = self.segments[layer]
            rows = []
            for _j in range(self.sizes[layer + 1]):
                row = []
                for _i in range(self.sizes[layer]):
                    row.append(tuple(range(index, index + count)))
                    index += count
                rows.append(row)
            self.segment_index.append(rows)
        self.readout_index = index
        self.palette_size = index + 1
        self._pack_pixels(owned)

    def _pack_pixels(self, owned):
        """Write every index's pixels into one 16-bit array, with a start offset per index.

        Filled in place from the discs and the owned link runs, with no list per element: two
        2-byte-per-entry blocks (about 1.1 KB for 2-3-3-1), so the board's fragmented heap
        needs no scatter of small blocks and no large temporary.
        """
        offsets = disc_offsets(self.radius)
        starts = array("H", bytes(2 * (self.palette_size + 1)))
        index = 1
        for count in self.sizes:
            for _n in range(count):
                starts[index + 1] = starts[index] + len(offsets)
                index += 1
        for link, (layer, _j, _i) in enumerate(self.links):
            pieces = self.segments[layer]
            total = len(owned[link])
            for k in range(pieces):
                starts[index + 1] = starts[index] + piece_length(total, pieces, k)
                index += 1
        starts[index + 1] = starts[index]  # the readout draws no pixel of the layout
        data = array("H", bytes(2 * starts[index + 1]))
        at = 0
        width = self.width
        for column in self.centres:
            for x, y in column:
                for dx, dy in offsets:
                    data[at] = x + dx + width * (y + dy)
                    at += 1
        for run in owned:
            for pixel in run:
                data[at] = pixel
                at += 1
        self._pixel_starts = starts
        self._pixel_data = data
