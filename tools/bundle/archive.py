"""DEST.zip: the bundle's files in a reproducible zip that proves it was written by the bundle.

The zip's comment holds the sha256 of everything before its end record, so a zip is known as
the bundle's, and may be replaced, only while it is byte for byte what the bundle wrote: a zip
of the user's, or one changed since (a file added, say), has no such comment or a wrong one.
"""

import io
import struct
import zipfile

from tools.bundle.care import digest, is_plain_file

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same sources give the same zip
MARK = b"written by python -m tools.bundle, sha256 "
END_RECORD = 22  # bytes of a zip's end-of-central-directory record, less its comment
LARGEST = 64 * 1024 * 1024  # a larger file is no zip the bundle wrote: not read at all


def zip_bytes(files):
    """The zip of ``files`` ({bundle path: bytes}) at its top level, with the proof comment."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    body = buffer.getvalue()[:-END_RECORD]
    comment = MARK + digest(body).encode()
    # The end record as zipfile wrote it, its last field (the comment's length) set.
    end = buffer.getvalue()[-END_RECORD:-2] + struct.pack("<H", len(comment))
    return body + end + comment


def is_our_zip(path):
    """Whether ``path`` is a zip the bundle wrote, unchanged since."""
    if not is_plain_file(path) or path.stat().st_size > LARGEST:
        return False
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            comment = archive.comment
    except (zipfile.BadZipFile, ValueError):
        return False
    body = data[: len(data) - END_RECORD - len(comment)]
    return comment.startswith(MARK) and comment[len(MARK) :] == digest(body).encode()
