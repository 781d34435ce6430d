"""The board's 8 KB nvm, kept in the file NVM_FILE, erased (0xFF) at every boot unless KEEP.

A file, not a bytearray: the board's nvm is flash and takes no heap, so only what a slice
read returns is allocated, as on the board. With KEEP set before code.py runs, the file's
contents stay from the last run in the same folder (a checkpoint to resume from).
"""

NVM_FILE = "nvm.bin"
SIZE = 8192
KEEP = False


def _open():
    """The nvm's file, open for the rest of the run."""
    if KEEP:
        try:
            return open(NVM_FILE, "r+b")
        except OSError:
            pass
    erased = open(NVM_FILE, "w+b")  # noqa: SIM115
    for _ in range(SIZE // 256):
        erased.write(b"\xff" * 256)
    return erased


class _Nvm:
    def __init__(self):
        self._file = None

    def __len__(self):
        return SIZE

    def _at(self, index):
        """The file, at the start of the slice ``index``; and the slice's length."""
        if self._file is None:
            self._file = _open()
        start, stop, _ = index.indices(SIZE)
        self._file.seek(start)
        return self._file, max(0, stop - start)

    def __getitem__(self, index):  # slices only: nn.checkpoint reads no single bytes
        nvm, length = self._at(index)
        return nvm.read(length)

    def __setitem__(self, index, value):
        nvm, length = self._at(index)
        if len(value) != length:
            raise ValueError("Slice and value different lengths.")
        nvm.write(value)
        nvm.flush()


nvm = _Nvm()
