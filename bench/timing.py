"""Timing helpers: interleaved rounds and medians, because the machine is shared and noisy.

A slow spell on a shared machine hits whichever case happens to run during it. Running every
case once per round, in a rotating order, spreads such spells over all cases; a ratio is then
taken within each round and the median of those ratios reported.
"""

import gc
import time


def median(values):
    """The median of a non-empty sequence of numbers."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return 0.5 * (ordered[middle - 1] + ordered[middle])


def seconds(run):
    """Wall time of one call ``run()``, after a garbage collection so none falls inside."""
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def interleaved(cases, rounds):
    """{name: [seconds per round]} for ``cases`` {name: prepare}.

    ``prepare()`` builds a fresh state (not timed) and returns the zero-argument callable
    that is timed. Each round times every case once, starting one case later than the round
    before.
    """
    names = list(cases)
    times = {name: [] for name in names}
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            run = cases[name]()
            times[name].append(seconds(run))
    return times


def ratio_median(numerators, denominators):
    """Median over rounds of numerator / denominator, both measured in the same round."""
    return median([a / b for a, b in zip(numerators, denominators)])
