"""settings.toml read as CircuitPython 10's ``os.getenv`` reads it, from the file's bytes.

One reader for every host that stands in for the board's ``os.getenv``: the simulator
(sim.devices.getenv reads the drive's file with it) and the web page, which ships this
module to the browser, where it runs on MicroPython (it needs nothing else).

The board does not parse TOML. For every call it scans ``/settings.toml`` byte by byte
for the first line whose key matches and returns that line's value as a ``str``, or the
default when the key is missing or its value cannot be read. This module takes the same
steps (modelled on CircuitPython's parser, shared-module/os/getenv.c, now
supervisor/shared/settings.c), so its quirks come along: the first matching line wins even
if its value is bad; a ``[`` at the start of a line ends the file; a bare value (a number,
``true``, ``'single quoted'``) is returned as written, up to a ``#`` or the end of the line,
less trailing spaces, tabs and CRs; a UTF-8 BOM is part of the first key.
tests/test_settings_parity.py holds it to the board-faithful interpreter's own
``os.getenv``, and tests/test_web_node.py to the same answers on the page's MicroPython.
One known difference: a raw code point past U+10FFFF, which the board keeps in its str,
raises UnicodeError here (a CPython str cannot hold it).
"""

NEWLINE = ord("\n")
SPACE = b" \t\n\v\f\r"  # the parser's isspace()
TRAILING = b" \t\r"  # what a bare value loses at its end
HEX = b"0123456789abcdefABCDEF"
ESCAPES = {ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("v"): 11, ord("f"): 12, ord("r"): 13}
DIGITS = {ord("u"): 4, ord("U"): 8}  # \uXXXX and \UXXXXXXXX
UNICODE_END = 0x110000


class _Bytes:
    """The file as the board's parser reads it: one byte at a time, 0 at the end (its
    f_read leaves the byte unset), so a NUL byte also looks like the end to most steps."""

    def __init__(self, data):
        self.data = data
        self.at = 0

    def next(self):
        if self.at >= len(self.data):
            return 0
        self.at += 1
        return self.data[self.at - 1]

    def skip_line(self):
        byte = self.next()
        while byte not in (0, NEWLINE):
            byte = self.next()

    def skip_space(self):
        """The first byte after spaces, stopping at a newline (returned, not skipped)."""
        byte = self.next()
        while byte != NEWLINE and byte in SPACE:
            byte = self.next()
        return byte


def _key_matches(file, key):
    """Whether the line at ``file`` sets ``key``; on a match ``file`` is just past the "=",
    otherwise at the next line, or at the end after a ``[table]`` header."""
    byte = file.skip_space()
    if byte in (0, ord("[")):
        file.at = len(file.data)
        return False
    for wanted in key:
        if byte != wanted:
            if byte != NEWLINE:
                file.skip_line()
            return False
        byte = file.next()
    if byte in SPACE:
        byte = file.skip_space()  # after a newline too: "KEY" alone on a line reads on
    if byte != ord("="):
        if byte != NEWLINE:
            file.skip_line()
        return False
    return True


def _strtoul(text):
    """C's strtoul(text, &end, 16) on 32 bits, or None unless it reads all of ``text``."""
    at = 0
    while at < len(text) and text[at] in SPACE:
        at += 1
    negative = text[at : at + 1] == b"-"
    if text[at : at + 1] in (b"+", b"-"):
        at += 1
    if text[at : at + 2] in (b"0x", b"0X") and text[at + 2 : at + 3] in HEX:
        at += 2
    digits = text[at:]
    if not digits or any(byte not in HEX for byte in digits):  # a 0 byte ends a C string
        return None
    return -int(digits, 16) % 2**32 if negative else int(digits, 16)


def _quoted(file):
    """A "double quoted" value as UTF-8 bytes, or None if the board rejects it."""
    value = bytearray()
    while True:
        byte = file.next()
        if byte in (0, NEWLINE):
            return None
        if byte == ord('"'):
            byte = file.skip_space()
            if byte == ord("#"):
                file.skip_line()
            return bytes(value) if byte in (0, NEWLINE, ord("#")) else None
        if byte == ord("\\"):
            byte = file.next()
            if byte in (0, NEWLINE):
                return None
            if byte in DIGITS:
                code = _strtoul(bytes(file.next() for _ in range(DIGITS[byte])))
                if code is None or code >= UNICODE_END:
                    return None
                value += chr(code).encode("utf-8", "surrogatepass")  # lone surrogates too
                continue
            byte = ESCAPES.get(byte, byte)  # any other \c is c
        value.append(byte)


def _bare(file, byte):
    """A value without double quotes, as written, or None if the line ends before it."""
    if byte in (0, NEWLINE):
        return None
    value = bytearray()
    while byte not in (0, NEWLINE, ord("#")):
        value.append(byte)
        byte = file.next()
    return bytes(value.rstrip(TRAILING))


def value(data, key):
    """What the board's ``os.getenv(key)`` finds in settings file bytes ``data``: the value's
    UTF-8 bytes, or None where it returns the default."""
    file = _Bytes(data)
    key = key.encode()
    while file.at < len(file.data):
        if _key_matches(file, key):
            byte = file.skip_space()
            return _quoted(file) if byte == ord('"') else _bare(file, byte)
    return None


def line_of(data, key):
    """(start, end) of the line in ``data`` whose key the board matches first, or None."""
    file = _Bytes(data)
    key = key.encode()
    while file.at < len(file.data):
        start = file.at
        if _key_matches(file, key):
            end = data.find(b"\n", file.at)
            return start, len(data) if end < 0 else end
    return None


def lookup(data, key, default=None):
    """``os.getenv(key, default)`` on settings file bytes ``data``: a str or ``default``.

    Raises UnicodeError where the value is not UTF-8, as the board does."""
    if not isinstance(key, str):
        raise TypeError("can't convert '%s' object to str implicitly" % type(key).__name__)
    found = value(data, key)
    return default if found is None else _text(found)


def _text(value):
    """The str the board makes of UTF-8 bytes ``value``. Its check only counts continuation
    bytes, so lone surrogates and overlong forms pass (each read as the number it spells);
    anything else raises UnicodeError, as there."""
    try:
        return value.decode("utf-8", "surrogatepass")
    except UnicodeError:
        pass
    chars = []
    at = 0
    while at < len(value):
        lead = value[at]
        extra = (lead >= 0xC0) + (lead >= 0xE0) + (lead >= 0xF0)
        tail = value[at + 1 : at + 1 + extra]
        if 0x80 <= lead < 0xC0 or lead >= 0xF8 or len(tail) < extra:
            raise UnicodeError("settings.toml value is not UTF-8")
        code = lead & (0xFF >> (extra + 2)) if extra else lead
        for byte in tail:
            if byte & 0xC0 != 0x80:
                raise UnicodeError("settings.toml value is not UTF-8")
            code = code << 6 | byte & 0x3F
        if code >= UNICODE_END:  # the board keeps it; a CPython str cannot hold it
            raise UnicodeError("settings.toml value holds U+%X, past Unicode" % code)
        chars.append(chr(code))
        at += 1 + extra
    return "".join(chars)


def with_overrides(data, overrides):
    """Settings file bytes ``data`` with each of ``overrides`` ({key: value}) written as
    ``KEY = "value"`` in place of the line the board reads for that key, or as a new first
    line where it reads none (the first matching line wins)."""
    for key in sorted(overrides):
        text = str(overrides[key]).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        line = ('%s = "%s"' % (key, text)).encode()
        found = line_of(data, key)
        if found is None:
            data = line + b"\n" + data
        else:
            data = data[: found[0]] + line + data[found[1] :]
    return data
