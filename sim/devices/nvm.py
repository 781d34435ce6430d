"""Stand-in for CircuitPython's ``nvm`` module: ``ByteArray``, the board's non-volatile bytes.

On the Matrix Portal M4 ``microcontroller.nvm`` is an 8192-byte ``nvm.ByteArray`` in flash.
Like flash that was never written, a fresh one reads 0xFF everywhere. Each assignment is one
erase/write cycle on the board; here it rewrites the backing file (if any) in full, through a
new file beside it and a rename, so a run that is killed never leaves half a record, and the
next run started with the same file resumes from it. ``write_count`` counts the cycles.

A symlinked file is written through: its target is replaced, with the target's permissions,
and the link stays. A file without any write permission bit is never replaced (not even by
root): the write raises PermissionError, as a failed flash write raises OSError on the board.
"""

import errno
import os
import stat

NVM_SIZE = 8192
ERASED = 0xFF


class ByteArray:
    """``size`` bytes of non-volatile memory, kept in the file at ``path`` if one is given."""

    def __init__(self, path=None, *, size=NVM_SIZE):
        # Absolute now: the simulator runs code.py in another working folder (its drive).
        self.path = None if path is None else os.path.abspath(path)
        self.write_count = 0
        if self.path is not None and os.path.exists(self.path):
            with open(self.path, "rb") as stored:
                data = stored.read()
            if len(data) != size:
                raise ValueError(
                    "%s holds %d bytes, not the %d of the board's nvm"
                    % (self.path, len(data), size)
                )
            self._data = bytearray(data)
        else:
            self._data = bytearray([ERASED]) * size

    def __repr__(self):
        return "<nvm.ByteArray %d bytes, file %r>" % (len(self._data), self.path)

    def __len__(self):
        return len(self._data)

    def __getitem__(self, index):
        """One byte (int) for an int index, bytes for a slice."""
        if isinstance(index, slice):
            return bytes(self._data[index])
        return self._data[index]

    def __setitem__(self, index, value):
        """Write one byte or a same-length slice, and persist it."""
        if isinstance(index, slice):
            value = bytes(value)
            if len(range(*index.indices(len(self._data)))) != len(value):
                raise ValueError("Slice and value different lengths.")
        self._data[index] = value
        self.write_count += 1
        if self.path is not None:
            self._store()

    def _store(self):
        """Write the whole memory to the file, replacing it in one step."""
        target = os.path.realpath(self.path)
        mode = None
        if os.path.exists(target):
            mode = stat.S_IMODE(os.stat(target).st_mode)
            if marked_read_only(mode):
                raise PermissionError(errno.EACCES, "the nvm file is read-only", self.path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        partial, handle = _new_file_beside(target)
        try:
            with os.fdopen(handle, "wb") as stored:
                stored.write(self._data)
            if mode is not None:
                os.chmod(partial, mode)
            os.replace(partial, target)
        except BaseException:
            os.remove(partial)  # ours, half written: the old file stays as it was
            raise


def marked_read_only(mode):
    """True when ``mode`` (an st_mode) has no write permission bit at all: its owner's word
    that the file must not change, kept even by root, who could write it anyway."""
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def _new_file_beside(target):
    """(path, open descriptor) of a file made just now next to ``target``, never one that
    was there before (a name of someone else's is skipped)."""
    attempt = 0
    while True:
        path = "%s.partial%s" % (target, attempt or "")
        try:
            return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            attempt += 1
