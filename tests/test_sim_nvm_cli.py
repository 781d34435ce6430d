"""python -m sim --nvm and --export: runs resume across invocations, weights come out as JSON."""

import json

from tests.test_sim_cli import simulator


def run_sim(*args, cwd):
    """Three batches, no pictures."""
    return simulator("--batches", "3", "--gif", "", "--png", "", *args, cwd=cwd)


def test_second_run_resumes_from_the_nvm_file_and_exports_weights(tmp_path):
    """The first run starts fresh and saves to the nvm file; the second resumes from it;
    --export writes the network in the documented shape."""
    nvm, export = tmp_path / "nvm.bin", tmp_path / "weights.json"
    first = run_sim("--seed", "4", "--nvm", str(nvm), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "starting fresh: no checkpoint" in first.stdout
    assert nvm.stat().st_size == 8192
    second = run_sim("--seed", "4", "--nvm", str(nvm), "--export", str(export), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "resumed from checkpoint: epoch 0, batch 1" in second.stdout
    state = json.loads(export.read_text())
    assert state["sizes"] == [2, 3, 3, 1]
    assert [len(layer) for layer in state["weights"]] == [3, 3, 1]
    assert [len(row) for row in state["weights"][0]] == [2, 2, 2]
    assert state["batches"] >= 4
    assert 0 < state["best_loss"] < 1
