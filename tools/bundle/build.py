"""Building the bundle: the CIRCUITPY folder and a reproducible zip of it beside it.

Every module but code.py ships as a CircuitPython 10 .mpy file (tools.bundle.mpy), or, with
``source=True``, as the .py file itself for other CircuitPython versions.
"""

from pathlib import Path

from tools.bundle import LIB, ROOT, BundleError
from tools.bundle.mpy import compile_module, mpy_cross
from tools.bundle.report import Report, compiled_bytes
from tools.bundle.update import update_dest
from tools.bundle.walk import closure, site_packages
from tools.circuitpy import ENTRY, FONTS, SETTINGS

DATA_FILES = (SETTINGS, FONTS + "/*.bdf")


def _plan(found, root, site):
    """{bundle path: source file} for everything the bundle holds."""
    plan = {ENTRY: root / ENTRY}
    packages = {m.name.split(".")[0] for m in found.modules if m.origin == "local"}
    for package in sorted(packages - {"__main__"}):
        folder = root / package
        sources = folder.rglob("*.py") if folder.is_dir() else [root / (package + ".py")]
        for path in sources:
            if "__pycache__" not in path.parts:
                plan[path.relative_to(root).as_posix()] = path
    for pattern in DATA_FILES:
        matches = sorted(root.glob(pattern))
        if not matches:
            raise BundleError("the bundle needs %s, and the repository has none" % pattern)
        for path in matches:
            plan[path.relative_to(root).as_posix()] = path
    for module in found.modules:
        if module.origin == "lib":
            plan[LIB + "/" + module.path.relative_to(site).as_posix()] = module.path
    return dict(sorted(plan.items()))


def _as_mpy(plan):
    """The plan with every module but code.py renamed to the .mpy file it becomes."""
    renamed = {
        name[:-3] + ".mpy" if name.endswith(".py") and name != ENTRY else name: path
        for name, path in plan.items()
    }
    return dict(sorted(renamed.items()))


def _shipped_unused(plan, found):
    """Shipped local modules that code.py never imports (they cost flash, not RAM)."""
    imported = {module.path for module in found.modules}
    return [
        name
        for name, path in plan.items()
        if path.suffix == ".py" and not name.startswith(LIB + "/") and path not in imported
    ]


def _contents(plan):
    """{bundle path: bytes}: every planned file compiled (.mpy) or read, before any is written."""
    tool = mpy_cross() if any(name.endswith(".mpy") for name in plan) else None
    contents = {}
    for name, source in plan.items():
        if name.endswith(".mpy"):
            # Named by its path under / or /lib, with .py, as the board names a source file.
            module = name[len(LIB) + 1 :] if name.startswith(LIB + "/") else name
            contents[name] = compile_module(source, module[:-4] + ".py", tool)
        else:
            contents[name] = source.read_bytes()
    return contents


def build(dest, *, root=ROOT, site=None, builtins=None, source=False, force=False):
    """Write the CIRCUITPY folder ``dest`` and ``dest``.zip; return a Report. ``source``:
    ship .py files, which any CircuitPython compiles itself, instead of .mpy files. Only files
    the bundle wrote are replaced (tools.bundle.update); ``force`` keeps clashing files of the
    user's as NAME.bak instead of stopping with Clash."""
    root = Path(root).resolve()
    site = Path(site or site_packages()).resolve()
    dest = Path(dest).resolve()
    found = closure(root / ENTRY, root=root, site=site, builtins=builtins)
    plan = _plan(found, root, site)
    if not source:
        plan = _as_mpy(plan)
    if dest == root or dest in root.parents:
        raise BundleError("refusing to build into %s: it holds the repository" % dest)
    # No zip beside a drive's root (E:\\ on Windows has no name to give one).
    zip_path = dest.with_name(dest.name + ".zip") if dest.name else None
    update = update_dest(dest, zip_path, _contents(plan), force)
    files = [(name, (dest / name).stat().st_size) for name in plan]
    # The .mpy bundle shows what its modules take; a source bundle gets an estimate.
    compiled = compiled_bytes([module.path for module in found.modules]) if source else None
    unused = _shipped_unused(plan, found)
    return Report(dest, update.zip_path, files, plan, found, unused, compiled, update.notes)
