"""The goals of issue 5, the results table, and bench-results.json."""

import json
import platform
from pathlib import Path

# key: (goal as written, test of the figures); every other figure is reported without a goal.
# The goals of p2, p5 and p8 are checked on the board-faithful CircuitPython (issue 11); the
# MicroPython wheel's figures are reported beside them without one. p9's are the web page's
# (issue 12), in Chromium.
GOALS = {
    "p1_train_vs_numpy": (">= 3", lambda f: f["p1_train_vs_numpy"] >= 3),
    "p2_frame_vs_sample_board": ("<= 2", lambda f: f["p2_frame_vs_sample_board"] <= 2),
    "p3_pixel_writes_per_frame": ("0", lambda f: f["p3_pixel_writes_per_frame"] == 0),
    "p4_sim_fps": (">= 300", lambda f: f["p4_sim_fps"] >= 300),
    "p5_heap_kb_board": ("<= 64", lambda f: f["p5_heap_kb_board"] <= 64),
    "p5_heap_growth_kb_board": ("0", lambda f: f["p5_heap_growth_kb_board"] == 0),
    "p8_codepy_heap_kb_board": ("<= 96", lambda f: f["p8_codepy_heap_kb_board"] <= 96),
    "p9_web_ready_ms": ("<= 1500", lambda f: f["p9_web_ready_ms"] <= 1500),
    "p9_web_python_ms_per_frame": ("<= 4", lambda f: f["p9_web_python_ms_per_frame"] <= 4),
    "p9_web_transfer_kb": ("<= 400", lambda f: f["p9_web_transfer_kb"] <= 400),
}

UNITS = {"_us": "us", "_ms": "ms", "_kb": "KB", "_fps": "fps", "_bytes": "B"}


def unit(key):
    """The unit a key's name ends with ('' for ratios and counts)."""
    for ending, name in UNITS.items():
        if key.endswith(ending) or (ending + "_") in key:
            return name
    return ""


def goals_met(figures):
    """{key: True/False} for every goal whose figures were measured."""
    met = {}
    for key, (_goal, check) in GOALS.items():
        if key in figures:  # a --only run, or one without ../shared, may lack some
            met[key] = bool(check(figures))
    return met


def _number(value):
    if isinstance(value, int) or float(value).is_integer():
        return "%d" % value
    if abs(value) >= 100:
        return "%.0f" % value
    return "%.3g" % value


def table(figures):
    """The figures as a plain-text table: figure, value, unit, goal, met."""
    met = goals_met(figures)
    rows = [("figure", "value", "unit", "goal", "met")]
    for key in sorted(figures, key=lambda k: (k not in GOALS, k.split("_")[0], k)):
        goal = GOALS[key][0] if key in GOALS else ""
        verdict = ("yes" if met[key] else "NO") if key in met else ""
        rows.append((key, _number(figures[key]), unit(key), goal, verdict))
    widths = [max(len(row[c]) for row in rows) for c in range(5)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def cpu_model():
    """The CPU's model name from /proc/cpuinfo (or platform.processor())."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine(micropython_version):
    """Notes on where the figures were measured."""
    import os

    import numpy

    return {
        "python": platform.python_version(),
        "micropython": micropython_version,
        "numpy": numpy.__version__,
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        # The machine is shared: how busy it was when the figures were taken.
        "load_average": "%.2f %.2f %.2f" % os.getloadavg(),
    }


def write(path, figures, notes, quick, skipped=None):
    """bench-results.json: every figure at the top level, plus goals met, machine notes and
    why any figures were left out ({what: reason})."""
    document = dict(figures)
    document["goals_met"] = goals_met(figures)
    document["machine"] = notes
    document["quick"] = quick
    document["skipped"] = skipped or {}
    Path(path).write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
