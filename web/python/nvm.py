"""nvm for the web page: the board's 8 KB of non-volatile bytes, kept by the browser.

On the Matrix Portal M4 ``microcontroller.nvm`` is an 8192-byte ``nvm.ByteArray`` in flash
that the app writes its checkpoints into, a whole record at a time. Here it is a bytearray
handed to ``store`` after every write (the page keeps it in localStorage, so a reload
resumes like a power cycle); without ``store`` it is forgotten with the page.
"""

SIZE = 8192
ERASED = 0xFF


class ByteArray:
    """``SIZE`` bytes starting as ``data`` (erased flash when None), passed to
    ``store(data)`` after every write."""

    def __init__(self, data=None, store=None):
        if data is None:
            data = bytes([ERASED]) * SIZE
        if len(data) != SIZE:
            raise ValueError("nvm holds %d bytes, not %d" % (len(data), SIZE))
        self._data = bytearray(data)
        self._store = store

    def __len__(self):
        return SIZE

    def __getitem__(self, index):
        """One byte (int) for an int index, bytes for a slice."""
        if isinstance(index, slice):
            return bytes(self._data[index])
        return self._data[index]

    def __setitem__(self, index, value):
        """Write one byte or a same-length slice, then keep the whole memory."""
        if isinstance(index, slice):
            value = bytes(value)
            if len(self._data[index]) != len(value):
                raise ValueError("Slice and value different lengths.")
        self._data[index] = value
        if self._store is not None:
            self._store(self._data)
