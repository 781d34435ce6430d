"""python -m tools.web DEST: the web page as a static site (``make web`` builds build/web).

DEST gets the page (web/index.html, style.css and its JavaScript modules), the
MicroPython-WebAssembly interpreter from web/node_modules (``npm ci`` in web/ installs the
version pinned in web/package-lock.json) and python.json: the files the page's Python runs,
as [[path, text], ...] in one download, paths laid out as on the CIRCUITPY drive. They are
code.py's packages and fonts (tools/circuitpy.py) and settings.toml; the Adafruit library
modules they import in lib/, from the pinned packages, found by the bundle's import walk
from the page's entry; the page's stand-ins for the board's modules (web/python/, at the
top); and the settings reader the page shares with the simulator (tools/settings_toml.py).
Every URL is relative, so DEST works from any folder of any static host.
"""

import json
import shutil
import sys
from pathlib import Path

from tools.bundle import BundleError
from tools.bundle.walk import closure, load_builtins, site_packages
from tools.circuitpy import FONTS, PACKAGES, SETTINGS

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
HOST = WEB / "python"  # the page's stand-ins and its entry, main.py
PAGE_FILES = ("index.html", "style.css", "engine.mjs", "page.mjs")
INTERPRETER = WEB / "node_modules" / "@micropython" / "micropython-webassembly-pyscript"
INTERPRETER_FILES = ("micropython.mjs", "micropython.wasm")
JS_MODULES = frozenset({"webhost"})  # registered by web/engine.mjs, not files
PYTHON = "python.json"


def python_files(root=ROOT, site=None):
    """{path on the page's drive: source file} of every Python file the page loads."""
    site = Path(site or site_packages())
    host = Path(root) / HOST.relative_to(ROOT)
    builtins = load_builtins() | JS_MODULES | {path.stem for path in host.glob("*.py")}
    found = closure(
        host / "main.py", root=root, site=site, builtins=builtins, packages=(*PACKAGES, "tools")
    )
    files = {path.name: path for path in sorted(host.glob("*.py"))}
    for package in PACKAGES:
        for path in sorted((Path(root) / package).rglob("*.py")):
            if "__pycache__" not in path.parts:
                files[path.relative_to(root).as_posix()] = path
    for module in found.modules:
        if module.origin == "lib":
            files["lib/" + module.path.relative_to(site).as_posix()] = module.path
        elif module.name != "__main__":
            files[module.path.relative_to(root).as_posix()] = module.path
    for path in sorted((Path(root) / FONTS).glob("*.bdf")):
        files[path.relative_to(root).as_posix()] = path
    files[SETTINGS] = Path(root) / SETTINGS
    return dict(sorted(files.items()))


def _clear(dest):
    """Make ``dest`` an empty folder, deleting only an earlier build of the page."""
    if dest == ROOT or dest in ROOT.parents:
        raise BundleError("refusing to build into %s: it holds the repository" % dest)
    if not dest.exists():
        return
    if not (dest / PYTHON).is_file() or any(dest.glob("*.py")):
        raise BundleError(
            "%s exists and is not an earlier build of the page: refusing to delete it" % dest
        )
    shutil.rmtree(dest)


def build(dest):
    """Write the site into ``dest``; returns its files as [(relative path, bytes)]."""
    dest = Path(dest).resolve()
    missing = [name for name in INTERPRETER_FILES if not (INTERPRETER / name).is_file()]
    if missing:
        raise BundleError(
            "%s is missing: run `npm ci` in web/ (make web does) to install the pinned "
            "MicroPython-WebAssembly" % (INTERPRETER / missing[0])
        )
    files = python_files()
    _clear(dest)
    dest.mkdir(parents=True)
    plan = {name: WEB / name for name in PAGE_FILES}
    plan.update({name: INTERPRETER / name for name in INTERPRETER_FILES})
    for name, source in plan.items():
        shutil.copyfile(source, dest / name)
    texts = []
    for name, path in files.items():
        try:
            texts.append([name, path.read_bytes().decode("utf-8")])
        except UnicodeError:
            raise BundleError("%s is not UTF-8 text, which python.json carries" % path) from None
    (dest / PYTHON).write_text(json.dumps(texts, separators=(",", ":")) + "\n")
    return [(name, (dest / name).stat().st_size) for name in sorted([*plan, PYTHON])]


def main(argv=None):
    """Build the site from the command line; returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m tools.web DEST", file=sys.stderr)
        return 2
    try:
        written = build(args[0])
    except BundleError as error:
        print("python -m tools.web: %s" % error, file=sys.stderr)
        return 1
    total = sum(size for _name, size in written)
    print("web page: %s (%d files, %d KB)" % (args[0], len(written), (total + 1023) // 1024))
    return 0


if __name__ == "__main__":
    sys.exit(main())
