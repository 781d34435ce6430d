"""Bringing DEST up to date with the bundle without losing anything of the user's.

Everything is checked before anything is written: a file of the user's where the bundle must
write (or one the user changed since the bundle wrote it, or one that would be imported instead
of the bundle's module) is a clash, and the update stops with all of them named, having
written nothing, unless ``force``: then each is kept under a free name NAME.bak first.
settings.toml is merged instead (tools.bundle.settings_merge). Files the last bundle wrote and
this one does not are removed if they still hold what it wrote; any other file stays.
"""

import os
from dataclasses import dataclass, field

from tools.bundle import BundleError
from tools.bundle.archive import is_our_zip, zip_bytes
from tools.bundle.care import (
    Clash,
    backup_name,
    digest,
    is_ours,
    is_plain_file,
    read_manifest,
    why_not_ours,
    write_file,
    write_manifest,
)
from tools.bundle.settings_merge import merge
from tools.circuitpy import SETTINGS


@dataclass
class Update:
    """What updating DEST does, worked out before any of it is done."""

    dest: object
    zip_path: object
    contents: dict  # {bundle path: bytes} the bundle writes
    recorded: dict  # the last bundle's manifest
    clashes: dict = field(default_factory=dict)  # {path: why}
    stale: list = field(default_factory=list)  # the last bundle's files to remove
    settings: object = None  # a Merge, when the user's settings.toml is merged
    notes: list = field(default_factory=list)  # what the user should hear about

    def label(self, path):
        """``path`` as the user knows it: relative to DEST, or the zip's own path."""
        return (
            path.relative_to(self.dest).as_posix() if path.is_relative_to(self.dest) else str(path)
        )

    def clash(self, path, why):
        self.clashes.setdefault(path, why)


def _behind_a_link(dest, name):
    """Whether a folder above bundle path ``name`` is a symlink (its files are not DEST's)."""
    parts = name.split("/")[:-1]
    return any(dest.joinpath(*parts[: depth + 1]).is_symlink() for depth in range(len(parts)))


def _check_folders(update, name):
    """Each folder above bundle path ``name`` must be a real folder (or missing)."""
    parent = update.dest
    for part in name.split("/")[:-1]:
        parent = parent / part
        if parent.is_symlink():
            update.clash(parent, "a symlink where the bundle needs a folder")
            return False
        if os.path.lexists(parent) and not parent.is_dir():
            update.clash(parent, "a file of yours where the bundle needs a folder")
            return False
    return True


def _check_file(update, name):
    """Whether the bundle may write bundle path ``name``; a clash if not."""
    path = update.dest / name
    if not _check_folders(update, name) or not os.path.lexists(path):
        return
    if not is_plain_file(path):
        update.clash(path, "not a plain file")
    elif not is_ours(path, name, update.recorded, update.contents[name]):
        update.clash(path, why_not_ours(name, update.recorded))


def _check_settings(update, force):
    """settings.toml: the bundle's if it is ours, else the user's, merged."""
    path = update.dest / SETTINGS
    ours = update.contents[SETTINGS]
    if not os.path.lexists(path) or is_ours(path, SETTINGS, update.recorded, ours):
        return
    if not is_plain_file(path):
        update.clash(path, "not a plain file")
        return
    update.settings = merge(path.read_bytes(), ours, force)
    if not update.settings.readable:
        update.clash(path, "the board would not read the bundle's keys added to it")


def _check_shadows(update):
    """A .py beside a .mpy the bundle writes is imported instead of it."""
    for name in update.contents:
        source_name = name[:-4] + ".py"
        source = update.dest / source_name
        if not name.endswith(".mpy") or not os.path.lexists(source) or source in update.clashes:
            continue
        if not is_ours(source, source_name, update.recorded):  # else removed as stale
            update.clash(source, "the board would import it instead of the bundle's .mpy")


def plan_update(dest, zip_path, contents, force=False):
    """Work out the update of ``dest`` to ``contents``, checking everything; nothing is
    written. Raises Clash naming every clash unless ``force``."""
    update = Update(dest, zip_path, contents, read_manifest(dest))
    for name in contents:
        if name != SETTINGS:
            _check_file(update, name)
    _check_settings(update, force)
    _check_shadows(update)
    for name in sorted(set(update.recorded) - set(contents)):
        path = dest / name
        if not _behind_a_link(dest, name) and is_ours(path, name, update.recorded):
            update.stale.append(path)
    if zip_path and os.path.lexists(zip_path) and not is_our_zip(zip_path):
        update.clash(zip_path, "not a zip the bundle wrote, or changed since")
    if update.clashes and not force:
        named = ", ".join(
            "%s (%s)" % (update.label(path), why) for path, why in sorted(update.clashes.items())
        )
        raise Clash(
            "%s holds files the bundle must not replace: %s. Nothing was written; --force "
            "(make bundle FORCE=1) keeps each as NAME.bak and writes the bundle's" % (dest, named)
        )
    return update


def _remove_stale(update):
    """Remove the last bundle's files it no longer ships, and folders left empty by that."""
    for path in update.stale:
        path.unlink()
        folder = path.parent
        while folder != update.dest and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def _write_settings(update):
    """The merged settings.toml; returns whether it is wholly the bundle's (for the manifest)."""
    path = update.dest / SETTINGS
    merged = update.settings
    if merged is None or path in update.clashes:
        write_file(path, update.contents[SETTINGS])
        return True
    if merged.replaced:
        kept = backup_name(path)
        path.rename(kept)
        update.notes.append(
            "settings.toml: %s set to the bundle's values; yours kept in %s"
            % (", ".join(merged.replaced), update.label(kept))
        )
    elif merged.differing:
        update.notes.append(
            "settings.toml: kept your values of %s, which differ from the bundle's (--force, "
            "make bundle FORCE=1, writes the bundle's and keeps your file as settings.toml.bak)"
            % ", ".join(merged.differing)
        )
    if merged.added:
        update.notes.append("settings.toml: added %s to your file" % ", ".join(merged.added))
    write_file(path, merged.data)
    return False


def _write_zip(update):
    """DEST.zip, last: the folder is complete even where the zip cannot be written (beside
    the CIRCUITPY drive, in a folder only the system may write to)."""
    try:
        # The bundle's own files, its settings.toml too: never the user's merged one.
        write_file(update.zip_path, zip_bytes(update.contents))
    except OSError as error:
        update.notes.append(
            "no %s: %s (the folder is complete)" % (update.zip_path.name, error.strerror or error)
        )
        update.zip_path = None


def apply_update(update):
    """Do ``update``: keep clashing files as NAME.bak, remove stale files, write the bundle,
    its manifest and the zip."""
    for path in sorted(update.clashes):
        kept = backup_name(path)
        path.rename(kept)
        update.notes.append("kept your %s as %s" % (update.label(path), update.label(kept)))
    _remove_stale(update)
    update.dest.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, data in update.contents.items():
        if name == SETTINGS:
            if not _write_settings(update):
                continue
        else:
            (update.dest / name).parent.mkdir(parents=True, exist_ok=True)
            write_file(update.dest / name, data)
        written[name] = digest(data)
    write_manifest(update.dest, written)
    if update.zip_path:
        _write_zip(update)
    return update


def update_dest(dest, zip_path, contents, force=False):
    """Check, then write: the Update done."""
    if os.path.lexists(dest) and not dest.is_dir():
        raise BundleError("%s exists and is not a folder" % dest)
    return apply_update(plan_update(dest, zip_path, contents, force))
