"""code.py on the board, run unmodified by the simulator: what the console prints and what the
panel shows at boot, after each button gesture, after a restart and with a bad setting.

Runs use short pulses (SHORT_RUN: 40/80 ms, 2 fast-forward batches, seed 5) at 100 simulated
frames per second; presses are scripted as for ``python -m sim --press`` (a tap is 100 ms, and
a gesture acts when its button comes up).
"""

import math

import pytest

from render.readout import format_loss
from render.scene import (
    BEST_COLOUR,
    CURVE_BOTTOM,
    CURVE_COLOUR,
    CURVE_TOP,
    MESSAGE_COLOUR,
    READOUT_COLOUR,
)
from tests.sim_helpers import (
    BOX,
    hue,
    layout,
    link_hues,
    link_signs,
    rgb_of_colour,
    run_code,
    text_picture,
    weight_signs,
)

LAYOUT = layout()
CENTRES = [xy for column in LAYOUT.centres for xy in column]
CURVE_RGB = rgb_of_colour(CURVE_COLOUR)


@pytest.fixture(scope="module")
def dashes():
    """The readout box showing "--" (no best loss yet), drawn on a panel of its own."""
    return text_picture("--", (47, 27), colour=READOUT_COLOUR)


def network_visible(frame):
    """True when the frame shows the network: every node centre lit in warm white."""
    return all(hue(frame.picture.at(x, y)) == "warm" for x, y in CENTRES)


def coloured_links(frame):
    """True when every link is drawn red or blue (weight colours on)."""
    return all(hues in ({"red"}, {"blue"}) for hues in link_hues(frame.picture, LAYOUT).values())


def neutral_links(frame):
    """True when every link is drawn neutral grey, none red or blue (weight colours off)."""
    return all(hues == {"neutral"} for hues in link_hues(frame.picture, LAYOUT).values())


def curve_pixels(frame):
    """The pixels drawn in the loss curve's colour."""
    return [xy for xy in frame.picture.lit() if frame.picture.at(*xy) == CURVE_RGB]


def test_boots_prints_banner_and_batch_tuples_and_shows_the_readout(dashes):
    """Boot prints the banner, then one "(batch, best, test)" line per batch that parses as
    three finite floats with best the running minimum; the readout box shows "--" until the
    first batch and then the best loss's glyphs."""
    run = run_code(batches=3)
    assert run.lines[0].startswith("nn-matrix: 2-3-3-1 sigmoid->sigmoid, loss mse")
    assert "seed 5" in run.lines[0]
    assert run.lines[1].startswith("pulses 40/80 ms, fast-forward 2 batches")
    tuples = run.batch_lines()
    assert len(tuples) == 3
    for batch, best, test in tuples:
        assert all(math.isfinite(v) and v > 0 for v in (batch, best, test))
    bests = [min(t[0] for t in tuples[: k + 1]) for k in range(3)]
    assert [t[1] for t in tuples] == pytest.approx(bests, rel=1e-4)

    before = [f for f in run.frames if f.batches == 0]
    assert before and all(f.picture.box() == dashes.box() != {} for f in before)
    after = next(f for f in run.frames if f.batches == 1)
    assert after.readout == format_loss(tuples[0][1]) != "--"
    box = after.picture.box()
    assert box and box != dashes.box()
    assert box == text_picture(after.readout, (47, 27), colour=READOUT_COLOUR).box()
    assert network_visible(after) and coloured_links(after)


def test_short_presses_toggle_the_readout_and_the_weight_colours():
    """UP tap: readout box dark; UP again: lit. DOWN tap: every link neutral grey, no red or
    blue pixel; DOWN again: red and blue are back."""
    run = run_code(presses="up@1500,up@3000,down@4500,down@6000", until_ms=7500)
    windows = {
        "readout on, colours on": (0, 1600),
        "readout off": (1610, 3100),
        "readout on again": (3110, 7500),
        "colours off": (4610, 6100),
        "colours on again": (6110, 7500),
    }
    frames = {name: run.between(*span) for name, span in windows.items()}
    assert all(len(shown) > 50 for shown in frames.values())
    assert all(f.picture.box() for f in frames["readout on, colours on"])
    assert all(f.picture.box() == {} for f in frames["readout off"])
    assert all(f.picture.box() for f in frames["readout on again"])
    for name in ("readout on, colours on", "colours on again"):
        assert all(coloured_links(f) for f in frames[name]), name
        hues = set().union(*link_hues(frames[name][-1].picture, LAYOUT).values())
        assert hues == {"red", "blue"}
    assert all(neutral_links(f) for f in frames["colours off"])
    assert all(network_visible(f) for f in run.frames)


def test_holding_up_pauses_and_freezes_the_picture_and_the_weights():
    """UP held 1.2 s pauses: no batch line, identical frames (network on show) and unchanged
    weights until UP is held again, which resumes training."""
    run = run_code(presses="up@1500:1200,up@6000:1200", until_ms=9500)
    running = run.between(300, 1400)
    assert len({f.picture for f in running}) > 10  # the pulses move while training runs
    paused = run.between(2700, 7200)
    assert paused and all(f.paused for f in paused)
    assert {f.lines for f in paused} == {paused[0].lines}
    assert all(f.weights == paused[0].weights for f in paused)
    settled = run.between(4250, 7200)  # after the "PAUSED" notice
    assert len(settled) > 250 and network_visible(settled[0])
    assert all(f.picture == settled[0].picture for f in settled)
    assert run.at(2700).message and not network_visible(run.at(2700))

    resumed = run.between(7200, 9500)
    assert not any(f.paused for f in resumed)
    assert resumed[-1].lines > paused[0].lines
    assert resumed[-1].weights != paused[0].weights
    assert len({f.picture for f in resumed}) > 10


def test_holding_down_switches_to_the_loss_curve_and_back():
    """DOWN held 1.2 s: the network disappears and a loss curve spans one column per batch in
    rows 1..25, with the best loss as a grey line across the panel; held again: network back."""
    run = run_code(
        overrides={"FAST_FORWARD_BATCHES": 4},
        presses="down@3000:1200,down@6500:1200",
        until_ms=9000,
    )
    assert all(network_visible(f) for f in run.between(0, 4200))
    curve = run.between(4200, 7700)
    assert len(curve) > 300
    best_rgb = rgb_of_colour(BEST_COLOUR)
    for frame in curve:
        assert frame.curve_view
        assert not any(hue(frame.picture.at(*xy)) == "warm" for xy in frame.picture.lit())
        points = curve_pixels(frame)
        assert {y for _x, y in points} <= set(range(CURVE_TOP, CURVE_BOTTOM + 1))
        assert {x for x, _y in points} == set(range(64 - frame.batches, 64))
        rows = [
            y
            for y in range(CURVE_TOP, CURVE_BOTTOM + 1)
            if sum(frame.picture.at(x, y) == best_rgb for x in range(64)) >= 64 - frame.batches
        ]
        assert len(rows) == 1, frame.t_ms  # the best loss's line
    assert curve[-1].batches > curve[0].batches >= 6  # it grows batch by batch
    back = run.between(7700, 9000)
    assert back and all(network_visible(f) and not curve_pixels(f) for f in back)


def test_holding_both_restarts_with_new_weights_and_an_empty_readout(dashes):
    """Both buttons held 2.2 s: the console says "restart", the readout shows "--" at once,
    the weights are new and the links' red/blue pattern follows them; the chord itself
    toggles nothing. Link colours always match the signs of the live weights."""
    run = run_code(presses="up@3000:2300,down@3100:2200", until_ms=9000)
    restarts = [line for line in run.lines if "restart" in line]
    assert len(restarts) == 1 and restarts[0].startswith("restart, seed ")
    after_restart = run.lines[run.lines.index(restarts[0]) + 1 :]
    first = next(line for line in after_restart if line.startswith("("))
    batch, best, _test = (float(v) for v in first[1:-1].split(","))
    assert best == batch  # the best loss started again

    held = run.between(3000, 5300)
    assert all(f.picture.box() and coloured_links(f) for f in held)  # nothing toggled
    just_before, just_after = run.at(5290), run.at(5300)
    assert just_before.readout != "--" and just_before.picture.box() != dashes.box()
    assert just_after.readout == "--" and just_after.picture.box() == dashes.box()
    assert just_after.weights != just_before.weights
    assert just_after.weights != run.frames[0].weights

    def shown_signs(frames):
        """Link signs read off the pixels of frames in mid-batch, checked against the weights."""
        signs = []
        for frame in frames:
            if frame.sample_in_batch and not frame.message and network_visible(frame):
                signs.append(link_signs(frame.picture, LAYOUT))
                assert signs[-1] == weight_signs(frame.weights, LAYOUT), frame.t_ms
        return signs

    old = shown_signs(run.between(0, 5300))
    new = shown_signs(run.between(5300, 9000))
    assert len(old) > 100 and len(new) > 100
    assert old[-1] != new[0]
    assert run.at(6900).picture.box() and not run.at(6900).message


def test_a_bad_setting_is_reported_on_the_console_and_the_matrix_then_defaults_train():
    """NN_LAYERS = "2,x,1": the console names the key, the matrix shows "BAD SETTINGS:" and
    the key for 6 s instead of the network, and training runs with the default 2-3-3-1."""
    message = text_picture(
        "BAD SETTINGS:\nNN_LAYERS", (1, 1), colour=MESSAGE_COLOUR, line_spacing=1.2
    )
    run = run_code(overrides={"NN_LAYERS": "2,x,1"}, until_ms=8000)
    reports = [line for line in run.lines if line.startswith("settings.toml: ")]
    assert len(reports) == 1
    assert reports[0].startswith("settings.toml: NN_LAYERS: '2,x,1' ")
    assert reports[0].endswith("using 2,3,3,1")
    assert run.lines[0] == reports[0]  # reported before anything else
    assert run.lines[1].startswith("nn-matrix: 2-3-3-1 ")

    expected = message.lit()
    assert len(expected) > 60
    assert all(hue(message.at(*xy)) == "neutral" for xy in expected)
    outside_box = {(x, y) for x in range(64) for y in range(32)} - BOX
    for frame in run.between(0, 6000):
        assert frame.picture.region(outside_box) == expected, frame.t_ms
    later = run.between(6010, 8000)
    assert later and all(network_visible(f) and f.picture.box() for f in later)
    assert len(run.batch_lines()) >= 5
