"""p5: peak and growth of the MicroPython heap while nn and the pure render logic run long.

The body is bench.device.heap_soak. It is first run with the goal's heap (64 KB). If that
raises MemoryError, the smallest heap that completes a short run is searched in 4 KB steps,
and the long run is made there, so the figures still say how much is needed. Sizes are those
of the unix port (8-byte pointers, 32-byte GC blocks, every float boxed): an upper bound for
the M4 (4-byte pointers, 16-byte blocks, floats in the object word).
"""

from bench import interpreters

GOAL_HEAP_KB = 64
STEP_KB = 4
LARGEST_KB = 512
SEARCH_BATCHES = 40  # enough for two animated batches and the first epoch's evaluation
COUNTING_HEAP_KB = 1024


def _soak(heap_kb, batches, growth_from, count=False):
    options = "batches=%d, growth_from=%d, count=%r" % (batches, growth_from, count)
    figures = interpreters.run("heap_soak", options, heap="%dK" % heap_kb)
    return {name: values[-1] for name, values in figures.items()}


def _fits(heap_kb, batches, growth_from):
    """The soak's figures at this heap, or None when it ran out of memory."""
    try:
        return _soak(heap_kb, batches, growth_from)
    except RuntimeError as error:
        if "MemoryError" in str(error):
            return None
        raise


def measure(*, batches=1000, growth_from=100):
    """p5 figures (KB): peaks, growth from batch ``growth_from`` to ``batches``, and parts."""
    heap_kb = GOAL_HEAP_KB
    soak = _fits(heap_kb, batches, growth_from)
    fits_goal = soak is not None
    while soak is None:
        heap_kb += STEP_KB
        if heap_kb > LARGEST_KB:
            raise RuntimeError("the heap soak does not run even in %d KB" % LARGEST_KB)
        if _fits(heap_kb, min(batches, SEARCH_BATCHES), min(growth_from, SEARCH_BATCHES)):
            soak = _fits(heap_kb, batches, growth_from)
    # The walk that counts boxed floats needs heap of its own: a separate, shorter run.
    floats = _soak(COUNTING_HEAP_KB, SEARCH_BATCHES, SEARCH_BATCHES // 2, count=True)
    kb = 1 / 1024
    return {
        "p5_heap_kb": soak["peak_live"] * kb,
        "p5_heap_raw_kb": soak["peak_raw"] * kb,
        "p5_heap_growth_kb": (soak["live_end"] - soak["live_from"]) * kb,
        "p5_fits_64k": 1 if fits_goal else 0,
        "p5_heap_size_kb": heap_kb,
        # Set-up, step by step (see bench.device.heap_soak): what stays, what is given back.
        "p5_start_kb": soak["heap_start"] * kb,
        "p5_nn_code_kb": (soak["heap_nn_code"] - soak["heap_start"]) * kb,
        "p5_render_code_kb": (soak["heap_render_code"] - soak["heap_nn_code"]) * kb,
        "p5_trainer_kb": (soak["heap_trainer_built"] - soak["heap_render_code"]) * kb,
        "p5_data_released_kb": (soak["heap_trainer_built"] - soak["heap_data_released"]) * kb,
        "p5_render_objects_kb": (soak["heap_render_built"] - soak["heap_data_released"]) * kb,
        "p5_drawing_released_kb": (soak["heap_render_built"] - soak["heap_drawing_released"]) * kb,
        "p5_ready_kb": soak["heap_ready"] * kb,
        # Compiled code that stays for the whole run, interned names included.
        "p5_code_kept_kb": (
            soak["heap_render_code"]
            - soak["heap_start"]
            - (soak["heap_trainer_built"] - soak["heap_data_released"])
            - (soak["heap_render_built"] - soak["heap_drawing_released"])
        )
        * kb,
        "p5_qstr_kb": soak["qstr_n_total_bytes"] * kb,
        "p5_data_kb": soak["data_bytes"] * kb,
        "p5_float_boxing_kb": floats["float_objects"] * floats["float_bytes"] * kb,
        "p5_float_objects": floats["float_objects"],
        "p5_boxed_float_bytes": floats["float_bytes"],
        "p5_batches": batches,
    }
