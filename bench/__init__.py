"""Benchmarks for the project's performance goals (issues 5, 11 and 12): ``make bench``.

Each module measures one thing; ``__main__`` runs them all, prints a table and writes
bench-results.json (see BENCHMARKS.md). The machine is shared and noisy, so every ratio is
taken between measurements interleaved in one run, and figures are medians over rounds.

- training: our pure-Python training against NumPy doing the same job (p1), with the NumPy
  versions in reference
- frame_vs_sample: one animation frame against one training sample, per interpreter (p2)
- writes: bitmap and palette writes per frame in the simulator (p3)
- sim_speed: simulator frames per second and GIF encoding time (p4)
- heap: peak and growth of the MicroPython heap over a long run (p5)
- board: p5 and code.py's heap (p8) on the board-faithful CircuitPython, from the bundle's
  .mpy files; boot runs code.py there (boardstubs/ standing in for the board's modules), and
  codepy_heap shows where its heap goes
- device: the bodies of p2 and p5, which run under MicroPython (run by interpreters)
- web: the web page in Chromium: ready time, Python time per frame, gzipped download (p9)
- timing, report: medians and interleaving; the goals, the table and the JSON file
"""
