"""The imports in one module's source, found with ``ast`` without running it."""

import ast
from dataclasses import dataclass

from tools.bundle import BundleError

# An except clause naming one of these (or a bare except) catches a failed import.
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


@dataclass(frozen=True)
class Import:
    """One import statement's target: ``name`` plus the ``members`` of a from-import."""

    name: str
    where: str
    members: tuple = ()
    guarded: bool = False


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


def _loaded_on_first_use(module, tree, label):
    """A package whose ``__getattr__`` (PEP 562) imports its modules on first use may load
    any name of its ``__all__``: an Import of the package with those names as members (the
    walk keeps the members that are modules), or None for any other module."""
    if module.path.name != "__init__.py":
        return None
    hook = names = None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            hook = node
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            names = ast.literal_eval(node.value)
    if hook is None or names is None:
        return None
    return Import(module.name, "%s:%d" % (label, hook.lineno), tuple(names))


def imports_in(module, label):
    """The imports in one module's source, in source order; ``module`` is a walk.Module and
    ``label`` names its file in messages."""
    try:
        tree = ast.parse(module.path.read_bytes(), filename=str(module.path))
    except SyntaxError as error:
        raise BundleError("%s does not parse: %s" % (label, error)) from error
    finder = _ImportFinder(module, label)
    finder.visit(tree)
    lazy = _loaded_on_first_use(module, tree, label)
    return finder.found + ([lazy] if lazy else [])
