"""microcontroller.nvm in the simulator: erased flash, slice writes, a file across runs."""

import pytest

from sim.clock import VirtualClock
from sim.devices import install
from sim.devices.nvm import NVM_SIZE, ByteArray


def test_fresh_nvm_reads_as_erased_flash():
    memory = ByteArray()
    assert len(memory) == NVM_SIZE == 8192
    assert memory[0] == 0xFF
    assert memory[100:104] == b"\xff\xff\xff\xff"


def test_slice_assignment_persists_to_the_file_and_reloads(tmp_path):
    path = tmp_path / "nvm.bin"
    memory = ByteArray(path)
    memory[10:14] = b"loss"
    memory[0] = 7
    assert memory.write_count == 2
    again = ByteArray(path)
    assert again[10:14] == b"loss"
    assert again[0] == 7
    assert again[14] == 0xFF
    assert path.stat().st_size == NVM_SIZE


def test_slice_assignment_must_keep_the_length():
    memory = ByteArray()
    with pytest.raises(ValueError, match="different lengths"):
        memory[0:4] = b"abc"
    assert memory.write_count == 0


def test_a_file_of_the_wrong_size_is_refused(tmp_path):
    path = tmp_path / "nvm.bin"
    path.write_bytes(b"short")
    with pytest.raises(ValueError, match="5 bytes"):
        ByteArray(path)


def test_code_sees_the_nvm_as_microcontroller_nvm_and_a_later_run_resumes(tmp_path):
    path = tmp_path / "nvm.bin"
    with install(VirtualClock(), nvm_path=path) as board_sim:
        import microcontroller

        assert microcontroller.nvm is board_sim.nvm
        microcontroller.nvm[0:3] = bytes([1, 2, 3])
    with install(VirtualClock(), nvm_path=path):
        import microcontroller

        assert microcontroller.nvm[0:4] == bytes([1, 2, 3, 0xFF])


def test_a_symlinked_file_is_written_through_and_the_link_stays(tmp_path):
    """The link's target gets the bytes and keeps its permissions; the link stays a link."""
    (tmp_path / "store").mkdir()
    target = tmp_path / "store" / "nvm.bin"
    target.write_bytes(b"\xff" * NVM_SIZE)
    target.chmod(0o640)
    link = tmp_path / "nvm.bin"
    link.symlink_to(target)
    ByteArray(link)[0:4] = b"seen"
    assert link.is_symlink() and link.resolve() == target
    assert target.read_bytes()[:5] == b"seen\xff"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["nvm.bin", "nvm.bin", "store"]


def test_a_read_only_file_is_never_replaced(tmp_path):
    """No write permission bit: a write raises PermissionError (which the app reports once
    and trains on) and the file keeps its bytes, even for root, who could replace it."""
    path = tmp_path / "nvm.bin"
    path.write_bytes(b"\xff" * NVM_SIZE)
    path.chmod(0o444)
    memory = ByteArray(path)
    with pytest.raises(PermissionError, match="read-only"):
        memory[0:4] = b"lost"
    assert path.read_bytes() == b"\xff" * NVM_SIZE
    assert path.stat().st_mode & 0o777 == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nvm.bin"]


def test_a_file_named_like_the_partial_write_is_left_alone(tmp_path):
    """A save writes a new file beside the nvm file and renames it over; a file that
    already has that name (someone else's) is not overwritten."""
    path = tmp_path / "nvm.bin"
    theirs = tmp_path / "nvm.bin.partial"
    theirs.write_text("not ours\n")
    ByteArray(path)[0] = 1
    assert theirs.read_text() == "not ours\n"
    assert path.read_bytes()[:2] == b"\x01\xff"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nvm.bin", "nvm.bin.partial"]


def test_a_file_in_a_missing_folder_is_saved_there(tmp_path):
    path = tmp_path / "new" / "deeper" / "nvm.bin"
    ByteArray(path)[0] = 1
    assert path.read_bytes()[:2] == b"\x01\xff"


def test_a_save_that_fails_leaves_no_partial_file(tmp_path):
    """The file became a folder while the run went on: the save raises, and the new file
    written beside it for the rename is gone again."""
    path = tmp_path / "nvm.bin"
    memory = ByteArray(path)
    path.mkdir()
    with pytest.raises(OSError):
        memory[0] = 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nvm.bin"]
