"""Where code.py's heap goes on the board-faithful CircuitPython, step by step (p8's detail).

    .venv/bin/python -m bench.codepy_heap [--batches 100]

code.py runs from the bundle's .mpy files with the stand-ins (bench.boot), one top-level
statement at a time; after each, and around every import, the heap is collected and
``gc.mem_alloc()`` read. Prints two tables: the live heap after each statement of code.py,
and each import with what it added (with the modules it imported in turn, and on its own;
an import inside app.start counts in its step too). Numbers are live bytes, so what a step
frees again (app.memory's releases) shows as a smaller step; interned names (qstrs) stay
with whichever import first needed them. Exits 0, saying why, without ../shared.
"""

import argparse
import ast
import sys
import tempfile

from bench import board, boot
from bench.interpreters import CIRCUITPYTHON

# Around every import: live bytes before and after, less what nested imports added.
HOOK = """\
import builtins, gc
_import = builtins.__import__
_nested = [0]
def _traced(name, globals=None, locals=None, fromlist=(), level=0):
    gc.collect()
    before = gc.mem_alloc()
    _nested.append(0)
    try:  # an ImportError is part of the run: the Adafruit libraries try typing
        module = _import(name, globals, locals, fromlist, level)
    finally:
        inner = _nested.pop()
    gc.collect()
    added = gc.mem_alloc() - before
    _nested[-1] += added
    where = globals.get("__name__", "?") if globals else "?"
    names = ",".join(fromlist) if isinstance(fromlist, tuple) else ""  # may be True
    print("import", added, added - inner, "." * level + name, where, names)
    return module
builtins.__import__ = _traced
"""
RUN = """\
_g = {"__name__": "__main__"}
gc.collect()
print("step", 0, gc.mem_alloc(), "start")
try:
    for _line, _source in %r:
        exec(_source, _g)
        gc.collect()
        print("step", _line, gc.mem_alloc(), _source.split("(")[0].split("\\n")[0][:48])
except SystemExit:
    pass
import micropython
micropython.qstr_info()
"""


def statements(source):
    """[(line, source)] of code.py's top-level statements, docstring left out."""
    tree = ast.parse(source)
    return [
        (node.lineno, ast.get_source_segment(source, node))
        for node in tree.body
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]


def tables(stdout):
    """The two markdown tables from the run's output."""
    steps = ["| line of code.py | live after (KB) | step (KB) |", "| --- | --- | --- |"]
    imports = []
    last = None
    for line in stdout.splitlines():
        words = line.split(" ", 3)
        if words[0] == "step":
            live = int(words[2])
            step = "" if last is None else "%+.1f" % ((live - last) / 1024)
            steps.append("| %s: %s | %.1f | %s |" % (words[1], words[3], live / 1024, step))
            last = live
        elif words[0] == "import":
            _, added, own, rest = line.split(" ", 3)
            imports.append((int(own), int(added), rest))
        elif line.startswith(("qstr pool", "heap_")):
            steps.append("| %s | | |" % line)
    rows = ["| import (name, importer, names) | with its imports (KB) | own (KB) |"]
    rows.append("| --- | --- | --- |")
    for own, added, rest in sorted(imports, reverse=True):
        if added < 64:  # already loaded, or a built-in module
            continue
        rows.append("| %s | %.1f | %.1f |" % (rest, added / 1024, own / 1024))
    return "\n".join(steps), "\n".join(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.codepy_heap", description=__doc__)
    parser.add_argument("--batches", type=int, default=100, help="batches to run (100)")
    parser.add_argument("--heap", type=int, default=512, help="heap KB (512: room to measure)")
    args = parser.parse_args(argv)
    reason = board.missing()
    if reason:
        print("bench.codepy_heap skipped: " + reason)
        return 0
    with tempfile.TemporaryDirectory(prefix="codepy-heap-") as scratch:
        dest = boot.drive(scratch)
        steps = statements((dest / "code.py").read_text())
        prelude = boot.PRELUDE % (False, args.batches, 100, 0, ())
        result = boot.run_script(
            dest, prelude + HOOK + RUN % (steps,), heap_kb=args.heap, timeout=boot.TIMEOUT
        )
    if result.returncode:
        output = result.stdout[-2000:] + result.stderr[-2000:]
        raise SystemExit("code.py failed on %s:\n%s" % (CIRCUITPYTHON, output))
    for table in tables(result.stdout):
        print(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
