"""The import walk: every module code.py imports, directly or not, and where each comes from.

A name resolves to the board's firmware (builtin_modules.txt), to one of the repository's
device packages (tools.circuitpy.PACKAGES: "local") or to this interpreter's site-packages, which
the bundle copies into lib/ ("lib"). Any other module of the repository is PC-only.
"""

import re
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

from tools.bundle import LIB, ROOT, BundleError
from tools.bundle.imports import imports_in
from tools.circuitpy import ENTRY, PACKAGES

BUILTINS_FILE = Path(__file__).with_name("builtin_modules.txt")
# Modules that only carry type hints; the board has none of them.
TYPING_ONLY = frozenset({"typing", "typing_extensions", "circuitpython_typing", "_typeshed"})


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
    return Path(sysconfig.get_paths()["purelib"]).resolve()


def _source_file(root, parts):
    """root/a/b/c.py or root/a/b/c/__init__.py for ["a", "b", "c"], or None."""
    folder = root.joinpath(*parts)
    init = folder / "__init__.py"
    if init.is_file():
        return init
    plain = folder.parent / (parts[-1] + ".py")
    return plain if plain.is_file() else None


class Resolver:
    """Maps a dotted module name to the board's builtins, a device package or lib/."""

    def __init__(self, root, site, builtins, packages):
        self.root = Path(root)
        self.site = Path(site)
        self.builtins = builtins
        self.packages = packages

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
        if _source_file(self.root, [top]):
            if top not in self.packages:
                raise BundleError(
                    "%s imports %s, which is PC-only: %s is not one of the device packages "
                    "in tools/circuitpy.py, so the board does not have it" % (where, name, top)
                )
            return self.root, "local"
        if _source_file(self.site, [top]):
            return self.site, "lib"
        raise BundleError(
            "%s imports %s: not built into the Matrix Portal M4's CircuitPython "
            "(tools/bundle/builtin_modules.txt), not in the repository and not installed in %s "
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


def closure(entry=None, *, root=ROOT, site=None, builtins=None, packages=PACKAGES):
    """Every module the board imports when it runs ``entry`` (code.py), in import order;
    ``packages`` are the top-level names under ``root`` that go to the board."""
    root = Path(root)
    resolver = Resolver(root, site or site_packages(), builtins or load_builtins(), packages)
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
