"""python -m sim checks every file it will write before it trains: a path it cannot or must
not write costs one line on stderr and exit status 2, not a traceback after the run, and
nothing is created or changed. Read-only means no write permission bit at all, so the
tests hold when run as root (as CI does), who could write such files anyway."""

import os
from pathlib import Path

import pytest

from tests.test_sim_cli import simulator

NVM_SIZE = 8192


def snapshot(folder):
    """{relative path: (mode, size, mtime, bytes or symlink target)} of everything under
    ``folder`` (bytes None where this user may not read them)."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        status = path.lstat()
        if path.is_symlink():
            content = os.readlink(path)
        elif path.is_file() and os.access(path, os.R_OK):
            content = path.read_bytes()
        else:
            content = None
        found[str(path.relative_to(folder))] = (
            status.st_mode,
            status.st_size,
            status.st_mtime_ns,
            content,
        )
    return found


def refused(tmp_path, *args, says):
    """Run the simulator with ``args`` (no GIF, no PNG unless asked); it must stop before
    training with exit status 2 and one stderr line containing each of ``says``, and leave
    the folder exactly as it was."""
    before = snapshot(tmp_path)
    result = simulator("--gif", "", "--png", "", *args, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""  # not even the banner: nothing ran
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("python -m sim: ")
    for text in says:
        assert text in lines[0], lines[0]
    assert snapshot(tmp_path) == before
    return lines[0]


def read_only(path):
    """Take every write bit off ``path`` (restored by the fixture below)."""
    path.chmod(path.stat().st_mode & 0o555)


@pytest.fixture(autouse=True)
def writable_again(tmp_path):
    """Give write permission back after each test, so pytest can delete tmp_path."""
    yield
    for path in [tmp_path, *tmp_path.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o700)


@pytest.mark.parametrize("option", ["--gif", "--png", "--led-png", "--export", "--nvm"])
def test_an_output_that_is_a_folder_is_refused(tmp_path, option):
    (tmp_path / "out").mkdir()
    refused(tmp_path, option, "out", says=(option + " out", "is a folder"))


@pytest.mark.parametrize("option", ["--gif", "--png", "--export", "--nvm"])
def test_an_output_path_ending_in_a_slash_is_refused(tmp_path, option):
    refused(tmp_path, option, "new/", says=(option + " new/", "names a folder"))


@pytest.mark.parametrize("option", ["--gif", "--png", "--led-png", "--export", "--nvm"])
def test_an_output_under_a_file_is_refused(tmp_path, option):
    (tmp_path / "notes.txt").write_text("mine\n")
    refused(
        tmp_path, option, "notes.txt/sub/out.bin",
        says=(option, "notes.txt is a file, not a folder"),
    )  # fmt: skip


@pytest.mark.parametrize("option", ["--gif", "--png", "--led-png", "--export", "--nvm"])
def test_an_output_in_a_read_only_folder_is_refused(tmp_path, option):
    locked = tmp_path / "locked"
    locked.mkdir()
    read_only(locked)
    refused(tmp_path, option, "locked/new/out.bin", says=(option, "folder", "locked is read-only"))


@pytest.mark.parametrize("option", ["--export", "--nvm"])
def test_a_symlink_loop_is_refused(tmp_path, option):
    (tmp_path / "a.bin").symlink_to("b.bin")
    (tmp_path / "b.bin").symlink_to("a.bin")
    refused(tmp_path, option, "a.bin", says=(option + " a.bin", "leads back to itself"))


@pytest.mark.parametrize("option", ["--gif", "--png", "--led-png", "--export"])
def test_a_read_only_output_file_is_not_written_over(tmp_path, option):
    kept = tmp_path / "kept.bin"
    kept.write_bytes(b"the user's own")
    read_only(kept)
    refused(tmp_path, option, "kept.bin", says=(option + " kept.bin", "read-only"))


def test_a_read_only_target_behind_a_symlink_is_not_written_over(tmp_path):
    kept = tmp_path / "kept.json"
    kept.write_text("{}\n")
    read_only(kept)
    (tmp_path / "link.json").symlink_to("kept.json")
    refused(tmp_path, "--export", "link.json", says=("--export link.json", "read-only"))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--png", "a.png", "--led-png", "a.png"), "--png and --led-png both name a.png"),
        (("--gif", "a.gif", "--export", "./sub/../a.gif"), "--gif and --export both name"),
        (("--png", "sim-out/training.gif", "--gif", "sim-out/training.gif"), "--gif and --png"),
        (("--export", "w.json", "--nvm", "w.json"), "--export and --nvm both name w.json"),
        (("--png", "alias.png", "--led-png", "a.png"), "--png and --led-png both name a.png"),
        (("--export", "settings.toml"), "--export settings.toml is the --settings file"),
    ],
    ids=["same-name", "other-spelling", "defaults", "export-nvm", "symlink", "settings"],
)
def test_the_same_file_twice_is_refused(tmp_path, args, says):
    """Two outputs that would land in one file (however they are spelt: another path, a
    symlink) or an output over the settings file: the second write would destroy the
    first, so neither happens."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "alias.png").symlink_to("a.png")
    (tmp_path / "settings.toml").write_text("NN_SEED = 2\n")
    refused(tmp_path, "--settings", "settings.toml", *args, says=(says,))


# -- the nvm file -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 5, NVM_SIZE - 1, NVM_SIZE + 1, 3 * NVM_SIZE])
def test_an_nvm_file_of_the_wrong_size_is_refused_and_kept(tmp_path, size):
    (tmp_path / "nvm.bin").write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    refused(tmp_path, "--nvm", "nvm.bin", says=("--nvm nvm.bin", "bytes", "8192"))


def test_a_read_only_nvm_file_is_refused_and_kept(tmp_path):
    nvm = tmp_path / "nvm.bin"
    nvm.write_bytes(b"\xff" * NVM_SIZE)
    read_only(nvm)
    refused(tmp_path, "--nvm", "nvm.bin", says=("--nvm nvm.bin is read-only",))


def test_an_nvm_file_nobody_may_touch_is_refused_and_kept(tmp_path):
    """Mode 000: an ordinary user cannot read it; root can, but it is still read-only."""
    nvm = tmp_path / "nvm.bin"
    nvm.write_bytes(b"\xff" * NVM_SIZE)
    nvm.chmod(0)
    refused(tmp_path, "--nvm", "nvm.bin", says=("--nvm nvm.bin",))


def test_an_nvm_file_in_a_read_only_folder_is_refused(tmp_path):
    """Saving replaces the file with a new one written beside it, which the folder must
    allow."""
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "nvm.bin").write_bytes(b"\xff" * NVM_SIZE)
    read_only(locked)
    refused(tmp_path, "--nvm", "locked/nvm.bin", says=("--nvm locked/nvm.bin", "read-only"))


# -- what a good run writes ---------------------------------------------------------------------


def test_outputs_through_symlinks_land_in_their_targets_and_the_links_stay(tmp_path):
    """--png, --export and --nvm given as symlinks: each target gets the file, each link is
    still a link, and the nvm target keeps its permissions."""
    files = tmp_path / "files"
    files.mkdir()
    (files / "nvm.bin").write_bytes(b"\xff" * NVM_SIZE)
    (files / "nvm.bin").chmod(0o600)
    for name, target in (("nvm.bin", "files/nvm.bin"), ("w.json", "files/w.json")):
        (tmp_path / name).symlink_to(target)
    (tmp_path / "last.png").symlink_to("files/missing-folder/last.png")
    result = simulator(
        "--batches", "1", "--seed", "2", "--gif", "", "--png", "last.png",
        "--export", "w.json", "--nvm", "nvm.bin", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in ("nvm.bin", "w.json", "last.png"):
        assert (tmp_path / name).is_symlink(), name
    assert (files / "missing-folder" / "last.png").stat().st_size > 0
    assert (files / "w.json").read_text().startswith("{")
    assert (files / "nvm.bin").read_bytes() != b"\xff" * NVM_SIZE  # a checkpoint was saved
    assert (files / "nvm.bin").stat().st_mode & 0o777 == 0o600
    assert sorted(os.listdir(files)) == ["missing-folder", "nvm.bin", "w.json"]  # no leftovers


def test_a_relative_nvm_path_is_kept_where_the_simulator_was_started(tmp_path):
    """--nvm nvm.bin names a file in the folder the user runs python -m sim in (the run
    itself works in a stand-in CIRCUITPY folder), so the next run resumes from it."""
    first = simulator("--batches", "1", "--seed", "2", "--gif", "", "--png", "", "--nvm",
                      "nvm.bin", cwd=tmp_path)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "nvm.bin").stat().st_size == NVM_SIZE
    second = simulator("--batches", "1", "--seed", "2", "--gif", "", "--png", "", "--nvm",
                       "nvm.bin", cwd=tmp_path)  # fmt: skip
    assert "resumed from checkpoint: epoch 0, batch 1" in second.stdout


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (a full disk)")
def test_an_output_that_fails_while_written_leaves_the_others(tmp_path):
    """/dev/full passes every check but refuses the bytes (a full disk): that output gets
    one line on stderr and exit status 1, and the export and GIF are still written."""
    result = simulator(
        "--batches", "1", "--seed", "2", "--png", "/dev/full", "--export", "w.json",
        "--gif", "a.gif", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "python -m sim: cannot write --png /dev/full: No space left on device"
    ]
    assert (tmp_path / "w.json").stat().st_size > 0 and (tmp_path / "a.gif").stat().st_size > 0
    assert "weights: w.json" in result.stdout and "animation: a.gif (" in result.stdout
