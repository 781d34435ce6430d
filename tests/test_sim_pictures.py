"""Pictures of the panel: exact PNG, LED-look PNG and GIF with merged frames and round LEDs."""

import io

import pytest
from PIL import Image

from sim import gifstream
from sim.devices import board
from sim.devices.rgbmatrix import RGBMatrix
from sim.ledlook import led_image, panel_image
from sim.pictures import GifRecorder, gif_delays_ms, indexed, save_led_png, save_png
from sim.runner import ROOT, Simulation, read_settings

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


class KeepingRecorder(GifRecorder):
    """A GifRecorder that also keeps every frame it is given, as the recorder before
    streaming did: (panel rgb bytes, duration ms)."""

    def __init__(self, **options):
        super().__init__(**options)
        self.kept = []

    def add(self, frame, duration_ms=None):
        super().add(frame, duration_ms)
        self.kept.append((frame.panel_rgb888(), duration_ms))


def gif_written_whole(kept, path, scale):
    """The GIF as the recorder wrote it before streaming: identical neighbours merged, then
    every LED-look frame handed to one call of Pillow's writer."""
    merged = []
    for rgb, duration_ms in kept:
        if merged and merged[-1][0] == rgb:
            merged[-1][1] += duration_ms
        else:
            merged.append([rgb, duration_ms])
    images = [led_image(indexed(panel_image(rgb, 64, 32)), scale) for rgb, _ in merged]
    images[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=gif_delays_ms([duration for _rgb, duration in merged]),
        loop=0,
    )


@pytest.mark.parametrize("chunk_pixels", [gifstream.CHUNK_PIXELS, 300_000])
def test_a_streamed_gif_is_byte_for_byte_the_gif_written_whole(tmp_path, monkeypatch, chunk_pixels):
    """A real run of code.py (17 batches, about 500 distinct frames) saved chunk by chunk
    (the default chunks, and chunks of 4 frames) gives exactly the bytes of the GIF written
    in one go, as before streaming."""
    monkeypatch.setattr(gifstream, "CHUNK_PIXELS", chunk_pixels)
    recorder = KeepingRecorder(scale=6, fps=25)
    settings = read_settings(ROOT / "settings.toml", {"NN_SEED": 3})
    Simulation(settings, batches=17, recorder=recorder, tail_ms=200, last_pulse=True).run(
        stdout=io.StringIO()
    )
    frames = recorder.save(tmp_path / "streamed.gif")
    gif_written_whole(recorder.kept, tmp_path / "whole.gif", 6)
    assert frames == len(recorder) > 400
    assert (tmp_path / "streamed.gif").read_bytes() == (tmp_path / "whole.gif").read_bytes()


def test_a_frame_longer_than_a_gif_delay_can_say_is_cut_to_the_longest(tmp_path):
    """A GIF delay is at most 655.35 s: a paused panel shown for 20 minutes is saved as
    that long, and the frames after it keep their own timing."""
    red = [[(255, 0, 0)] * 4 for _row in range(2)]
    blue = [[(0, 0, 255)] * 4 for _row in range(2)]
    recorder = GifRecorder(scale=2)
    recorder.add(red, 1_200_000)
    recorder.add(blue, 40)
    recorder.add(red, 40)
    assert recorder.save(tmp_path / "paused.gif") == 3
    with Image.open(tmp_path / "paused.gif") as gif:
        delays = []
        for index in range(gif.n_frames):
            gif.seek(index)
            delays.append(gif.info["duration"])
    assert delays == [655_350, 40, 40]


def test_a_gif_save_asked_to_stop_ends_a_valid_shorter_file(tmp_path):
    """``stop()`` turning true while saving: the GIF ends after the frames written so far
    and is a complete file; at least the first frame is always in it."""
    recorder = GifRecorder(scale=2)
    for shade in range(1, 200):
        recorder.add([[(shade, 0, 0)] * 4 for _row in range(2)], 40)
    asked = []
    assert (
        recorder.save(tmp_path / "cut.gif", stop=lambda: len(asked) > 60 or asked.append(1)) < 199
    )
    with Image.open(tmp_path / "cut.gif") as gif:
        assert 1 < gif.n_frames < 199
        gif.seek(gif.n_frames - 1)
        gif.load()
    assert recorder.save(tmp_path / "first.gif", stop=lambda: True) == 1
    with Image.open(tmp_path / "first.gif") as gif:
        assert gif.n_frames == 1
