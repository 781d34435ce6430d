"""What the bundle may touch on DEST: only the files it wrote there itself.

DEST/.nn-matrix-bundle.json (the manifest) lists every file the last bundle wrote with the
sha256 of its bytes. A file on DEST is the bundle's to replace or remove if the manifest lists
it and it still holds those bytes, or if it already holds exactly the bytes the bundle is
about to write. Anything else is the user's: a file where the bundle must write is a clash,
any other file is left alone. DEST.zip carries its own proof (tools.bundle.archive).
"""

import hashlib
import json
import os
import tempfile
from pathlib import PurePosixPath

from tools.bundle import BundleError

MANIFEST = ".nn-matrix-bundle.json"


class Clash(BundleError):
    """A file of the user's where the bundle must write: nothing was written."""


def digest(data):
    """The sha256 the manifest records for ``data``."""
    return hashlib.sha256(data).hexdigest()


def _safe(name):
    """Whether a manifest entry names a file inside DEST (a damaged one must not reach out)."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and name != MANIFEST


def read_manifest(dest):
    """{bundle path: sha256} of what the last bundle wrote into ``dest`` ({} if unreadable)."""
    try:
        files = json.loads((dest / MANIFEST).read_text())["files"]
        return {name: h for name, h in files.items() if _safe(name) and isinstance(h, str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_manifest(dest, files):
    """Record ``files`` ({bundle path: sha256}) as what this bundle wrote into ``dest``."""
    text = json.dumps({"written_by": "python -m tools.bundle", "files": files}, indent=1)
    write_file(dest / MANIFEST, (text + "\n").encode())


def write_file(path, data):
    """Write ``data`` to ``path`` through a new file renamed over it, so that an interrupted
    write never leaves a half file; nothing is written if the file already holds ``data``."""
    if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
        return
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix="." + path.name, suffix=".tmp")
    mask = os.umask(0)
    os.umask(mask)
    try:
        os.chmod(scratch, 0o666 & ~mask)  # as a plain open() would make it, not mkstemp's 0600
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(scratch, path)
    except BaseException:
        os.unlink(scratch)
        raise


def is_plain_file(path):
    """A regular file, not a symlink (the bundle never writes links or through them)."""
    return path.is_file() and not path.is_symlink()


def is_ours(path, name, recorded, new=None):
    """Whether the file at ``path`` (bundle path ``name``) is the bundle's: as the manifest
    ``recorded`` it, or holding exactly ``new``, the bytes the bundle writes there now."""
    if not is_plain_file(path):
        return False
    data = path.read_bytes()
    return recorded.get(name) == digest(data) or data == new


def why_not_ours(name, recorded):
    """The words for a clash: the user's file, or one the user changed since."""
    return "changed since the bundle wrote it" if name in recorded else "not written by the bundle"


def backup_name(path):
    """A free name beside ``path`` to keep the user's file under: NAME.bak, NAME.bak.1 ..."""
    candidate = path.with_name(path.name + ".bak")
    number = 0
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name("%s.bak.%d" % (path.name, number))
    return candidate
