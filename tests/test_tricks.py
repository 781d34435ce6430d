"""bench.tricks: every trick it turns off is still where it looks, and it skips cleanly."""

import pytest

from bench import interpreters, tricks


@pytest.mark.parametrize("run", tricks.RUNS)
@pytest.mark.parametrize("name", [*tricks.TRICKS, "all-off"])
def test_each_variant_changes_the_files_it_edits(tmp_path, name, run):
    edits = tricks.variant_edits(name, run)
    if edits is None:
        pytest.skip("%s is not measured in the %s run" % (name, run))
    tricks.copy_checkout(tmp_path, edits)
    for path in {path for path, _ in edits}:
        assert (tmp_path / path).read_text() != (tricks.ROOT / path).read_text()


def test_an_edit_that_no_longer_matches_stops_the_build(tmp_path):
    edits = [("nn/__init__.py", tricks.substitute(r"^no such line$", ""))]
    with pytest.raises(SystemExit, match=r"nn/__init__\.py no longer matches"):
        tricks.copy_checkout(tmp_path, edits)


def test_without_the_interpreter_it_says_so_and_succeeds(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(interpreters, "CIRCUITPYTHON", tmp_path / "missing")
    assert tricks.main(["--only", "T3"]) == 0
    assert "bench.tricks skipped" in capsys.readouterr().out
