"""The files a simulator run writes (--gif, --png, --led-png, --export, --nvm): checked before
the run starts, so that a bad path costs one line and no training, and written one by one
after it, so that one that fails still leaves the others.

Checking creates nothing. A path is followed through symlinks to the file it names. A file
or folder without any write permission bit counts as read-only even for root, who could
write it anyway: the mode is the user's own statement that it must not change.
"""

import os
import stat
import sys

from sim.devices.nvm import NVM_SIZE, marked_read_only

OPTIONS = ("--gif", "--png", "--led-png", "--export")


class OutputError(ValueError):
    """An output path the run cannot or must not write; its text is one line for the user."""


def _read_only(path):
    """True when ``path`` (existing) has no write bit at all, or this user may not write it."""
    mode = os.stat(path).st_mode
    if marked_read_only(mode):
        return True
    wanted = os.W_OK | os.X_OK if stat.S_ISDIR(mode) else os.W_OK
    return not os.access(path, wanted)


def _existing_ancestor(path):
    """The nearest folder (or file) above ``path`` that exists."""
    parent = os.path.dirname(path)
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    return parent


def _target(option, path):
    """The absolute path ``path`` writes to, symlinks followed; OutputError when that is
    a folder or an endless symlink loop."""
    where = "%s %s" % (option, path)
    if path.endswith(os.sep) or (os.altsep and path.endswith(os.altsep)):
        raise OutputError("%s names a folder; give a file name" % where)
    target = os.path.realpath(path)
    if os.path.isdir(target):
        raise OutputError("%s is a folder; give a file name" % where)
    if os.path.lexists(target) and not os.path.exists(target):
        raise OutputError("%s is a symlink that leads back to itself" % where)
    return target


def _check_folder(where, target):
    """The folder ``target`` goes in can be made (if missing) and written."""
    folder = _existing_ancestor(target)
    if not os.path.isdir(folder):
        raise OutputError("%s cannot be written: %s is a file, not a folder" % (where, folder))
    if _read_only(folder):
        raise OutputError("%s cannot be written: the folder %s is read-only" % (where, folder))


def check_output(option, path):
    """The target of an output file (see _target) that the run can write; OutputError else."""
    target = _target(option, path)
    where = "%s %s" % (option, path)
    if os.path.exists(target):
        if _read_only(target):
            raise OutputError("%s is read-only; not writing over it" % where)
    else:
        _check_folder(where, target)
    return target


def check_nvm(path):
    """The target of the --nvm file: missing (a fresh nvm is made there) or an 8 KB file the
    run can read and replace; OutputError for anything else, which is left untouched."""
    target = _target("--nvm", path)
    where = "--nvm %s" % path
    if not os.path.exists(target):
        _check_folder(where, target)
        return target
    if not os.path.isfile(target):
        raise OutputError("%s is not a regular file" % where)
    try:
        with open(target, "rb") as stored:
            size = len(stored.read(NVM_SIZE + 1))
    except OSError as error:
        raise OutputError("%s cannot be read (%s)" % (where, error.strerror)) from None
    if size != NVM_SIZE:
        raise OutputError(
            "%s holds %s bytes, not the %d of the board's nvm; leaving it alone"
            % (where, size if size <= NVM_SIZE else "more than %d" % NVM_SIZE, NVM_SIZE)
        )
    if _read_only(target):
        raise OutputError(
            "%s is read-only, and the run saves its checkpoints there; make it writable"
            " or copy it" % where
        )
    folder = os.path.dirname(target)
    if _read_only(folder):
        raise OutputError(
            "%s cannot be saved: its folder %s is read-only (a save writes a new file there"
            " and renames it over the old)" % (where, folder)
        )
    return target


def _same_file(first, second):
    if first == second:
        return True
    try:
        return os.path.samefile(first, second)  # hard links too
    except OSError:
        return False  # one of them does not exist yet, and their paths differ


def _requested(args):
    """[(option, path)] of every output python -m sim's ``args`` ask for."""
    paths = [(option, getattr(args, option[2:].replace("-", "_"))) for option in OPTIONS]
    return [(option, path) for option, path in paths if path]


def check_outputs(args):
    """Check every file python -m sim's ``args`` will write, --nvm included, and that no
    two of them (nor one and the --settings file) are the same file; OutputError names the
    first problem."""
    targets = [(option, path, check_output(option, path)) for option, path in _requested(args)]
    if args.nvm:
        targets.append(("--nvm", args.nvm, check_nvm(args.nvm)))
    settings = os.path.realpath(args.settings) if args.settings else None
    for k, (option, path, target) in enumerate(targets):
        for other, _, other_target in targets[:k]:
            if _same_file(target, other_target):
                raise OutputError(
                    "%s and %s both name %s; give each its own file" % (other, option, path)
                )
        if settings and _same_file(target, settings):
            raise OutputError("%s %s is the --settings file; give another name" % (option, path))


def write_outputs(jobs, out=None, err=None):
    """Write each of ``jobs`` [(option, path, what, write)] and say so ("what: path", then
    what ``write(path)`` returns, if anything); a job that fails gets one line on ``err``
    and the others still run (``out`` and ``err`` default to sys.stdout and sys.stderr).
    Returns the exit status: 0, or 1 if any failed."""
    out = out or sys.stdout
    err = err or sys.stderr
    status = 0
    for option, path, what, write in jobs:
        try:
            os.makedirs(os.path.dirname(os.path.realpath(path)), exist_ok=True)
            detail = write(path)
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            print("python -m sim: cannot write %s %s: %s" % (option, path, reason), file=err)
            status = 1
            continue
        print("%s: %s%s" % (what, path, " " + detail if detail else ""), file=out)
    return status
