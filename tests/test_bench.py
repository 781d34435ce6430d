"""`python -m bench --quick` runs every benchmark and writes every figure as a number.

No timing is asserted here (the machine is shared); BENCHMARKS.md holds the figures.
"""

import json
import subprocess
import sys

import pytest

from bench import board, training, web
from bench.report import GOALS
from tests.device import ROOT
from tests.web_helpers import skip
from tools import web as web_site

# Every figure the issue asks for, plus the details reported next to them.
EXPECTED_KEYS = {
    "p1_train_vs_numpy",
    "p1_train_vs_numpy_batched",
    "p1_us_per_sample",
    "p1_numpy_us_per_sample",
    "p1_numpy_batched_us_per_sample",
    "p2_frame_vs_sample_micropython",
    "p2_frame_us_micropython",
    "p2_sample_us_micropython",
    "p2_frame_us_cpython",
    "p2_sample_us_cpython",
    "p3_pixel_writes_per_frame",
    "p3_palette_writes_per_frame_mean",
    "p3_palette_writes_per_frame_max",
    "p4_sim_fps",
    "p4_gif_ms_per_frame",
    "p5_heap_kb",
    "p5_heap_raw_kb",
    "p5_heap_growth_kb",
    "p5_data_kb",
    "p5_float_boxing_kb",
    "p5_heap_size_kb",
    "p5_render_code_kb",
    "p5_drawing_released_kb",
    "p5_nn_code_kb",
    "p5_trainer_kb",
    "p5_data_released_kb",
    "p5_code_kept_kb",
    "p5_qstr_kb",
}
# The figures on the board-faithful CircuitPython, there only with ../shared.
BOARD_KEYS = {
    "p2_frame_vs_sample_board",
    "p2_frame_us_board",
    "p2_sample_us_board",
    "p5_heap_kb_board",
    "p5_live_kb_board",
    "p5_heap_growth_kb_board",
    "p8_codepy_heap_kb_board",
    "p8_ready_kb_board",
    "p8_stand_ins_kb_board",
    "p8_batches_board",
}
# The web page's figures, in Chromium: there only with it, Playwright and web/node_modules.
WEB_KEYS = {
    "p9_web_ready_ms",
    "p9_web_ready_ms_max",
    "p9_web_files_fetched_ms",
    "p9_web_app_started_ms",
    "p9_web_loads",
    "p9_web_python_ms_per_frame",
    "p9_web_python_ms_per_frame_p90",
    "p9_web_python_ms_per_frame_max",
    "p9_web_frames",
    "p9_web_live_fps",
    "p9_web_transfer_kb",
    "p9_web_raw_kb",
    "p9_web_files",
}


def test_quick_bench_writes_every_figure_as_a_number(tmp_path):
    """A quick run exits 0, prints the table and writes every expected key as a number."""
    out = tmp_path / "bench-results.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],  # as `make bench`
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(out.read_text())
    missing = board.missing()
    no_browser = web.missing()
    expected = EXPECTED_KEYS | (set() if missing else BOARD_KEYS)
    expected |= set() if no_browser else WEB_KEYS
    assert set(figures) >= expected
    for key in expected:
        value = figures[key]
        assert isinstance(value, (int, float)) and not isinstance(value, bool), key
        assert value == value, key  # not NaN
    if missing:  # the board's figures are left out, and the file and the table say why
        assert not set(figures) & BOARD_KEYS
        assert missing in figures["skipped"]["board"] and missing in result.stdout
    else:
        assert "board" not in figures["skipped"]
    if no_browser:  # so are the web page's
        assert not set(figures) & WEB_KEYS
        assert no_browser in figures["skipped"]["web"] and no_browser in result.stdout
    else:
        assert "web" not in figures["skipped"]
    assert set(figures["goals_met"]) == {key for key in GOALS if key in expected}
    assert figures["quick"] is True
    assert "p1_train_vs_numpy" in result.stdout  # the table was printed


@pytest.mark.parametrize(
    ("module", "only", "group", "keys", "missing", "reason"),
    [
        (board, "p5_board,p8", "board", BOARD_KEYS, "no interpreter in this test",
         "figures on the board-faithful CircuitPython"),
        (web, "p9", "web", WEB_KEYS, "no Chromium in this test",
         "figures of the web page in Chromium"),
    ],
    ids=["board", "web"],
)  # fmt: skip
def test_without_what_a_group_needs_its_figures_are_skipped_with_the_reason(
    monkeypatch, tmp_path, capsys, module, only, group, keys, missing, reason
):
    """Without the board-faithful interpreter (or Chromium), its figures are left out and
    bench-results.json and the printed table say why."""
    from bench.__main__ import main

    monkeypatch.setattr(module, "missing", lambda: missing)
    out = tmp_path / "bench-results.json"
    assert main(["--quick", "--only", only, "--out", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert figures["skipped"] == {group: "%s: %s" % (reason, missing)}
    assert not set(figures) & keys and figures["goals_met"] == {}
    assert "skipped (%s): %s: %s" % (group, reason, missing) in capsys.readouterr().out


def test_p9_measures_the_web_page_in_chromium(tmp_path):
    """--only p9 --quick: every p9 figure is a number, its three goals are judged, and the
    download counts every file of the built site, each gzipped smaller than it is."""
    from bench.__main__ import main

    why = web.missing()
    if why:
        skip(why)
    out = tmp_path / "bench-results.json"
    assert main(["--quick", "--only", "p9", "--out", str(out)]) == 0
    figures = json.loads(out.read_text())
    for key in WEB_KEYS:
        assert isinstance(figures[key], (int, float)) and figures[key] > 0, key
    assert set(figures["goals_met"]) == {
        "p9_web_ready_ms",
        "p9_web_python_ms_per_frame",
        "p9_web_transfer_kb",
    }
    site = web_site.build(tmp_path / "site")
    assert figures["p9_web_files"] == len(site)
    assert figures["p9_web_raw_kb"] * 1024 == sum(size for _name, size in site)
    assert figures["p9_web_transfer_kb"] < figures["p9_web_raw_kb"]
    assert figures["skipped"] == {}


def test_numpy_references_train_exactly_like_nn():
    """Both NumPy references end two epochs with nn's weights, gradients and losses."""
    problem = training.Problem()
    batches = 2 * (len(problem.train_x) // training.BATCH_SIZE)
    recorded, worst = training.verify(problem, batches)
    assert len(recorded) == batches
    assert all(len(batch) == training.BATCH_SIZE for batch in recorded)
    assert worst < 1e-12


def test_the_check_notices_a_reference_that_trains_differently(monkeypatch):
    """A reference with another momentum ends elsewhere, and verify says so."""
    problem = training.Problem()

    def slightly_off(kind):
        trainer = problem.trainer()
        return kind(trainer.network, trainer.learning_rate, 0.89)

    monkeypatch.setattr(problem, "reference", slightly_off)
    with pytest.raises(AssertionError, match="weights"):
        training.verify(problem, 3)


def test_parse_reads_figures_and_micropythons_qstr_line():
    from bench.interpreters import parse

    stdout = (
        "heap_start 6272\nnot a figure line\nqstr pool: n_pool=5, n_qstr=493, n_total_bytes=11924\n"
    )
    figures = parse(stdout)
    assert figures["heap_start"] == [6272.0]
    assert figures["qstr_n_pool"] == [5.0] and figures["qstr_n_total_bytes"] == [11924.0]
    assert "not" not in figures
