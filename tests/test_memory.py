"""Set-up code gives its RAM back: app.memory's rule, nn's on-demand helpers, the app's order."""

import gc
import importlib
import os
import subprocess
import sys
import weakref

import pytest

import nn
from app import memory
from render.frame import FrameComposer
from render.layout import Layout
from tests.device import ROOT, on_both
from tests.sim_helpers import load_font, run_code


@pytest.fixture
def restore_modules():
    """Put back the module objects a test forgets, so later tests see the ones they imported."""
    saved = dict(sys.modules)
    yield
    for name in memory.SET_UP_MODULES:
        if name in saved:
            sys.modules[name] = saved[name]
            package, _, child = name.rpartition(".")
            setattr(sys.modules[package], child, saved[name])


def test_release_drops_the_module_and_a_later_import_loads_it_again(restore_modules):
    import render.geometry

    old = render.geometry
    memory.release(["render.geometry"])
    assert "render.geometry" not in sys.modules
    assert "geometry" not in vars(sys.modules["render"])
    import render.geometry as again

    assert again is not old
    assert again.line_points(0, 0, 2, 0) == old.line_points(0, 0, 2, 0)


def test_release_ignores_modules_that_are_not_loaded():
    memory.release(["render.no_such_module", "no_such_package.module"])


def test_released_data_modules_import_again(restore_modules):
    """After the release, ``from nn import problems`` (as app.build does) loads them anew."""
    first = nn.problems.load("xor", seed=3)
    memory.release(memory.DATA_MODULES)
    assert "nn.problems" not in sys.modules and "nn.data" not in sys.modules
    assert "problems" not in vars(nn) and "data" not in vars(nn)
    from nn import problems

    again = problems.load("xor", seed=3)
    assert [list(part.values) for part in again[::2]] == [list(part.values) for part in first[::2]]
    memory.release(memory.DATA_MODULES)
    assert list(nn.problems.load("xor", seed=3)[1]) == list(first[1])  # as an attribute too
    with pytest.raises(AttributeError, match="no_such_name"):
        nn.no_such_name  # noqa: B018


def test_set_up_makes_the_data_then_draws_then_builds_on_that_data(restore_modules):
    """app.memory.set_up's order (bench.tricks T5, T11): the data, the data modules go, the
    picture, the drawing modules go, then the network and trainer from the data."""
    importlib.import_module("render.layout")  # loaded before set-up, as app.settings does
    steps = []

    def step(name):
        steps.append((name, "nn.data" in sys.modules, "render.layout" in sys.modules))
        return name

    made = memory.set_up(
        lambda: nn.problems.load("xor", seed=1) and step("data"),
        lambda: step("draw"),
        lambda data: step("build on " + data),
    )
    assert made == ("draw", "build on data")
    assert steps == [("data", True, True), ("draw", False, True), ("build on data", False, False)]
    assert not set(memory.SET_UP_MODULES) & set(sys.modules)


class Display:
    """Just what the displayio Scene asks of a display."""

    width = 64
    height = 32
    root_group = None


def test_composer_and_scene_do_not_keep_the_layout_alive():
    from render.scene import Scene

    layout = Layout([2, 3, 3, 1])
    layout_alive = weakref.ref(layout)
    composer = FrameComposer(layout)
    scene = Scene(Display(), load_font())
    scene.draw_network(layout)
    del layout
    gc.collect()
    assert layout_alive() is None
    assert composer.rest_colours()[1] != 0 and scene.palette is not None


def test_the_app_releases_drawing_and_data_modules_and_still_animates(restore_modules):
    run = run_code(batches=1, fps=50)
    assert not set(memory.SET_UP_MODULES) & set(sys.modules)
    pictures = {frame.picture for frame in run.frames if frame.picture.lit()}
    assert len(pictures) > 5  # drawn, and animated by the composer without the layout


RELEASE_SCRIPT = """
import gc
import os
from app import memory
from render.frame import FrameComposer

gc.collect()
before = gc.mem_alloc()
from render.layout import Layout

composer = FrameComposer(Layout([2, 3, 3, 1]))
del Layout
gc.collect()
built = gc.mem_alloc()
memory.release(memory.DRAWING_MODULES)
after = gc.mem_alloc()
composer.rest_colours()
print("imported_and_built", built - before)
print("given_back", built - after)
"""


@on_both
def test_the_device_gets_the_drawing_code_back(interpreter):
    """On the device the layout's code (all but its interned names) is freed."""
    result = interpreter.run(RELEASE_SCRIPT)
    assert result.returncode == 0, result.stdout + result.stderr
    figures = dict(line.split() for line in result.stdout.splitlines())
    imported, given_back = int(figures["imported_and_built"]), int(figures["given_back"])
    # What stays: the composer and the layout's names in the qstr pool (measured: 4.6 KB on
    # the wheel, 5.4 KB on the board-faithful build; 2.6 KB more on the wheel when the names
    # take a new block of the heap in between, as they may after any change of code).
    assert given_back > 6 * 1024, figures
    assert imported - given_back < 8 * 1024, figures


RULE_SCRIPT = """
import gc
import os
import importlib
import weakref

import app
from app import memory, settings


class Scene:
    width = 64
    height = 32

    def draw_network(self, layout):
        self.elements = len(list(layout.elements()))

    def __getattr__(self, name):  # every other scene call: nothing to show here
        return lambda *args: None


class Events:
    def get(self):
        return None


def one_of_each(names):
    # A weak reference to the first function or class defined in each module.
    refs = {}
    for name in names:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if callable(value) and getattr(value, "__module__", None) == name:
                refs[name] = weakref.ref(value)
                break
    return refs


config, problems = settings.read(lambda key: None)
refs = one_of_each(memory.SET_UP_MODULES)
loop = app.start(Scene(), Events(), lambda: 0, config, problems, log=lambda line: None)
loop.step()
gc.collect()
print(len(refs), sorted(name for name, ref in refs.items() if ref() is not None))
"""


def fresh_cpython(script):
    """Run ``script`` in a new CPython (nothing imported yet) with the repository importable."""
    return subprocess.run(
        [sys.executable, "-P", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        check=False,
    )


def test_after_start_nothing_refers_to_a_set_up_module():
    """The rule app.memory states, in a fresh CPython: a weak reference to a function or
    class of every set-up-only module is dead once app.start has returned."""
    result = fresh_cpython(RULE_SCRIPT)
    assert result.returncode == 0, result.stderr
    count, alive = result.stdout.split(" ", 1)
    assert int(count) == len(memory.SET_UP_MODULES)
    assert alive.strip() == "[]"


TWO_RUNS_SCRIPT = """
from tests.sim_helpers import run_code

for _ in range(2):  # nothing imported before: the first run imports nn, render and app
    run = run_code(batches=1, fps=50)
    print(len(run.batch_lines()))
"""


def test_released_modules_import_again_in_a_second_run_of_the_same_process():
    """The simulator's drive is temporary: a module the first run imported (then released)
    must import again in the next run, as on a board that restarts without a reset."""
    result = fresh_cpython(TWO_RUNS_SCRIPT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["1", "1"]


LAZY_NN_SCRIPT = """
import sys

def loaded():
    return sorted(name[3:] for name in sys.modules if name.startswith("nn."))

import nn
print("package", *loaded())
from nn import activations, losses, schedules
print("registries", *loaded())
nn.Network([2, 1], seed=1)
print("network", *loaded())
try:
    nn.no_such_name
except AttributeError as error:
    print("error", "no_such_name" in str(error))
"""


@on_both
def test_nn_loads_each_module_on_first_use(interpreter):
    """``import nn`` loads nothing more; the registries app.settings reads load no training
    code; a class loads its module and what that imports (MicroPython's ``from nn import``
    and attribute lookups go through the package's __getattr__ as CPython's do)."""
    result = interpreter.run(LAZY_NN_SCRIPT)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = dict(
        line.split(" ", 1) if " " in line else (line, "") for line in result.stdout.splitlines()
    )
    assert lines["package"] == ""
    assert lines["registries"] == "activations losses schedules"
    assert lines["network"] == "activations gradients losses network rng schedules"
    assert lines["error"] == "True"


def test_every_module_of_nn_is_one_of_its_names():
    """A new module in nn/ must be listed in nn.__all__, or MicroPython cannot import it by
    ``from nn import name``."""
    modules = {path.stem for path in (ROOT / "nn").glob("*.py") if path.stem != "__init__"}
    assert modules <= set(nn.__all__)
    for name in nn.__all__:
        assert getattr(nn, name) is not None


CODEPY_SETTINGS_SCRIPT = """
import gc
import sys
import weakref

from app import settings

read = weakref.ref(settings.read)
del settings
from tests.sim_helpers import run_code

run = run_code(batches=1, fps=50)
gc.collect()
print("app.settings" in sys.modules, read() is not None)
"""


def test_code_py_releases_the_settings_module_once_it_has_read_them():
    """code.py reads settings.toml once; app.settings (SETTINGS_MODULES) is then dropped and
    a weak reference to its read function is dead while the run goes on."""
    result = fresh_cpython(CODEPY_SETTINGS_SCRIPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
