"""settings.toml on DEST merged with the bundle's, keeping everything of the user's.

The user's file stays byte for byte (other keys such as Wi-Fi credentials, comments, layout);
each of the bundle's keys that the board would not find there is added, with the bundle's
line, before any ``[table]`` (where the board stops reading). A key the file sets to another
value is the user's choice and kept, unless ``force``: then the bundle's line replaces the
one the board reads. Keys and values are read as the board reads them (tools.settings_toml).
"""

import re
from dataclasses import dataclass, field

from tools import settings_toml

KEY_LINE = re.compile(rb"^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=", re.M)
HEADER = b"# Added by the nn-matrix bundle (README.md explains each key):"


@dataclass
class Merge:
    """The merged bytes, the bundle's keys added, the keys whose values differ and those of
    them replaced by the bundle's."""

    data: bytes
    added: list = field(default_factory=list)
    differing: list = field(default_factory=list)
    replaced: list = field(default_factory=list)  # differing keys given the bundle's line
    readable: bool = True  # the board reads every added key back from ``data``


def keys_of(data):
    """The keys a settings file sets, in order (the bundle's own, well-formed file)."""
    return list(dict.fromkeys(match.decode() for match in KEY_LINE.findall(data)))


def _line(data, key):
    """The bytes of the line the board reads ``key`` from."""
    start, end = settings_toml.line_of(data, key)
    return data[start:end].rstrip(b"\r")


def _table_start(data):
    """Where the board stops reading: the first line that starts with "[" (or the end)."""
    at = 0
    for line in data.splitlines(keepends=True):
        if line.lstrip(b" \t\v\f\r").startswith(b"["):
            return at
        at += len(line)
    return len(data)


def merge(theirs, ours, force=False):
    """The user's settings bytes ``theirs`` with the keys of the bundle's ``ours``."""
    newline = b"\r\n" if b"\r\n" in theirs else b"\n"
    result = Merge(theirs)
    for key in keys_of(ours):
        wanted = settings_toml.value(ours, key)
        if settings_toml.line_of(result.data, key) is None:
            result.added.append(key)
        elif settings_toml.value(result.data, key) != wanted:
            result.differing.append(key)
            if force:
                result.replaced.append(key)
                start, end = settings_toml.line_of(result.data, key)
                ending = b"\r" if result.data[start:end].endswith(b"\r") else b""
                result.data = result.data[:start] + _line(ours, key) + ending + result.data[end:]
    if result.added:
        at = _table_start(result.data)
        before = result.data[:at]
        if before and not before.endswith(b"\n"):
            before += newline
        lines = [HEADER] + [_line(ours, key) for key in result.added]
        result.data = before + newline.join(lines) + newline + result.data[at:]
    result.readable = all(
        settings_toml.value(result.data, key) == settings_toml.value(ours, key)
        for key in keys_of(ours)
        if force or key not in result.differing
    )
    return result
