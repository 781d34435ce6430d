"""make bundle (python -m tools.bundle): a CIRCUITPY folder with every module code.py needs
and nothing else."""

import subprocess
import sys
import zipfile

import pytest

from tests.device import ROOT, mpy_cross_errors
from tools.bundle import BundleError
from tools.bundle.__main__ import main
from tools.bundle.build import build
from tools.bundle.report import CIRCUP_FILE, circup_mismatch
from tools.bundle.walk import BUILTINS_FILE, closure, load_builtins, read_name_list, site_packages

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
    """(folder, report) of one bundle built from the working tree."""
    dest = tmp_path_factory.mktemp("bundle") / "CIRCUITPY"
    report = build(dest)
    return dest, report


def bundle_files(dest):
    """Every file in the bundle, as posix paths relative to it."""
    return sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())


def test_bundle_holds_the_device_files_and_nothing_from_the_pc(built):
    dest, _ = built
    files = bundle_files(dest)
    assert {name.split("/")[0] for name in files} <= DEVICE_TOP_LEVEL
    for needed in ("code.py", "settings.toml", "fonts/tiny5.bdf", "nn/__init__.py"):
        assert needed in files
    assert "app/assemble.py" in files
    assert (dest / "settings.toml").read_bytes() == (ROOT / "settings.toml").read_bytes()
    assert (dest / "fonts/tiny5.bdf").read_bytes() == (ROOT / "fonts/tiny5.bdf").read_bytes()
    for name in files:
        assert not name.startswith(("sim/", "tests/")), name
        assert "__pycache__" not in name and not name.endswith((".pyc", ".mpy")), name


def test_every_python_file_compiles_with_mpy_cross(built):
    dest, _ = built
    sources = sorted(dest.rglob("*.py"))
    assert len(sources) > 20
    complaints = {p.relative_to(dest).as_posix(): mpy_cross_errors(p) for p in sources}
    assert {name: why for name, why in complaints.items() if why} == {}


def test_every_import_from_code_py_resolves_inside_the_bundle(built):
    """Walk the imports again with the bundle itself as the board's / and /lib."""
    dest, report = built
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
        "lib/" + m.path.relative_to(site_packages()).as_posix()
        for m in report.closure.modules
        if m.origin == "lib"
    }
    assert lib == imported
    for needed in (
        "lib/adafruit_matrixportal/matrix.py",
        "lib/adafruit_display_text/bitmap_label.py",
        "lib/adafruit_bitmap_font/bdf.py",
        "lib/adafruit_ticks.py",
    ):
        assert needed in lib
    for unused in (
        "lib/adafruit_matrixportal/matrixportal.py",
        "lib/adafruit_matrixportal/network.py",
        "lib/adafruit_display_text/label.py",
        "lib/adafruit_display_text/scrolling_label.py",
    ):
        assert unused not in lib
    assert not any(name.startswith("lib/adafruit_portalbase") for name in lib)


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


def test_report_adds_up_and_compares_with_the_heap(built):
    dest, report = built
    files = bundle_files(dest)
    assert [name for name, _ in report.files] == files
    assert report.total_bytes == sum((dest / name).stat().st_size for name in files)
    lib = [name for name in files if name.startswith("lib/")]
    assert report.lib_bytes == sum((dest / name).stat().st_size for name in lib)
    assert report.source_bytes == sum(m.path.stat().st_size for m in report.closure.modules)
    assert report.compiled_bytes is None or 0 < report.compiled_bytes < report.source_bytes
    text = "\n".join(report.lines())
    assert "150 KB" in text and "bytecode" in text
    print("\n" + "\n".join(report.lines(listing=True)))


def test_make_bundle_writes_the_folder_named_by_dest(tmp_path):
    """The README's command with DEST=, run by this interpreter; -o keeps make from
    reinstalling the virtualenv first."""
    dest = tmp_path / "out" / "CIRCUITPY"
    make = ["make", "-s", "-o", ".venv/.installed", "bundle"]
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


def test_rebuilds_over_an_earlier_bundle_but_never_deletes_other_folders(tmp_path):
    dest = tmp_path / "CIRCUITPY"
    build(dest)
    (dest / "lib" / "stale.py").write_text("")
    build(dest)
    assert not (dest / "lib" / "stale.py").exists()
    (dest / "boot_out.txt").write_text("a real CIRCUITPY drive")
    with pytest.raises(BundleError, match=r"boot_out\.txt"):
        build(dest)
    assert (dest / "boot_out.txt").exists() and (dest / "code.py").exists()
    with pytest.raises(BundleError, match="repository"):
        build(ROOT)


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
    (tmp_path / "CIRCUITPY").mkdir()
    (tmp_path / "CIRCUITPY" / "notes.txt").write_text("mine")
    assert main([str(tmp_path / "CIRCUITPY")]) == 1
    assert "refusing to delete" in capsys.readouterr().err
    assert (tmp_path / "CIRCUITPY" / "notes.txt").exists()
