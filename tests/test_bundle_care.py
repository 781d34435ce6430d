"""make bundle never deletes or overwrites a file it did not write (issue 13 item 1).

Each test builds into a real folder, as a user would point DEST at the CIRCUITPY drive, with
the user's own files put there first, and looks at the files, the exit status and stderr.
"""

import hashlib
import json
import os
import subprocess
import sys
import zipfile

import pytest

from tests.device import ROOT
from tools import settings_toml
from tools.bundle.__main__ import main

MANIFEST = ".nn-matrix-bundle.json"
HELLO = b'print("Hello World!")\n'  # the code.py a new CircuitPython drive comes with
WIFI = (
    b"# my network\r\n"
    b'CIRCUITPY_WIFI_SSID = "home"\r\n'
    b'CIRCUITPY_WIFI_PASSWORD = "secret # not a comment"   # keep this\r\n'
    b"\r\n"
    b"NN_SEED=0\r\n"  # the bundle's value, written another way
    b'NN_LAYERS = "2,4,1"  # my shape\r\n'
)


def snapshot(folder):
    """{path: bytes} of every file under ``folder`` (symlinks as their target text)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def put(folder, files):
    """Write ``files`` ({path: bytes}) under ``folder``."""
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def bundle(dest, *options, capsys):
    """python -m tools.bundle DEST [options]: (exit status, stderr)."""
    status = main([str(dest), *options])
    return status, capsys.readouterr().err


def test_fresh_folder_gets_a_manifest_of_exactly_the_files_written(tmp_path, capsys):
    dest = tmp_path / "CIRCUITPY"
    assert bundle(dest, "--source", capsys=capsys) == (0, "")
    written = snapshot(dest)
    manifest = json.loads(written.pop(MANIFEST))["files"]
    assert manifest == {name: hashlib.sha256(data).hexdigest() for name, data in written.items()}
    assert "settings.toml" in manifest and "lib/adafruit_ticks.py" in manifest


def test_rebundling_over_its_own_output_rewrites_nothing(tmp_path, capsys):
    dest = tmp_path / "CIRCUITPY"
    assert bundle(dest, capsys=capsys) == (0, "")
    files = sorted(tmp_path.rglob("*"))
    before = {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in files}
    contents = snapshot(tmp_path)
    assert bundle(dest, capsys=capsys) == (0, "")
    assert sorted(tmp_path.rglob("*")) == files
    assert {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in files} == before
    assert snapshot(tmp_path) == contents


def test_libraries_of_yours_in_lib_are_kept(tmp_path, capsys):
    dest = tmp_path / "CIRCUITPY"
    assert bundle(dest, "--source", capsys=capsys)[0] == 0
    mine = {
        "lib/adafruit_display_text/__init__.mpy": b"C\x06\x00\x1fmine",
        "lib/neopixel.mpy": b"C\x06\x00\x1fmine too",
    }
    put(dest, mine)
    # The .mpy bundle replaces the source bundle's lib/ files, and only those.
    assert bundle(dest, capsys=capsys) == (0, "")
    after = snapshot(dest)
    assert {name: after.get(name) for name in mine} == mine
    assert "lib/adafruit_ticks.mpy" in after and "lib/adafruit_ticks.py" not in after


def test_your_module_in_nn_and_your_other_files_are_kept(tmp_path, capsys):
    dest = tmp_path / "CIRCUITPY"
    mine = {"boot_out.txt": b"Adafruit CircuitPython 10.0.3", "nn/mine.py": b"X = 1\n"}
    put(dest, mine)
    assert bundle(dest, capsys=capsys) == (0, "")
    assert bundle(dest, "--source", capsys=capsys) == (0, "")
    after = snapshot(dest)
    assert {name: after.get(name) for name in mine} == mine
    assert "nn/network.py" in after and "nn/network.mpy" not in after


def test_a_clash_stops_naming_every_file_and_writes_nothing(tmp_path, capsys):
    dest = tmp_path / "CIRCUITPY"
    put(dest, {"code.py": HELLO, "lib/adafruit_ticks.mpy": b"an older version"})
    before = snapshot(tmp_path)
    status, err = bundle(dest, capsys=capsys)
    assert status == 2
    assert len(err.splitlines()) == 1, err
    assert "code.py (not written by the bundle)" in err
    assert "lib/adafruit_ticks.mpy (not written by the bundle)" in err
    assert "--force" in err and "Traceback" not in err
    assert snapshot(tmp_path) == before  # no manifest, no zip, nothing replaced


def test_force_keeps_your_file_as_bak_and_says_so(tmp_path, capsys):
    dest = tmp_path / "CIRCUITPY"
    put(dest, {"code.py": HELLO, "code.py.bak": b"an older backup of mine"})
    status, err = bundle(dest, "--force", capsys=capsys)
    assert status == 0
    assert "kept your code.py as code.py.bak.1" in err
    assert (dest / "code.py.bak.1").read_bytes() == HELLO
    assert (dest / "code.py.bak").read_bytes() == b"an older backup of mine"
    assert (dest / "code.py").read_bytes() == (ROOT / "code.py").read_bytes()
    assert bundle(dest, capsys=capsys) == (0, "")  # the backups are not the bundle's business


def test_a_bundle_file_you_changed_is_a_clash(tmp_path, capsys):
    dest = tmp_path / "CIRCUITPY"
    assert bundle(dest, capsys=capsys)[0] == 0
    changed = (dest / "render/frame.mpy").read_bytes() + b"\0"
    (dest / "render/frame.mpy").write_bytes(changed)
    before = snapshot(tmp_path)
    status, err = bundle(dest, capsys=capsys)
    assert status == 2 and "render/frame.mpy (changed since the bundle wrote it)" in err
    assert snapshot(tmp_path) == before
    # Where the bundle no longer writes, a file it wrote but you changed is simply kept.
    assert bundle(dest, "--source", capsys=capsys) == (0, "")
    assert (dest / "render/frame.mpy").read_bytes() == changed


def test_a_py_of_yours_beside_a_bundle_mpy_is_a_clash(tmp_path, capsys):
    """The board imports nn/network.py before nn/network.mpy: it would run the old module."""
    dest = tmp_path / "CIRCUITPY"
    put(dest, {"nn/network.py": b"# an earlier copy\n"})
    status, err = bundle(dest, capsys=capsys)
    assert status == 2 and "nn/network.py (the board would import it instead" in err
    assert not (dest / "nn/network.mpy").exists()
    assert bundle(dest, "--force", capsys=capsys)[0] == 0
    assert (dest / "nn/network.py.bak").read_bytes() == b"# an earlier copy\n"
    assert not (dest / "nn/network.py").exists()


def read_settings(data):
    """Every key the board reads from settings bytes ``data``, as it reads them."""
    keys = ("CIRCUITPY_WIFI_SSID", "CIRCUITPY_WIFI_PASSWORD", "NN_LAYERS", "NN_SEED", "PULSE_MS")
    return {key: settings_toml.lookup(data, key) for key in keys}


def test_settings_toml_of_yours_is_merged_keeping_your_keys_and_comments(tmp_path, capsys):
    dest = tmp_path / "CIRCUITPY"
    put(dest, {"settings.toml": WIFI})
    status, err = bundle(dest, capsys=capsys)
    assert status == 0
    merged = (dest / "settings.toml").read_bytes()
    assert merged.startswith(WIFI)  # every byte of yours, in place
    assert read_settings(merged) == {
        "CIRCUITPY_WIFI_SSID": "home",
        "CIRCUITPY_WIFI_PASSWORD": "secret # not a comment",
        "NN_LAYERS": "2,4,1",
        "NN_SEED": "0",
        "PULSE_MS": "300",
    }
    ours = (ROOT / "settings.toml").read_bytes()
    for key in ("NN_ACTIVATION", "LED_GAMMA", "CHECKPOINT_MINUTES"):
        assert settings_toml.lookup(merged, key) == settings_toml.lookup(ours, key)
    notes = [line for line in err.splitlines() if "differ" in line]
    assert len(notes) == 1 and "NN_LAYERS" in notes[0] and "NN_SEED" not in notes[0]
    # The zip holds the bundle's settings.toml, never your Wi-Fi password.
    with zipfile.ZipFile(tmp_path / "CIRCUITPY.zip") as archive:
        assert archive.read("settings.toml") == ours
    assert bundle(dest, capsys=capsys)[0] == 0
    assert (dest / "settings.toml").read_bytes() == merged


def test_force_sets_the_bundles_values_and_keeps_your_settings_as_bak(tmp_path, capsys):
    dest = tmp_path / "CIRCUITPY"
    put(dest, {"settings.toml": WIFI})
    status, err = bundle(dest, "--force", capsys=capsys)
    assert status == 0 and "NN_LAYERS set to the bundle's" in err and "settings.toml.bak" in err
    assert (dest / "settings.toml.bak").read_bytes() == WIFI
    merged = (dest / "settings.toml").read_bytes()
    assert read_settings(merged)["NN_LAYERS"] == "2,3,3,1"
    assert read_settings(merged)["CIRCUITPY_WIFI_PASSWORD"] == "secret # not a comment"
    assert merged.startswith(WIFI[: WIFI.index(b"NN_LAYERS")])


def test_settings_keys_are_added_where_the_board_still_reads_them(tmp_path, capsys):
    """The board stops reading settings.toml at a [table] line."""
    dest = tmp_path / "CIRCUITPY"
    mine = b'CIRCUITPY_WEB_API_PASSWORD = "pw"\n[tool]\nname = "mine"\n'
    put(dest, {"settings.toml": mine})
    assert bundle(dest, capsys=capsys)[0] == 0
    merged = (dest / "settings.toml").read_bytes()
    assert merged.startswith(mine[: mine.index(b"[")]) and merged.endswith(mine[mine.index(b"[") :])
    assert settings_toml.lookup(merged, "NN_LAYERS") == "2,3,3,1"
    assert settings_toml.lookup(merged, "CIRCUITPY_WEB_API_PASSWORD") == "pw"


def test_a_zip_of_yours_beside_the_folder_is_never_replaced(tmp_path, capsys):
    dest = tmp_path / "CIRCUITPY"
    zip_path = tmp_path / "CIRCUITPY.zip"
    zip_path.write_bytes(b"my own archive")
    status, err = bundle(dest, "--source", capsys=capsys)
    assert status == 2 and str(zip_path) in err and "not a zip the bundle wrote" in err
    assert zip_path.read_bytes() == b"my own archive" and not dest.exists()
    assert bundle(dest, "--source", "--force", capsys=capsys)[0] == 0
    assert (tmp_path / "CIRCUITPY.zip.bak").read_bytes() == b"my own archive"
    assert "code.py" in zipfile.ZipFile(zip_path).namelist()


def test_the_bundles_own_zip_is_replaced_unless_changed_since(tmp_path, capsys):
    dest = tmp_path / "CIRCUITPY"
    zip_path = tmp_path / "CIRCUITPY.zip"
    assert bundle(dest, "--source", capsys=capsys)[0] == 0
    for path in sorted(dest.rglob("*"), reverse=True):  # the folder gone, its zip kept
        path.unlink() if path.is_file() else path.rmdir()
    assert bundle(dest, capsys=capsys)[0] == 0
    assert "code.py" in zipfile.ZipFile(zip_path).namelist()
    with zipfile.ZipFile(zip_path, "a") as archive:
        archive.writestr("mine.txt", "added by me")
    changed = zip_path.read_bytes()
    status, err = bundle(dest, capsys=capsys)
    assert status == 2 and "CIRCUITPY.zip" in err
    assert zip_path.read_bytes() == changed


def test_a_manifest_naming_files_outside_the_folder_reaches_nothing(tmp_path, capsys):
    dest = tmp_path / "CIRCUITPY"
    assert bundle(dest, "--source", capsys=capsys)[0] == 0
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"x")
    manifest = json.loads((dest / MANIFEST).read_text())
    manifest["files"]["../outside.txt"] = hashlib.sha256(b"x").hexdigest()
    manifest["files"][str(outside)] = hashlib.sha256(b"x").hexdigest()
    (dest / MANIFEST).write_text(json.dumps(manifest))
    assert bundle(dest, "--source", capsys=capsys)[0] == 0
    assert outside.read_bytes() == b"x"


def test_make_bundle_force_1_keeps_your_code_py(tmp_path):
    dest = tmp_path / "CIRCUITPY"
    put(dest, {"code.py": HELLO})
    make = ["make", "-s", "-o", ".venv/.installed", "bundle", "SOURCE=1"]
    command = [*make, "DEST=%s" % dest, "PY=" + sys.executable]
    refused = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "code.py" in refused.stderr
    assert (dest / "code.py").read_bytes() == HELLO
    forced = subprocess.run(
        [*command, "FORCE=1"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert forced.returncode == 0, forced.stderr
    assert (dest / "code.py.bak").read_bytes() == HELLO
    assert "kept your code.py as code.py.bak" in forced.stderr


def test_a_folder_where_no_zip_can_be_written_still_gets_the_bundle(tmp_path, capsys):
    """The CIRCUITPY drive's own folder (/media/$USER) is the system's: the folder is written,
    the zip is left out with a note, and the status is 0."""
    if os.geteuid() == 0:
        pytest.skip("root writes into a folder without write permission anyway")
    mounts = tmp_path / "media"
    dest = mounts / "CIRCUITPY"
    dest.mkdir(parents=True)
    mounts.chmod(0o555)
    try:
        status, err = bundle(dest, "--source", capsys=capsys)
    finally:
        mounts.chmod(0o755)
    assert status == 0 and "no CIRCUITPY.zip" in err and "Traceback" not in err
    assert (dest / "code.py").is_file() and not (mounts / "CIRCUITPY.zip").exists()


def test_files_behind_a_symlinked_folder_are_neither_removed_nor_written(tmp_path, capsys):
    """A folder on DEST that links elsewhere holds files of yours, whatever the manifest says."""
    dest = tmp_path / "CIRCUITPY"
    assert bundle(dest, "--source", capsys=capsys)[0] == 0
    yours = tmp_path / "elsewhere"
    put(yours, {"old.py": b"x", "frame.py": (ROOT / "render/frame.py").read_bytes()})
    before = snapshot(yours)
    (dest / "old").symlink_to(yours)
    manifest = json.loads((dest / MANIFEST).read_text())
    manifest["files"]["old/old.py"] = hashlib.sha256(b"x").hexdigest()
    (dest / MANIFEST).write_text(json.dumps(manifest))
    assert bundle(dest, "--source", capsys=capsys)[0] == 0
    assert snapshot(yours) == before
    (dest / "render").rename(tmp_path / "render")
    (dest / "render").symlink_to(yours)
    status, err = bundle(dest, "--source", capsys=capsys)
    assert status == 2 and "render (a symlink where the bundle needs a folder)" in err
    assert snapshot(yours) == before
