"""Save and resume training across power cuts in the board's 8 KB ``microcontroller.nvm``.

Pure Python for CPython, MicroPython and CircuitPython. ``nvm`` is anything with len,
slice reads and slice assignment: ``microcontroller.nvm``, the simulator's
``nvm.ByteArray`` or a ``bytearray(8192)``. Records of many settings are kept side by
side (layout below); ``save`` never writes over the newest record of its own settings,
and ``load`` returns the newest intact record made under equal settings.
"""

# Layout: records of any size, each starting on a BLOCK boundary, found by scanning the
# blocks (a record frames itself: magic, length, CRC). Why no directory: nothing to keep
# in step with the records, so no torn write can leave the two disagreeing, and records
# of the old two-slot layout (at 0 and half way) are read as they are. Why not fixed slots
# for the largest shape (1898 bytes): 4 slots would hold 2 settings of any size. A save
# writes a whole record in ONE slice assignment (one flash erase/write cycle) into free
# blocks, else over the records least missed: the same settings' older records, then other
# settings' older records, then the newest records of the settings used longest ago
# (most recently used first, by sequence number, never by dict order). A power cut can
# only spoil the record being written and the ones it was to replace.

# Layout notes live in comments: the board compiles this file from source, and comments,
# unlike docstrings, cost the parser nothing.
#
# A record, little-endian (HEADER is the struct format of its first 36 bytes):
#   0  magic     4s  b"NNck"
#   4  version   B   FORMAT_VERSION
#   5  flags     B   bit 0: best loss present, bit 1: optimiser velocities present
#   6  layers    B   number of layers L
#   7  reserved  B   0
#   8  length    I   bytes in the whole record, CRC included
#  12  sequence  I   one more than the newest record already in nvm
#  16  settings  I   fingerprint_code(fingerprint): CRC-32 of the caller's fingerprint
#  20  seed      I   the run's random seed (the data set is rebuilt from it)
#  24  epoch     I   completed epochs
#  28  batches   I   weight updates so far
#  32  best      f   best batch loss (0.0 when absent)
#  36  sizes     L bytes, inputs first
#      values    float32: weights[l][j][i], biases[l][j], then velocities of the same
#                shapes when flag bit 1 is set
#      crc       I   CRC-32 of every byte before it
# Every format version must keep bytes 0..11 and the CRC at the end, so a damaged record
# is told apart from an intact one of another version.

import struct
from binascii import crc32

try:
    from micropython import const
except ImportError:  # CPython without Blinka: nn needs no package beyond the interpreter

    def const(value):
        return value


MAGIC = b"NNck"
FORMAT_VERSION = const(2)
HEADER = "<4sBBBBIIIIIIf"
HEADER_SIZE = const(36)  # struct.calcsize(HEADER)
FLAG_BEST_LOSS = const(1)
FLAG_VELOCITY = const(2)
MAX_LAYERS = const(32)  # a sanity bound for reading; the panel shows at most 10 columns
BLOCK = const(64)  # records start on these boundaries: 2-3-3-1 (244 bytes) takes 4 blocks

# Why load() found nothing, most telling first (of all the blocks, the first listed wins).
OTHER_SETTINGS = "checkpoint is for other settings"
OTHER_FORMAT = "checkpoint is in another format"
DAMAGED = "checkpoint damaged"
NO_CHECKPOINT = "no checkpoint"
REASONS = (OTHER_SETTINGS, OTHER_FORMAT, DAMAGED, NO_CHECKPOINT)


def fingerprint_code(fingerprint):
    """The 32-bit code a record keeps of ``fingerprint``: whatever bytes or text the caller
    uses to say "the same training set-up" (a record only resumes under an equal one)."""
    if isinstance(fingerprint, str):
        fingerprint = fingerprint.encode()
    return crc32(fingerprint)


def record_size(sizes, velocity=True):
    """Bytes in a record for layer ``sizes`` (velocities doubling the floats)."""
    count = 0
    for l in range(len(sizes) - 1):
        count += (sizes[l] + 1) * sizes[l + 1]
    return HEADER_SIZE + len(sizes) + (8 if velocity else 4) * count + 4


def blocks(length):
    """BLOCKs a record of ``length`` bytes takes."""
    return (length + BLOCK - 1) // BLOCK


def _rows(trainer, velocity):
    """Every weight row then every bias row (or the optimiser's velocity rows), in order."""
    if velocity:
        links = trainer.optimizer.weight_velocity
        layers = trainer.optimizer.bias_velocity
    else:
        links, layers = trainer.network.weights, trainer.network.biases
    for layer in links:
        yield from layer
    yield from layers


def _has_velocity(optimizer):
    """True if the optimiser keeps velocity lists (SGD does, even without momentum)."""
    return hasattr(optimizer, "weight_velocity") and hasattr(optimizer, "bias_velocity")


def _pack_float(buffer, offset, value):
    """Store ``value`` as float32 (beyond its range: infinity, where CPython would raise)."""
    try:
        struct.pack_into("<f", buffer, offset, value)
    except OverflowError:
        struct.pack_into("<f", buffer, offset, float("inf") if value > 0 else float("-inf"))


def snapshot(trainer, seed, fingerprint, sequence=0):
    """A complete record (bytearray, CRC included) of ``trainer``'s state now."""
    code = fingerprint_code(fingerprint)
    sizes = trainer.network.sizes
    velocity = _has_velocity(trainer.optimizer)
    length = record_size(sizes, velocity)
    best = trainer.best_loss
    flags = FLAG_VELOCITY if velocity else 0
    if best is not None and best == best:  # NaN is stored as "no best loss"
        flags |= FLAG_BEST_LOSS
    record = bytearray(length)
    struct.pack_into(
        HEADER, record, 0, MAGIC, FORMAT_VERSION, flags, len(sizes), 0, length, sequence,
        code, seed, trainer.epoch, trainer.batches, 0.0,
    )  # fmt: skip
    if flags & FLAG_BEST_LOSS:
        _pack_float(record, HEADER_SIZE - 4, best)
    offset = HEADER_SIZE + len(sizes)
    record[HEADER_SIZE:offset] = bytes(sizes)
    for part in (False, True) if velocity else (False,):
        for row in _rows(trainer, part):
            for value in row:
                _pack_float(record, offset, value)
                offset += 4
    struct.pack_into("<I", record, offset, crc32(memoryview(record)[:offset]))
    return record


class Checkpoint:
    """One intact record read back from nvm: ``sequence``, ``fingerprint`` (its code), ``seed``,
    ``epoch``, ``batches``, ``best_loss`` (or None), ``sizes``, ``has_velocity``,
    ``slot`` (its start in nvm, a multiple of BLOCK) and ``record`` (bytes; floats stay
    packed until restore).
    """

    def __init__(self, record, slot, sizes):
        fields = struct.unpack_from(HEADER, record, 0)
        self.record = record
        self.slot = slot
        self.sizes = sizes
        self.sequence, self.fingerprint, self.seed, self.epoch, self.batches = fields[6:11]
        self.best_loss = fields[11] if fields[2] & FLAG_BEST_LOSS else None
        self.has_velocity = bool(fields[2] & FLAG_VELOCITY)

    def __repr__(self):
        return "Checkpoint(#%d at %d, %s, epoch %d)" % (
            self.sequence,
            self.slot,
            self.sizes,
            self.epoch,
        )


def read_slot(nvm, start, size):
    """(Checkpoint, None) for an intact record at ``start``, else (None, reason).

    Magic, length and CRC first (the framing every version keeps), then version, flags,
    layer count and the length the sizes need. Never raises on any content.
    """
    if size < 16 or start + size > len(nvm) or nvm[start : start + 4] != MAGIC:
        return None, NO_CHECKPOINT
    length = struct.unpack_from("<I", nvm[start + 8 : start + 12], 0)[0]
    if not 16 <= length <= size:
        return None, DAMAGED
    record = nvm[start : start + length]
    if crc32(memoryview(record)[: length - 4]) != struct.unpack_from("<I", record, length - 4)[0]:
        return None, DAMAGED
    if record[4] != FORMAT_VERSION:
        return None, OTHER_FORMAT
    flags, layers = record[5], record[6]
    if flags > FLAG_BEST_LOSS | FLAG_VELOCITY or not 2 <= layers <= MAX_LAYERS:
        return None, DAMAGED
    sizes = list(record[HEADER_SIZE : HEADER_SIZE + layers])
    if 0 in sizes or length != record_size(sizes, flags & FLAG_VELOCITY):
        return None, DAMAGED
    return Checkpoint(record, start, sizes), None


def records(nvm):
    """Each intact record's Checkpoint, then the most telling reason where none loads."""
    start = 0
    reason = NO_CHECKPOINT
    while start + 16 <= len(nvm):
        state, problem = read_slot(nvm, start, len(nvm) - start)
        if state is None:
            if REASONS.index(problem) < REASONS.index(reason):
                reason = problem
            start += BLOCK
        else:
            yield state
            start += blocks(len(state.record)) * BLOCK
    yield reason


def _age(newest, sequence):
    """Saves from ``sequence`` to ``newest`` (uint32 wrap)."""
    return (newest - sequence) & 0xFFFFFFFF


def load(nvm, fingerprint, sizes=None, seed=None):
    """(newest intact Checkpoint under an equal ``fingerprint`` (bytes or text), ``sizes``
    and ``seed`` (each if given), None) or (None, reason). Never raises."""
    code = fingerprint_code(fingerprint)
    sizes = None if sizes is None else list(sizes)
    newest = None
    others = False
    for state in records(nvm):
        if not isinstance(state, Checkpoint):
            reason = OTHER_SETTINGS if others else state
            continue
        same = state.fingerprint == code and seed in (None, state.seed)
        if not same or sizes not in (None, state.sizes):
            others = True
        elif newest is None or 0 < _age(state.sequence, newest.sequence) < (1 << 31):
            newest = state
    return newest, None if newest else reason


def _catalogue(nvm, key):
    """([start, end, rank] per record, newest sequence or None) for settings ``key``."""
    # rank: 0 the newest record of ``key`` (kept), 1 its older ones, 2 older records of
    # other settings, 3 and up the newest of other settings, least recently used lowest.
    found = []  # [start, end, settings, sequence]
    newest = None
    for state in records(nvm):
        if isinstance(state, Checkpoint):
            end = state.slot + blocks(len(state.record)) * BLOCK
            found.append([state.slot, end, (state.fingerprint, state.seed), state.sequence])
            if newest is None or 0 < _age(state.sequence, newest) < (1 << 31):
                newest = state.sequence
        state = None  # free each record's bytes before the next is read
    latest = {}  # settings -> age of their newest record (looked up, never walked in order)
    for entry in found:
        age = _age(newest, entry[3])
        if entry[2] not in latest or age < latest[entry[2]]:
            latest[entry[2]] = age
    # Other settings, least recently used first: their newest records go in this order.
    order = sorted([latest[entry[2]] for entry in found if entry[2] != key], reverse=True)
    for entry in found:
        age = _age(newest, entry[3])
        if age != latest[entry[2]]:
            entry[2] = 1 if entry[2] == key else 2  # an older record of its settings
        elif entry[2] == key:
            entry[2] = 0  # never written over
        else:
            entry[2] = 3 + order.index(age)
        del entry[3]
    return found, newest


def save(nvm, trainer, seed, fingerprint):
    """Write ``trainer``'s state as the newest record in ONE slice assignment where it
    costs least (see the layout notes); return its sequence number. Settings are
    ``fingerprint`` (bytes or text) and ``seed`` together; their newest intact record is
    never written over. ValueError if the record does not fit beside it; an OSError from
    the memory is passed on. Seed, epoch and batches must fit a uint32.
    """
    length = record_size(trainer.network.sizes, _has_velocity(trainer.optimizer))
    found, newest = _catalogue(nvm, (fingerprint_code(fingerprint), seed))
    best = None  # (cost, start): the start whose worst loss is least, first wins ties
    for start in range(0, len(nvm) - length + 1, BLOCK):
        cost = 0
        for first, end, rank in found:
            if first < start + length and start < end:
                if not rank:
                    cost = None
                    break
                cost = max(cost, rank)
        if cost is not None and (best is None or cost < best[0]):
            best = (cost, start)
            if not cost:
                break
    if best is None:
        raise ValueError(
            "a checkpoint of %s needs %d bytes; this nvm of %d bytes has no room for it"
            % (trainer.network.sizes, length, len(nvm))
        )
    start = best[1]
    sequence = (newest + 1) & 0xFFFFFFFF if newest is not None else 1
    found = best = None  # free the catalogue before the new record is built
    nvm[start : start + length] = snapshot(trainer, seed, fingerprint, sequence)
    return sequence


def restore(trainer, state):
    """Put a Checkpoint's weights, biases, velocities, epoch, batches and best loss back
    into a live Trainer, filling every list in place.

    Training resumes at the start of epoch ``state.epoch`` with a fresh shuffle (an epoch
    cut short is trained again in full). Rebuild the data set from ``state.seed`` (through
    nn.rng) first. Raises ValueError for another shape.
    """
    if list(state.sizes) != list(trainer.network.sizes):
        raise ValueError(
            "checkpoint is for a %s network, not %s" % (state.sizes, trainer.network.sizes)
        )
    offset = _unpack(state.record, HEADER_SIZE + len(state.sizes), _rows(trainer, False))
    trainer.restart()  # zero velocities and sums; test loss of the restored weights
    if state.has_velocity and _has_velocity(trainer.optimizer):
        _unpack(state.record, offset, _rows(trainer, True))
    trainer.epoch = state.epoch
    trainer.batches = state.batches
    trainer.best_loss = state.best_loss
    trainer.learning_rate = trainer.schedule.rate(state.epoch)


def _unpack(record, offset, rows):
    """Fill ``rows`` in place with float32 values from ``offset``; return the end offset."""
    for row in rows:
        for i in range(len(row)):
            row[i] = struct.unpack_from("<f", record, offset)[0]
            offset += 4
    return offset


def forget(nvm, fingerprint, seed=None):
    """Invalidate each record made under ``fingerprint`` and ``seed`` (any: None) by zeroing
    its magic, one 4-byte write each; other settings' records stay."""
    code = fingerprint_code(fingerprint)
    starts = [
        state.slot
        for state in records(nvm)
        if isinstance(state, Checkpoint)
        and state.fingerprint == code
        and seed in (None, state.seed)
    ]
    for start in starts:
        nvm[start : start + 4] = bytes(4)
