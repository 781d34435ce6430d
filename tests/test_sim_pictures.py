"""Pictures of the panel: exact PNG, LED-look PNG and GIF with merged frames and round LEDs."""

import pytest
from PIL import Image

from sim.devices import board
from sim.devices.rgbmatrix import RGBMatrix
from sim.pictures import GifRecorder, gif_delays_ms, save_led_png, save_png

RED = 0xF800
ORANGE = 0xFBE0  # red 31, green 31 of 63, blue 0


def panel(bit_depth=4):
    """A 64x32 matrix on the Matrix Portal's pins."""
    return RGBMatrix(
        width=64,
        bit_depth=bit_depth,
        rgb_pins=(
            board.MTX_R1,
            board.MTX_G1,
            board.MTX_B1,
            board.MTX_R2,
            board.MTX_G2,
            board.MTX_B2,
        ),
        addr_pins=(board.MTX_ADDRA, board.MTX_ADDRB, board.MTX_ADDRC, board.MTX_ADDRD),
        clock_pin=board.MTX_CLK,
        latch_pin=board.MTX_LAT,
        output_enable_pin=board.MTX_OE,
    )


def rgb_at(image, x, y):
    """The (r, g, b) of one pixel of any PIL image."""
    return image.convert("RGB").getpixel((x, y))


def test_png_is_the_framebuffer_one_to_one_with_exact_colours(tmp_path):
    matrix = panel()
    matrix.framebuffer[5 * 64 + 10] = RED
    matrix.framebuffer[31 * 64 + 63] = ORANGE
    save_png(matrix, tmp_path / "frame.png")
    image = Image.open(tmp_path / "frame.png")
    assert image.size == (64, 32)
    assert rgb_at(image, 10, 5) == (255, 0, 0)
    assert rgb_at(image, 63, 31) == (255, 125, 0)
    assert rgb_at(image, 0, 0) == (0, 0, 0)


def test_panel_view_follows_bit_depth_and_brightness():
    matrix = panel(bit_depth=1)
    matrix.framebuffer[0] = ORANGE  # green 31 of 63 is under half: off at 1 bit
    assert matrix.panel_rgb888()[:3] == bytes([255, 0, 0])
    assert matrix.rgb888()[:3] == bytes([255, 125, 0])
    matrix.brightness = 0
    assert matrix.panel_rgb888()[:3] == bytes(3)


def test_led_png_draws_round_leds_with_dark_gaps(tmp_path):
    matrix = panel()
    matrix.framebuffer[2 * 64 + 3] = RED
    save_led_png(matrix, tmp_path / "leds.png", scale=8)
    image = Image.open(tmp_path / "leds.png")
    assert image.size == (512, 256)
    assert rgb_at(image, 3 * 8 + 4, 2 * 8 + 4) == (255, 0, 0)  # LED centre
    assert rgb_at(image, 3 * 8, 2 * 8) == (0, 0, 0)  # corner of its cell, between LEDs
    assert rgb_at(image, 3 * 8 + 4, 2 * 8) == (0, 0, 0)  # gap above it


def test_gif_merges_identical_neighbours_and_keeps_colours_and_timing(tmp_path):
    red = [[(255, 0, 0)] * 4 for _row in range(2)]
    blue = [[(0, 0, 255)] * 4 for _row in range(2)]
    recorder = GifRecorder(scale=8, fps=25)
    recorder.add(red)
    recorder.add(red)
    recorder.add(blue, 100)
    recorder.add(red, 60)
    assert len(recorder) == 3
    assert recorder.save(tmp_path / "run.gif") == 3
    gif = Image.open(tmp_path / "run.gif")
    assert gif.n_frames == 3
    assert gif.info["loop"] == 0
    shown = []
    for index in range(3):
        gif.seek(index)
        shown.append(
            (gif.info["duration"], rgb_at(gif, 4, 4), rgb_at(gif, 8, 8), rgb_at(gif, 20, 4))
        )
    assert shown == [
        (80, (255, 0, 0), (0, 0, 0), (255, 0, 0)),
        (100, (0, 0, 255), (0, 0, 0), (0, 0, 255)),
        (60, (255, 0, 0), (0, 0, 0), (255, 0, 0)),
    ]


def test_gif_of_a_matrix_shows_the_panel_view(tmp_path):
    matrix = panel(bit_depth=1)
    matrix.framebuffer[0] = ORANGE
    recorder = GifRecorder(scale=4)
    recorder.add(matrix)
    recorder.add(matrix)
    assert recorder.save(tmp_path / "one.gif") == 1
    gif = Image.open(tmp_path / "one.gif")
    assert gif.size == (256, 128)
    assert rgb_at(gif, 2, 2) == (255, 0, 0)


def test_gif_frames_must_share_a_size():
    recorder = GifRecorder()
    recorder.add([[(0, 0, 0)] * 2])
    with pytest.raises(ValueError, match="1x1"):
        recorder.add([[(0, 0, 0)]])


def test_gif_delays_round_to_ten_ms_without_drifting():
    assert gif_delays_ms([33.3, 33.3, 33.4]) == [30, 40, 30]
    assert gif_delays_ms([5, 5]) == [20, 20]
