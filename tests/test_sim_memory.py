"""python -m sim holds what it records on disk, not in memory: its peak memory barely grows
with the length of the run, and --scale, which sets the size of every GIF frame, has an
upper bound. Real processes: the peak resident set size is the kernel's count."""

import os
import subprocess
import sys

from tests.sim_helpers import ROOT
from tests.test_sim_cli import simulator

# Peak growth allowed from a run to one four times longer. Before the GIF was streamed,
# 16 batches peaked at 46 MB and 64 at 105 MB (the GIF writer held every frame).
FLAT_KB = 8 * 1024


def peak_rss_kb(*args, cwd):
    """Run ``python -P -m sim ARGS``; its peak resident set size in KB (it must succeed)."""
    process = subprocess.Popen(
        [sys.executable, "-P", "-m", "sim", *args],
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, process.stderr.read()
    process.stderr.close()
    return usage.ru_maxrss  # kilobytes on Linux


def test_a_four_times_longer_run_with_the_default_gif_needs_no_more_memory(tmp_path):
    """16 and 64 batches with the default GIF (about 270 and 1060 distinct frames): the
    longer run's peak memory is within FLAT_KB of the shorter's."""
    short = peak_rss_kb("--batches", "16", "--seed", "3", "--gif", "short.gif", cwd=tmp_path)
    long = peak_rss_kb("--batches", "64", "--seed", "3", "--gif", "long.gif", cwd=tmp_path)
    assert (tmp_path / "long.gif").stat().st_size > 2 * (tmp_path / "short.gif").stat().st_size
    assert long - short < FLAT_KB, (short, long)


def test_a_scale_beyond_the_bound_is_refused_before_the_run(tmp_path):
    """--scale 33 (a 2112x1056 GIF frame): exit status 2, the bound named, nothing run or
    written. --scale 32 is accepted."""
    result = simulator(
        "--scale", "33", "--batches", "1", "--gif", "", "--png", "last.png", cwd=tmp_path,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "python -m sim: error: --scale must be 1..32 pixels per LED"
        " (at 32 a frame is 2048x1024 pixels)"
    )
    assert result.stdout == "" and list(tmp_path.iterdir()) == []
    accepted = simulator(
        "--scale", "32", "--batches", "1", "--gif", "", "--png", "last.png", cwd=tmp_path,
        timeout=60,
    )  # fmt: skip
    assert accepted.returncode == 0, accepted.stderr
