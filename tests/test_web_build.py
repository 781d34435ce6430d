"""python -m tools.web: what the static site holds, and what it refuses to do (no Node needed:
a stand-in interpreter folder takes node_modules' place)."""

import json
import subprocess
import sys

import pytest

from tools import web
from tools.bundle import BundleError
from tools.bundle.walk import site_packages
from tools.circuitpy import FONTS, PACKAGES, SETTINGS

ROOT = web.ROOT


@pytest.fixture
def interpreter(tmp_path, monkeypatch):
    """A folder holding files named as the interpreter's, used instead of web/node_modules."""
    folder = tmp_path / "interpreter"
    folder.mkdir()
    for name in web.INTERPRETER_FILES:
        (folder / name).write_bytes(b"stand-in " + name.encode())
    monkeypatch.setattr(web, "INTERPRETER", folder)
    return folder


def test_the_python_files_are_the_drives_packages_and_the_pages_stand_ins():
    """Every file of code.py's packages and fonts, settings.toml, the page's host modules at
    the top, the settings reader, and from lib/ only what the app imports (adafruit_ticks)."""
    files = web.python_files()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "__pycache__" not in path.parts:
                assert files[path.relative_to(ROOT).as_posix()] == path
    for path in (ROOT / FONTS).glob("*.bdf"):
        assert files[path.relative_to(ROOT).as_posix()] == path
    assert files[SETTINGS] == ROOT / SETTINGS
    for path in (ROOT / "web" / "python").glob("*.py"):
        assert files[path.name] == path
    assert files["tools/settings_toml.py"] == ROOT / "tools" / "settings_toml.py"
    lib = {name: path for name, path in files.items() if name.startswith("lib/")}
    assert lib == {"lib/adafruit_ticks.py": site_packages() / "adafruit_ticks.py"}
    tops = {name.split("/")[0] for name in files if "/" in name}
    assert tops == {*PACKAGES, FONTS, "lib", "tools"}


def test_the_site_holds_the_page_the_interpreter_and_python_json(tmp_path, interpreter):
    """The page's files, the interpreter's, and python.json with every Python file's text."""
    dest = tmp_path / "site"
    written = dict(web.build(dest))
    expected = {*web.PAGE_FILES, *web.INTERPRETER_FILES, web.PYTHON}
    assert set(written) == expected == {path.name for path in dest.iterdir()}
    for name in web.PAGE_FILES:
        assert (dest / name).read_bytes() == (ROOT / "web" / name).read_bytes()
    for name in web.INTERPRETER_FILES:
        assert (dest / name).read_bytes() == (interpreter / name).read_bytes()
    texts = json.loads((dest / web.PYTHON).read_text())
    files = web.python_files()
    assert [name for name, _text in texts] == list(files)
    for name, text in texts:
        assert text == files[name].read_text()
    assert "http://" not in (dest / "index.html").read_text()  # relative URLs only


def test_a_rebuild_replaces_an_earlier_site_but_never_deletes_other_files(tmp_path, interpreter):
    dest = tmp_path / "site"
    web.build(dest)
    (dest / "stale.txt").write_text("from an earlier build")
    web.build(dest)
    assert not (dest / "stale.txt").exists()
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(BundleError, match="not an earlier build of the page"):
        web.build(other)
    assert (other / "notes.txt").read_text() == "keep me"


def test_without_npm_ci_the_build_says_how_to_get_the_interpreter(tmp_path, monkeypatch):
    monkeypatch.setattr(web, "INTERPRETER", tmp_path / "missing")
    with pytest.raises(BundleError, match="npm ci"):
        web.build(tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_the_command_line_wants_one_destination():
    result = subprocess.run(
        [sys.executable, "-m", "tools.web"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "usage: python -m tools.web DEST"
