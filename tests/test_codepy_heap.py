"""bench.codepy_heap: code.py's statements, the tables made from a run's lines, the skip."""

from bench import codepy_heap
from tests.device import ROOT


def test_statements_are_code_py_top_level_statements_without_the_docstring():
    steps = codepy_heap.statements((ROOT / "code.py").read_text())
    assert steps[0] == (9, "import os")
    assert steps[-1][1] == "loop.run()"
    assert any(source.startswith("loop = app.start(") for _, source in steps)
    assert all(not source.startswith('"""') for _, source in steps)


def test_tables_give_each_step_and_each_import_biggest_own_first():
    stdout = "\n".join(
        [
            "step 0 2048 start",
            "import 1024 1024 os __main__ ",
            "step 9 3072 import os",
            "import 0 0 sys app.memory ",  # already loaded: left out
            "import 5120 2048 app.settings ? settings",
            "step 20 8192 from app import settings",
            "heap_ready 9216",
        ]
    )
    steps, imports = codepy_heap.tables(stdout)
    assert steps.splitlines()[2:] == [
        "| 0: start | 2.0 |  |",
        "| 9: import os | 3.0 | +1.0 |",
        "| 20: from app import settings | 8.0 | +5.0 |",
        "| heap_ready 9216 | | |",
    ]
    assert imports.splitlines()[2:] == [
        "| app.settings ? settings | 5.0 | 2.0 |",
        "| os __main__  | 1.0 | 1.0 |",
    ]


def test_without_the_interpreter_it_says_so_and_succeeds(monkeypatch, capsys):
    monkeypatch.setattr(codepy_heap.board, "missing", lambda: "not here")
    assert codepy_heap.main([]) == 0
    assert capsys.readouterr().out == "bench.codepy_heap skipped: not here\n"
