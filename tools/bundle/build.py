"""Writing the bundle: the CIRCUITPY folder and a reproducible zip of it beside it.

Every module but code.py ships as a CircuitPython 10 .mpy file (tools.bundle.mpy), or, with
``source=True``, as the .py file itself for other CircuitPython versions.
"""

import shutil
import zipfile
from pathlib import Path

from tools.bundle import LIB, ROOT, BundleError
from tools.bundle.mpy import compile_module, mpy_cross
from tools.bundle.report import Report, compiled_bytes
from tools.bundle.walk import closure, site_packages
from tools.circuitpy import ENTRY, FONTS, SETTINGS

DATA_FILES = (SETTINGS, FONTS + "/*.bdf")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same sources give the same zip


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


def _clear(dest, plan, root):
    """Make ``dest`` an empty folder, deleting only an earlier bundle, never anything else."""
    if dest == root or dest in root.parents:
        raise BundleError("refusing to build into %s: it holds the repository" % dest)
    if not dest.exists():
        return
    if not dest.is_dir():
        raise BundleError("%s exists and is not a folder" % dest)
    allowed = {name.split("/")[0] for name in plan} | {LIB}
    strays = sorted(p.name for p in dest.iterdir() if p.name not in allowed)
    if strays:
        raise BundleError(
            "%s already holds %s, which a bundle never has: refusing to delete it "
            "(choose a new or empty folder, not the CIRCUITPY drive itself)"
            % (dest, ", ".join(strays[:5]))
        )
    shutil.rmtree(dest)


def _write(dest, plan):
    """Compile or copy every planned file into ``dest``; return [(bundle path, bytes)]."""
    tool = mpy_cross() if any(name.endswith(".mpy") for name in plan) else None
    files = []
    for name, source in plan.items():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".mpy"):
            # Named by its path under / or /lib, with .py, as the board names a source file.
            module = name[len(LIB) + 1 :] if name.startswith(LIB + "/") else name
            target.write_bytes(compile_module(source, module[:-4] + ".py", tool))
        else:
            shutil.copyfile(source, target)
        files.append((name, target.stat().st_size))
    return files


def _zip(dest, zip_path, files):
    """DEST.zip with the bundle's files at its top level, reproducible byte for byte."""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, _ in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (dest / name).read_bytes())


def build(dest, *, root=ROOT, site=None, builtins=None, source=False):
    """Write the CIRCUITPY folder ``dest`` and ``dest``.zip; return a Report. ``source``:
    ship .py files, which any CircuitPython compiles itself, instead of .mpy files."""
    root = Path(root).resolve()
    site = Path(site or site_packages()).resolve()
    dest = Path(dest).resolve()
    found = closure(root / ENTRY, root=root, site=site, builtins=builtins)
    plan = _plan(found, root, site)
    if not source:
        plan = _as_mpy(plan)
    _clear(dest, plan, root)
    dest.mkdir(parents=True)
    files = _write(dest, plan)
    zip_path = dest.with_name(dest.name + ".zip")
    _zip(dest, zip_path, files)
    # The .mpy bundle shows what its modules take; a source bundle gets an estimate.
    compiled = compiled_bytes([module.path for module in found.modules]) if source else None
    return Report(dest, zip_path, files, plan, found, _shipped_unused(plan, found), compiled)
