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


def test_switching_layers_and_back_resumes_each(tmp_path):
    """Runs with NN_LAYERS 2,3,3,1, then 2,4,1 twice (two saves), then each again on one nvm
    file: the second layout starts fresh, and each later run resumes its own checkpoint."""
    nvm = tmp_path / "nvm.bin"

    def run(layers):
        (tmp_path / "settings.toml").write_text('NN_LAYERS = "%s"\nNN_SEED = 4\n' % layers)
        result = run_sim("--settings", "settings.toml", "--nvm", str(nvm), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "starting fresh: no checkpoint" in run("2,3,3,1")
    assert "starting fresh: checkpoint is for other settings" in run("2,4,1")
    assert "resumed from checkpoint: epoch 0, batch 1" in run("2,4,1")  # and saves again
    assert "resumed from checkpoint: epoch 0, batch 1" in run("2,3,3,1")
    assert "resumed from checkpoint: epoch 0, batch " in run("2,4,1")


def test_switching_seeds_and_back_resumes_each(tmp_path):
    """--seed 4, then --seed 5 twice, then 4 again on one nvm file: each seed resumes its own
    checkpoint (the second seed's first run starts fresh and says why)."""
    nvm = tmp_path / "nvm.bin"

    def run(seed):
        result = run_sim("--seed", seed, "--nvm", str(nvm), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "starting fresh: no checkpoint" in run("4")
    assert "starting fresh: checkpoint is for seed 4, settings ask for 5" in run("5")
    assert "resumed from checkpoint: epoch 0, batch 1" in run("5")  # and saves again
    assert "resumed from checkpoint: epoch 0, batch 1" in run("4")
