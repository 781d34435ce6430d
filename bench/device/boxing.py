"""What boxed floats cost on the unix MicroPython (the M4 keeps floats in the object word)."""

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
