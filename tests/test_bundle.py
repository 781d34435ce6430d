"""make bundle (python -m tools.bundle): a CIRCUITPY folder with every module code.py needs
and nothing else, as CircuitPython 10 .mpy files (or as .py sources with SOURCE=1)."""

import subprocess
import sys
import zipfile

import pytest

from bench import interpreters
from tests.device import ROOT, mpy_cross_errors, run_circuitpython, tool
from tools.bundle import BundleError
from tools.bundle.__main__ import main
from tools.bundle.build import build
from tools.bundle.care import MANIFEST
from tools.bundle.mpy import compile_module
from tools.bundle.report import CIRCUP_FILE, circup_mismatch
from tools.bundle.walk import BUILTINS_FILE, closure, load_builtins, read_name_list, site_packages

# CircuitPython 10.2.1's own mpy-cross, beside the checkout in CI (../shared), nowhere else.
CIRCUITPY_MPY_CROSS = interpreters.CIRCUITPYTHON.with_name("mpy-cross-cp10")

DEVICE_TOP_LEVEL = {"code.py", "settings.toml", "fonts", "lib", "app", "nn", "render"}
ON_THE_BOARD = {
    "displayio", "rgbmatrix", "framebufferio", "terminalio", "bitmaptools", "vectorio", "keypad",
    "board", "digitalio", "busio", "microcontroller", "supervisor", "storage", "os", "time",
    "math", "random", "gc", "struct", "array", "json", "sys", "micropython", "fontio",
    "collections", "errno", "io", "re", "binascii", "analogio", "pwmio", "neopixel_write",
    "usb_cdc", "rtc", "traceback", "zlib", "select", "busdisplay", "i2cdisplaybus", "audiocore",
    "nvm", "__future__",
}  # fmt: skip
NOT_ON_THE_BOARD = {
    "ulab", "numpy", "typing", "wifi", "socketpool", "ssl", "fourwire", "epaperdisplay",
    "paralleldisplaybus", "sharpdisplay", "dataclasses", "abc",
}  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(folder, report) of the default bundle (.mpy files) built from the working tree."""
    dest = tmp_path_factory.mktemp("bundle") / "CIRCUITPY"
    report = build(dest)
    return dest, report


@pytest.fixture(scope="module")
def built_source(tmp_path_factory):
    """(folder, report) of the source bundle (make bundle SOURCE=1)."""
    dest = tmp_path_factory.mktemp("bundle-source") / "CIRCUITPY"
    report = build(dest, source=True)
    return dest, report


def bundle_files(dest):
    """Every file in the bundle, as posix paths relative to it (not the bundle's record of
    what it wrote: tests/test_bundle_care.py)."""
    return sorted(
        p.relative_to(dest).as_posix()
        for p in dest.rglob("*")
        if p.is_file() and p.name != MANIFEST
    )


def test_bundle_holds_the_device_files_and_nothing_from_the_pc(built):
    dest, _ = built
    files = bundle_files(dest)
    assert {name.split("/")[0] for name in files} <= DEVICE_TOP_LEVEL
    for needed in ("code.py", "settings.toml", "fonts/tiny5.bdf", "nn/__init__.mpy"):
        assert needed in files
    assert "app/assemble.mpy" in files
    assert (dest / "settings.toml").read_bytes() == (ROOT / "settings.toml").read_bytes()
    assert (dest / "fonts/tiny5.bdf").read_bytes() == (ROOT / "fonts/tiny5.bdf").read_bytes()
    assert (dest / "code.py").read_bytes() == (ROOT / "code.py").read_bytes()
    for name in files:
        assert not name.startswith(("sim/", "tests/")), name
        assert "__pycache__" not in name and not name.endswith(".pyc"), name
    # A .py beside a .mpy of the same name would win the import: code.py is the only source.
    assert [name for name in files if name.endswith(".py")] == ["code.py"]


def test_source_bundle_is_the_same_bundle_with_py_files(built, built_source):
    """SOURCE=1 ships each module's .py where the default bundle has its .mpy."""
    dest, _ = built
    source_dest, _ = built_source
    as_source = [n[:-4] + ".py" if n.endswith(".mpy") else n for n in bundle_files(dest)]
    assert bundle_files(source_dest) == sorted(as_source)
    assert not any(name.endswith(".mpy") for name in bundle_files(source_dest))
    assert (source_dest / "nn/network.py").read_bytes() == (ROOT / "nn/network.py").read_bytes()


def test_every_python_file_compiles_with_mpy_cross(built_source):
    dest, _ = built_source
    sources = sorted(dest.rglob("*.py"))
    assert len(sources) > 20
    complaints = {p.relative_to(dest).as_posix(): mpy_cross_errors(p) for p in sources}
    assert {name: why for name, why in complaints.items() if why} == {}


def test_every_import_from_code_py_resolves_inside_the_bundle(built_source):
    """Walk the imports again with the source bundle itself as the board's / and /lib (the
    .mpy bundle holds the same modules: test_source_bundle_is_the_same_bundle_with_py_files)."""
    dest, report = built_source
    on_board = closure(root=dest, site=dest / "lib")
    for module in on_board.modules:
        assert module.path.is_relative_to(dest), module
    assert on_board.builtins_used <= load_builtins()
    shipped = {m.path.relative_to(dest).as_posix() for m in on_board.modules}
    assert len(shipped) == len(report.closure.modules)


def test_lib_holds_only_the_library_modules_code_py_imports(built):
    dest, report = built
    lib = {name for name in bundle_files(dest) if name.startswith("lib/")}
    imported = {
        "lib/" + m.path.relative_to(site_packages()).with_suffix(".mpy").as_posix()
        for m in report.closure.modules
        if m.origin == "lib"
    }
    assert lib == imported
    # Only adafruit_ticks: code.py makes the display with rgbmatrix and framebufferio itself
    # (not adafruit_matrixportal, 3 KB of heap), render.text draws the text (not
    # adafruit_display_text and adafruit_bitmap_font).
    assert lib == {"lib/adafruit_ticks.mpy"}


def test_zip_next_to_the_folder_holds_the_same_files(built):
    dest, report = built
    assert report.zip_path == dest.parent / "CIRCUITPY.zip"
    with zipfile.ZipFile(report.zip_path) as archive:
        assert sorted(archive.namelist()) == bundle_files(dest)
        for name in archive.namelist():
            assert archive.read(name) == (dest / name).read_bytes(), name


def test_circup_requirements_name_exactly_the_lib_packages(built):
    dest, report = built
    on_disk = sorted(p.stem if p.is_file() else p.name for p in (dest / "lib").iterdir())
    assert report.libraries == on_disk
    assert sorted(read_name_list(CIRCUP_FILE)) == on_disk
    assert circup_mismatch(report) == ""


def test_builtin_list_names_its_source_and_only_what_the_board_has():
    text = BUILTINS_FILE.read_text()
    assert "matrixportal_m4" in text and "circuitpython.org" in text
    names = read_name_list(BUILTINS_FILE)
    assert len(names) == len(set(names))
    assert set(names) >= ON_THE_BOARD
    assert not NOT_ON_THE_BOARD & set(names)


@pytest.mark.parametrize("bundle", ["built", "built_source"])
def test_report_adds_up(request, bundle):
    dest, report = request.getfixturevalue(bundle)
    files = bundle_files(dest)
    assert [name for name, _ in report.files] == files
    assert report.total_bytes == sum((dest / name).stat().st_size for name in files)
    lib = [name for name in files if name.startswith("lib/")]
    assert report.lib_bytes == sum((dest / name).stat().st_size for name in lib)
    assert report.source_bytes == sum(m.path.stat().st_size for m in report.closure.modules)
    mpy = [name for name in files if name.endswith(".mpy")]
    assert report.mpy_bytes == sum((dest / name).stat().st_size for name in mpy)
    print("\n" + "\n".join(report.lines(listing=True)))


def test_report_gives_the_mpy_size_against_the_source_size(built, built_source):
    """The default bundle's report says what its .mpy files take and what the same bundle
    takes as sources; the source bundle's report estimates the compiled size instead."""
    _, report = built
    _, source_report = built_source
    assert report.as_source_bytes == source_report.total_bytes
    assert 0 < report.mpy_bytes < report.total_bytes < source_report.total_bytes / 2
    assert 0 < report.imported_mpy_bytes <= report.mpy_bytes
    text = "\n".join(report.lines())
    assert "CircuitPython 10.x" in text and "SOURCE=1" in text and "150 KB" in text
    assert "%.1f KB" % (source_report.total_bytes / 1024) in text
    assert report.compiled_bytes is None and source_report.mpy_bytes == 0
    assert 0 < source_report.compiled_bytes < source_report.source_bytes
    source_text = "\n".join(source_report.lines())
    assert "150 KB" in source_text and "bytecode" in source_text


@pytest.mark.parametrize(
    ("options", "module"), [((), "nn/network.mpy"), (("SOURCE=1",), "nn/network.py")]
)
def test_make_bundle_writes_the_folder_named_by_dest(tmp_path, options, module):
    """The README's commands with DEST= (and SOURCE=1), run by this interpreter; -o keeps
    make from reinstalling the virtualenv first."""
    dest = tmp_path / "out" / "CIRCUITPY"
    make = ["make", "-s", "-o", ".venv/.installed", "bundle", *options]
    result = subprocess.run(
        [*make, "DEST=%s" % dest, "PY=" + sys.executable],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "CIRCUITPY bundle: %s" % dest in result.stdout and "KB" in result.stdout
    assert "warning" not in result.stderr
    assert (dest / "code.py").is_file() and (tmp_path / "out" / "CIRCUITPY.zip").is_file()
    assert (dest / module).is_file()


def test_rebuilds_over_an_earlier_bundle_but_never_deletes_other_files(tmp_path):
    dest = tmp_path / "CIRCUITPY"
    build(dest, source=True)
    (dest / "lib" / "mine.py").write_text("")
    (dest / "boot_out.txt").write_text("a real CIRCUITPY drive")
    build(dest)
    assert (dest / "lib" / "mine.py").exists() and (dest / "boot_out.txt").exists()
    # No source of the earlier bundle is left to be imported instead of its .mpy.
    assert not (dest / "nn" / "network.py").exists() and (dest / "nn" / "network.mpy").exists()
    with pytest.raises(BundleError, match="repository"):
        build(ROOT)


# --- the .mpy files -----------------------------------------------------------------------

# The .mpy header CircuitPython 10 loads: 'C' (CircuitPython's; MicroPython's 'M' is refused),
# .mpy version 6, feature byte 0 (bytecode only, so the loader ignores the sub-version),
# small ints of up to 31 bits (the board's size; it refuses a file that needs more).
CIRCUITPYTHON_10_HEADER = b"C\x06\x00\x1f"


def mpy_files(dest):
    """Every .mpy in the bundle, as posix paths relative to it."""
    return [name for name in bundle_files(dest) if name.endswith(".mpy")]


def test_mpy_files_carry_the_header_circuitpython_10_loads(built):
    dest, report = built
    names = mpy_files(dest)
    assert len(names) == len(report.closure.modules) - 1  # every module but code.py
    for name in names:
        assert (dest / name).read_bytes()[:4] == CIRCUITPYTHON_10_HEADER, name
    version = subprocess.run([tool("mpy-cross"), "--version"], capture_output=True, text=True)
    assert "mpy v6.3" in version.stdout  # the sub-version CircuitPython 10.2.1 writes too


def test_mpy_files_equal_circuitpythons_own_mpy_cross_output(built, tmp_path):
    """Byte for byte what CircuitPython 10.2.1's mpy-cross writes from the same file, named
    as Adafruit's bundles name it: the module's path under / or /lib."""
    if not CIRCUITPY_MPY_CROSS.is_file():
        pytest.skip("no mpy-cross-cp10 at %s (it comes with ../shared)" % CIRCUITPY_MPY_CROSS)
    dest, report = built
    output = tmp_path / "module.mpy"
    differ = []
    for name in mpy_files(dest):
        shown = name.removeprefix("lib/").removesuffix(".mpy") + ".py"
        command = [str(CIRCUITPY_MPY_CROSS), "-o", str(output), "-s", shown]
        subprocess.run([*command, str(report.sources[name])], check=True)
        if output.read_bytes() != (dest / name).read_bytes():
            differ.append(name)
    assert differ == []


def test_compiling_stops_at_a_file_or_tool_that_cannot_make_circuitpython_10_bytecode(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n")
    with pytest.raises(BundleError, match="cannot compile"):
        compile_module(broken, "broken.py")
    fine = tmp_path / "fine.py"
    fine.write_text("X = 1\n")
    old = tmp_path / "mpy-cross"  # an mpy-cross writing .mpy version 5 (MicroPython 1.18)
    old.write_text("#!/bin/sh\nprintf 'M\\005\\000\\037' > \"$2\"\n")
    old.chmod(0o755)
    with pytest.raises(BundleError, match=r"version requirements\.txt pins"):
        compile_module(fine, "fine.py", old)


# Imports the app's modules from the bundle (lib/ on the path, as on the board), reads the
# bundle's settings.toml with the board's own os.getenv, draws the layout and trains, showing
# one batch in four as the board does.
BUNDLE_TRAINING_SCRIPT = """
import sys
sys.path.append("lib")
import gc
import os

import nn
from app import build, memory, settings
from render.frame import FrameComposer
from render.layout import Layout

config, problems = settings.read(os.getenv, "settings.toml")
print("problems", len(problems))
composer = FrameComposer(Layout(config["NN_LAYERS"]))
memory.release(memory.DRAWING_MODULES)
trainer = build.trainer(config, 1)
memory.release(memory.DATA_MODULES)
for module in (nn, settings, build, memory, sys.modules["render.frame"], sys.modules["nn.trainer"]):
    print("file", module.__file__)
print("loss", trainer.test_loss)
for batch in range(%d):
    if batch %% 4:
        trainer.train_batch()
        continue
    finished = False
    while not finished:
        finished = trainer.train_sample()
        composer.show_forward(trainer.forward_trace.outputs, trainer.forward_trace.contributions,
                              trainer.network.weights)
        composer.colours_at(100)
    grads = trainer.backward_trace
    composer.show_backward(grads.nodes, grads.weights, trainer.network.weights)
    composer.colours_at(100)
print("loss", trainer.test_loss)
gc.collect()
print("heap", gc.mem_alloc())
"""


def test_app_loads_from_the_mpy_files_and_trains_on_the_board_faithful_interpreter(built):
    """nn, app and render from the bundle's .mpy files, on CircuitPython 10.2.1 built like
    the board: they load and the test loss falls. 96 KB is the most code.py may take on the
    board (a SAMD51 has about 130 KB free once the display runs); this part needs ~79 KB."""
    dest, _ = built
    result = run_circuitpython(BUNDLE_TRAINING_SCRIPT % 40, heap="96K", cwd=dest)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    files = [words[1] for words in lines if words[0] == "file"]
    assert len(files) == 6 and all(name.endswith(".mpy") for name in files), files
    assert ["problems", "0"] in lines
    losses = [float(words[1]) for words in lines if words[0] == "loss"]
    assert len(losses) == 2 and losses[1] < 0.5 * losses[0], losses
    print(result.stdout)


# Every module of nn, app and render that runs without displayio, the layout first (the
# largest module); then the heap the imported code keeps.
IMPORT_SCRIPT = """
import sys
sys.path.append("lib")
import gc
from render.layout import Layout
gc.collect()
from render import colour, curve, frame, geometry, normalise, readout, timeline
gc.collect()
import nn
from nn import checkpoint, data, problems
gc.collect()
import app
from app import assemble, autosave, build, gestures, loop, memory, settings
gc.collect()
print("heap", gc.mem_alloc())
"""


def smallest_heap(folder, script, low=8, high=256):
    """The smallest heap in KB (within 1 KB) in which ``script`` runs in ``folder``."""
    while high - low > 1:
        middle = (low + high) // 2
        result = run_circuitpython(script, heap="%dK" % middle, cwd=folder)
        if result.returncode == 0:
            high = middle
        else:
            assert "MemoryError" in result.stdout + result.stderr, result.stdout + result.stderr
            low = middle
    return high


def test_importing_from_mpy_files_needs_less_heap_than_from_sources(built, built_source):
    """The board compiles a .py in RAM at import; a .mpy is loaded as it is. The code kept
    afterwards is about the same, the heap needed to get there is not."""
    kept = {}
    needed = {}
    for kind, (dest, _) in (("mpy", built), ("py", built_source)):
        result = run_circuitpython(IMPORT_SCRIPT, heap="256K", cwd=dest)
        assert result.returncode == 0, result.stderr
        kept[kind] = int(result.stdout.split()[-1])
        needed[kind] = smallest_heap(dest, IMPORT_SCRIPT)
    print("heap kept after the imports (bytes): %s; smallest heap (KB): %s" % (kept, needed))
    assert needed["mpy"] < needed["py"]
    assert kept["mpy"] <= kept["py"]


# --- the import walk on small made-up trees --------------------------------------------


def make_tree(tmp_path, files):
    """A repository root and a site-packages folder holding ``files`` {path: source}."""
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return tmp_path / "repo", tmp_path / "site"


def walk(root, site):
    """The closure of root/code.py with the real builtin list and app/ as the device package."""
    return closure(root=root, site=site, packages=("app",))


def test_walk_follows_relative_imports_and_submodule_members(tmp_path):
    root, site = make_tree(
        tmp_path,
        {
            "repo/code.py": "import board\nfrom app import main\nfrom libpkg import part\n",
            "repo/app/__init__.py": "",
            "repo/app/main.py": "from . import helper\nfrom .helper import VALUE\n",
            "repo/app/helper.py": "VALUE = 1\n",
            "repo/app/unused.py": "",
            "site/libpkg/__init__.py": "",
            "site/libpkg/part.py": "from . import other\n",
            "site/libpkg/other.py": "import displayio\n",
        },
    )
    found = walk(root, site)
    names = [m.name for m in found.modules]
    assert names == [
        "__main__",
        "app",
        "app.main",
        "libpkg",
        "libpkg.part",
        "app.helper",
        "libpkg.other",
    ]
    assert {m.origin for m in found.modules if m.name.startswith("libpkg")} == {"lib"}
    assert found.builtins_used == {"board", "displayio"}


def test_walk_drops_guarded_typing_imports_and_type_checking_blocks(tmp_path):
    root, site = make_tree(
        tmp_path,
        {
            "repo/code.py": (
                "try:\n"
                "    from typing import TYPE_CHECKING\n"
                "    from circuitpython_typing import ReadableBuffer\n"
                "    if TYPE_CHECKING:\n"
                "        from nowhere_at_all import Thing\n"
                "except ImportError:\n"
                "    pass\n"
            ),
            "site/.keep": "",
        },
    )
    found = walk(root, site)
    assert found.typing_dropped == {"typing", "circuitpython_typing"}
    assert [m.name for m in found.modules] == ["__main__"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("from typing import List\n", "outside a try/except ImportError"),
        ("import nowhere_at_all\n", "nowhere_at_all: not built into"),
        ("def later():\n    import nowhere_at_all\n", r"code.py:2 imports nowhere_at_all"),
        ("import sim.runner\n", "PC-only"),
        ("import ulab\n", "not built into the Matrix Portal M4"),
        ("from app import missing_mod\nimport app.missing_mod\n", "has no module app.missing_mod"),
    ],
)
def test_walk_stops_at_an_import_the_board_cannot_satisfy(tmp_path, source, message):
    root, site = make_tree(tmp_path, {"repo/code.py": source, "repo/app/__init__.py": ""})
    (root / "sim").mkdir()
    (root / "sim" / "__init__.py").write_text("")
    (root / "sim" / "runner.py").write_text("")
    site.mkdir()
    with pytest.raises(BundleError, match=message):
        walk(root, site)


def test_walk_refuses_a_repository_package_that_is_not_a_device_package(tmp_path):
    """A package code.py needs that tools.circuitpy.PACKAGES does not list stops the build."""
    root, site = make_tree(tmp_path, {"repo/code.py": "import app\n", "repo/app/__init__.py": ""})
    site.mkdir()
    with pytest.raises(BundleError, match="app is not one of the device packages"):
        closure(root=root, site=site, packages=("nn",))


def test_main_reports_errors_without_a_traceback(tmp_path, capsys):
    (tmp_path / "CIRCUITPY").write_text("mine")
    assert main([str(tmp_path / "CIRCUITPY")]) == 1
    assert "is not a folder" in capsys.readouterr().err
    assert (tmp_path / "CIRCUITPY").read_text() == "mine"
