"""The board stand-ins under sim.devices.install: displayio really draws into the matrix."""

import os
import sys
import time

import displayio
import pytest
import terminalio
from adafruit_display_text import label

from sim.clock import VirtualClock
from sim.devices import STAND_INS, install
from sim.devices.framebufferio import FramebufferDisplay

RED = 0xF800
BLUE = 0x001F
GREEN = 0x07E0


@pytest.fixture
def simulated():
    """The stand-ins installed on a clock at 0."""
    with install(VirtualClock()) as board_sim:
        yield board_sim


def matrix_display(bit_depth=4):
    """The display adafruit_matrixportal builds, with auto refresh off as code.py does."""
    from adafruit_matrixportal.matrix import Matrix

    display = Matrix(width=64, height=32, bit_depth=bit_depth).display
    display.auto_refresh = False
    return display


def one_bitmap_scene(colours):
    """A full-panel Bitmap in a Group, with a Palette of ``colours``."""
    bitmap = displayio.Bitmap(64, 32, len(colours))
    palette = displayio.Palette(len(colours))
    for index, colour in enumerate(colours):
        palette[index] = colour
    group = displayio.Group()
    group.append(displayio.TileGrid(bitmap, pixel_shader=palette))
    return group, bitmap, palette


def lit_pixels(matrix):
    """{(x, y): rgb565} for every non-black pixel of the matrix."""
    return {
        (index % matrix.width, index // matrix.width): value
        for index, value in enumerate(matrix.framebuffer)
        if value
    }


def test_matrix_portal_library_builds_our_display_on_the_mtx_pins(simulated):
    import board

    display = matrix_display(bit_depth=4)
    matrix = simulated.matrix
    assert isinstance(display, FramebufferDisplay)
    assert display.framebuffer is matrix
    assert (matrix.width, matrix.height, matrix.bit_depth) == (64, 32, 4)
    assert (display.width, display.height) == (64, 32)
    assert matrix.pins["clock_pin"] is board.MTX_CLK
    assert matrix.pins["addr_pins"] == (
        board.MTX_ADDRA,
        board.MTX_ADDRB,
        board.MTX_ADDRC,
        board.MTX_ADDRD,
    )


def test_code_py_wires_the_panel_as_the_matrix_portal_library_does():
    """code.py builds the display itself (rgbmatrix, framebufferio): same pins, size and
    bit depth as adafruit_matrixportal's Matrix, the reference for the board's wiring."""
    from tests.sim_helpers import run_code

    run = run_code(overrides={"LED_BIT_DEPTH": 3}, until_ms=1, keep_frames=False)
    ours = run.simulation.board.matrix
    with install(VirtualClock()) as reference:
        matrix_display(bit_depth=3)
        theirs = reference.matrix
    assert ours.pins == theirs.pins
    assert (ours.width, ours.height, ours.bit_depth) == (theirs.width, theirs.height, 3)


def test_bitmap_pixels_land_at_their_coordinates(simulated):
    display = matrix_display()
    group, bitmap, _palette = one_bitmap_scene([0x000000, 0xFF0000, 0x0000FF])
    bitmap[10, 5] = 1
    bitmap[40, 20] = 2
    display.root_group = group
    display.refresh()
    assert lit_pixels(simulated.matrix) == {(10, 5): RED, (40, 20): BLUE}
    assert simulated.matrix.pixel_rgb565(10, 5) == RED


def test_palette_change_recolours_its_pixels_at_the_next_refresh(simulated):
    display = matrix_display()
    group, bitmap, palette = one_bitmap_scene([0x000000, 0xFF0000])
    bitmap[3, 3] = 1
    bitmap[60, 30] = 1
    display.root_group = group
    display.refresh()
    palette[1] = 0x00FF00
    assert lit_pixels(simulated.matrix) == {(3, 3): RED, (60, 30): RED}
    display.refresh()
    assert lit_pixels(simulated.matrix) == {(3, 3): GREEN, (60, 30): GREEN}


def test_label_in_terminal_font_lights_pixels_inside_its_box(simulated):
    display = matrix_display()
    text = label.Label(terminalio.FONT, text="Hi", color=0xFFFFFF, x=2, y=8)
    group = displayio.Group()
    group.append(text)
    display.root_group = group
    display.refresh()
    lit = lit_pixels(simulated.matrix)
    assert len(lit) > 10
    assert set(lit.values()) == {0xFFFF}
    assert all(2 <= x < 2 + 12 and 2 <= y < 14 for x, y in lit)


def test_matrix_is_refreshed_only_when_something_was_redrawn(simulated):
    display = matrix_display()
    group, bitmap, _palette = one_bitmap_scene([0x000000, 0xFF0000])
    display.root_group = group
    display.refresh()
    display.refresh()  # Blinka redraws a newly shown TileGrid once more
    refreshes = simulated.matrix.refresh_count
    display.refresh()
    assert simulated.matrix.refresh_count == refreshes
    bitmap[1, 1] = 1
    display.refresh()
    assert simulated.matrix.refresh_count == refreshes + 1


def test_refresh_hook_sees_each_refresh():
    seen = []
    with install(VirtualClock(), on_refresh=seen.append):
        display = matrix_display()
        display.refresh()
        display.refresh()
    assert seen == [display, display]


def test_auto_refresh_draws_in_the_background_without_reporting_to_the_hook():
    seen = []
    with install(VirtualClock(), on_refresh=seen.append) as board_sim:
        from adafruit_matrixportal.matrix import Matrix

        display = Matrix(width=64, height=32, bit_depth=4).display
        group, bitmap, _palette = one_bitmap_scene([0x000000, 0xFF0000])
        bitmap[2, 2] = 1
        display.root_group = group
        deadline = time.monotonic() + 5
        while board_sim.matrix.pixel_rgb565(2, 2) != RED and time.monotonic() < deadline:
            time.sleep(0.002)
        assert board_sim.matrix.pixel_rgb565(2, 2) == RED
    assert seen == []


def test_release_displays_deinitialises_the_matrix_but_keeps_its_pixels(simulated):
    display = matrix_display()
    group, bitmap, _palette = one_bitmap_scene([0x000000, 0x0000FF])
    bitmap[0, 0] = 1
    display.root_group = group
    display.refresh()
    displayio.release_displays()
    assert simulated.matrix.deinited
    assert simulated.matrix.pixel_rgb565(0, 0) == BLUE
    with pytest.raises(ValueError):
        simulated.matrix.refresh()


@pytest.mark.parametrize(
    ("rotation", "size", "expected"),
    [
        (0, (64, 32), {(0, 0), (1, 0)}),
        (90, (32, 64), {(63, 0), (63, 1)}),
        (180, (64, 32), {(63, 31), (62, 31)}),
        (270, (32, 64), {(0, 31), (0, 30)}),
    ],
)
def test_rotation_turns_the_picture_clockwise_on_the_panel(simulated, rotation, size, expected):
    from adafruit_matrixportal.matrix import Matrix

    display = Matrix(width=64, height=32, bit_depth=4, rotation=rotation).display
    display.auto_refresh = False
    assert (display.width, display.height) == size
    bitmap = displayio.Bitmap(display.width, display.height, 2)
    palette = displayio.Palette(2)
    palette[1] = 0xFFFFFF
    bitmap[0, 0] = 1
    bitmap[1, 0] = 1
    group = displayio.Group()
    group.append(displayio.TileGrid(bitmap, pixel_shader=palette))
    display.root_group = group
    display.refresh()
    assert set(lit_pixels(simulated.matrix)) == expected


def test_rgbmatrix_checks_its_pins_like_the_board(simulated):
    import board
    import rgbmatrix

    pins = {
        "rgb_pins": [board.MTX_R1, board.MTX_G1, board.MTX_B1] * 2,
        "addr_pins": [board.MTX_ADDRA, board.MTX_ADDRB, board.MTX_ADDRC],
        "clock_pin": board.MTX_CLK,
        "latch_pin": board.MTX_LAT,
        "output_enable_pin": board.MTX_OE,
    }
    assert rgbmatrix.RGBMatrix(width=64, bit_depth=2, **pins).height == 16
    with pytest.raises(ValueError, match="height of 16, not 32"):
        rgbmatrix.RGBMatrix(width=64, height=32, bit_depth=2, **pins)
    with pytest.raises(ValueError, match="bit_depth"):
        rgbmatrix.RGBMatrix(width=64, bit_depth=7, **pins)


def test_board_names_the_matrix_portal_pins(simulated):
    import board
    import microcontroller

    assert board.board_id == "matrixportal_m4"
    assert board.L is board.LED
    assert repr(board.BUTTON_UP) == "microcontroller.pin.PB22"
    names = ["MTX_R1", "MTX_B2", "MTX_ADDRE", "MTX_OE", "BUTTON_DOWN", "NEOPIXEL", "A4", "SDA"]
    assert all(isinstance(getattr(board, name), microcontroller.Pin) for name in names)


def test_supervisor_ticks_follow_the_clock_and_wrap():
    clock = VirtualClock(start_ms=(1 << 29) - 10)
    with install(clock):
        import supervisor

        assert supervisor.ticks_ms() == (1 << 29) - 10
        clock.advance(25)
        assert supervisor.ticks_ms() == 15
        assert supervisor.runtime.serial_connected
        with pytest.raises(supervisor.ReloadRequested):
            supervisor.reload()


def test_install_restores_modules_and_uname_and_can_run_twice():
    before = {name: sys.modules.get(name) for name in STAND_INS}
    uname_before = os.uname()
    for _run in range(2):
        with install(VirtualClock()) as board_sim:
            assert os.uname().machine == "Adafruit Matrix Portal M4 with samd51j19"
            assert os.uname().sysname == "samd51"
            assert all(sys.modules[name] is module for name, module in STAND_INS.items())
            display = matrix_display()
            group, bitmap, _palette = one_bitmap_scene([0x000000, 0xFF0000])
            bitmap[5, 6] = 1
            display.root_group = group
            display.refresh()
            assert lit_pixels(board_sim.matrix) == {(5, 6): RED}
        assert {name: sys.modules.get(name) for name in STAND_INS} == before
        assert os.uname() == uname_before
        assert displayio.displays == []


def test_install_refuses_to_nest(simulated):
    with pytest.raises(RuntimeError, match="already active"), install(VirtualClock()):
        pass
