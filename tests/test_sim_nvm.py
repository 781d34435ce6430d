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
