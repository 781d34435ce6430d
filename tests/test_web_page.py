"""The web page in a real browser: Playwright drives Debian's Chromium (/usr/bin/chromium) on
the site make web builds, served from this machine.

The page loads without console errors; a deterministic run ends on the simulator's --png
frame (and the canvas shows its LED look); the buttons, keys and touch do the board's
gestures; a bad setting in the address is named on the page; the settings panel applies
settings through the address; a reload resumes from the checkpoint in localStorage.
"""

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from app import settings as app_settings
from render.scene import CURVE_COLOUR
from sim.rgb565 import rgb888_to_rgb565
from tests.sim_helpers import BOX, Picture, hue, layout, link_hues, rgb_of_colour
from tests.web_helpers import build_site, sim_frame, skip
from tools import web_browser
from tools.settings_toml import lookup, with_overrides
from tools.web import ROOT

LAYOUT = layout()
CENTRES = [xy for column in LAYOUT.centres for xy in column]
CURVE_RGB = rgb_of_colour(CURVE_COLOUR)
SHORT = "PULSE_MS=40&BACKWARD_PULSE_MS=80&FAST_FORWARD_BATCHES=2&NN_SEED=5"
CANVAS_SCALE = 10  # canvas pixels per LED (web/page.mjs)
SIM_LED_SCALE = 8  # sim.pictures.save_led_png's


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The built page served on a free port of 127.0.0.1, as make web serves it."""
    site = build_site(tmp_path_factory.mktemp("web") / "site")
    with web_browser.serve(site) as address:
        yield address


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, through Playwright."""
    why = web_browser.missing()
    if why:
        skip(why)
    with web_browser.chromium() as launched:
        yield launched


class Visit:
    """One page in a fresh browser context, with every console message it printed."""

    def __init__(self, context, url):
        self.context = context
        self.page = context.new_page()
        self.messages = []
        self.page.on("console", lambda message: self.messages.append((message.type, message.text)))
        self.page.on("pageerror", lambda error: self.messages.append(("pageerror", str(error))))
        self.page.goto(url)
        self.wait_ready()

    def wait_ready(self):
        self.page.wait_for_function("window.nnMatrix && nnMatrix.ready")

    def errors(self):
        return [text for kind, text in self.messages if kind in ("error", "pageerror")]

    def picture(self):
        """The panel now (window.nnMatrix.frame()) as a Picture of RGB565 values."""
        values = self.page.evaluate("nnMatrix.frame()")
        triples = zip(values[0::3], values[1::3], values[2::3])
        return Picture(rgb888_to_rgb565(*rgb) for rgb in triples)

    def console(self):
        return self.page.inner_text("#console").splitlines()

    def wait_until(self, what, condition, timeout_s=10):
        """Poll the panel until ``condition(picture)`` holds."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if condition(self.picture()):
                return
            self.page.wait_for_timeout(40)
        raise AssertionError("the panel never showed %s" % what)

    def wait_for_line(self, start, timeout_s=20):
        """Poll the console panel until a line starts with ``start``; returns it."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = [line for line in self.console() if line.startswith(start)]
            if found:
                return found[0]
            self.page.wait_for_timeout(50)
        raise AssertionError("the console never showed a line starting %r" % start)


@pytest.fixture
def visit(browser, server):
    """visit(query, **context options) opens the page with that query and waits for a frame."""
    contexts = []

    def open_page(query="", **options):
        context = browser.new_context(**options)
        contexts.append(context)
        return Visit(context, server + query)

    yield open_page
    for context in contexts:
        context.close()


def network_visible(picture):
    return all(hue(picture.at(x, y)) == "warm" for x, y in CENTRES)


def link_colours(picture):
    return set().union(*link_hues(picture, LAYOUT).values())


def readout_lit(picture):
    return bool(picture.region(BOX))


def curve_shown(picture):
    lit = picture.lit()
    return not network_visible(picture) and any(picture.at(*xy) == CURVE_RGB for xy in lit)


def test_the_page_loads_and_trains_with_no_console_errors(visit):
    """Open, the app's banner in the console panel, the network on the panel, and not one
    error in the browser's console."""
    shown = visit()
    shown.wait_for_line("nn-matrix: 2-3-3-1 sigmoid->sigmoid")
    shown.page.wait_for_function("nnMatrix.frames > 25")
    assert network_visible(shown.picture())
    assert shown.page.evaluate("nnMatrix.done") is False
    assert shown.errors() == []


@pytest.mark.parametrize(("seed", "batches"), [(3, 2), (8, 16)])
def test_a_deterministic_link_ends_on_the_simulators_frame(visit, tmp_path, seed, batches):
    """?seed=S&batches=N stops with window.nnMatrix.done, and its frame is, pixel for pixel,
    python -m sim --seed S --batches N's --png; the canvas shows the simulator's LED look
    (each LED's centre in the colour of --led-png's)."""
    shown = visit("?seed=%d&batches=%d" % (seed, batches))
    shown.page.wait_for_function("nnMatrix.done", timeout=60000)
    assert shown.page.evaluate("nnMatrix.frame()") == sim_frame(tmp_path, seed, batches)
    assert "Finished" in shown.page.inner_text("#status")
    led = sim_frame(tmp_path, seed, batches, led=True)
    centres = shown.page.evaluate(
        """(scale) => {
            const canvas = document.getElementById("panel");
            const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
            const out = [];
            for (let y = 0; y < 32; y++) for (let x = 0; x < 64; x++) {
                const at = 4 * ((y * scale + scale / 2) * canvas.width + x * scale + scale / 2);
                out.push([data.data[at], data.data[at + 1], data.data[at + 2]]);
            }
            return out;
        }""",
        CANVAS_SCALE,
    )
    half = SIM_LED_SCALE // 2
    expected = [
        list(led.getpixel((x * SIM_LED_SCALE + half, y * SIM_LED_SCALE + half)))
        for y in range(32)
        for x in range(64)
    ]
    assert centres == expected
    assert shown.errors() == []


def test_the_keys_and_buttons_do_the_boards_gestures(visit):
    """U hides the readout and shows it again; a click on DOWN makes the links neutral and
    another brings red and blue back; DOWN held 1.5 s shows the loss curve; U and D held
    together 2.6 s restart the training."""
    shown = visit("?" + SHORT)
    page = shown.page
    shown.wait_until("the readout", readout_lit)
    page.keyboard.press("u")
    shown.wait_until("the readout hidden", lambda p: not readout_lit(p))
    page.keyboard.press("u")
    shown.wait_until("the readout again", readout_lit)

    assert link_colours(shown.picture()) == {"red", "blue"}
    page.click("#down")
    shown.wait_until("neutral links", lambda p: link_colours(p) == {"neutral"})
    page.click("#down")
    shown.wait_until("red and blue links", lambda p: link_colours(p) == {"red", "blue"})

    shown.wait_for_line("(")  # a batch has been trained: the curve has a point
    page.hover("#down")
    page.mouse.down()
    page.wait_for_timeout(1500)
    page.mouse.up()
    shown.wait_until("the loss curve", curve_shown)

    page.keyboard.down("u")
    page.keyboard.down("d")
    page.wait_for_timeout(2600)
    page.keyboard.up("u")
    page.keyboard.up("d")
    shown.wait_for_line("restart, seed")
    assert shown.errors() == []


def test_a_tap_on_the_touch_screen_is_a_press(visit):
    """On a phone (touch events), a tap on UP hides the readout."""
    shown = visit("?" + SHORT, has_touch=True)
    shown.wait_until("the readout", readout_lit)
    shown.page.tap("#up")
    shown.wait_until("the readout hidden", lambda p: not readout_lit(p))


def test_a_bad_setting_in_the_address_is_named_on_the_page(visit, tmp_path):
    """?PULSE_MS=fast: the page lists the app's own line for it (the default is used), as
    the console does; a bad page option is named too."""
    shown = visit("?PULSE_MS=fast&fps=0")
    text = with_overrides((ROOT / "settings.toml").read_bytes(), {"PULSE_MS": "fast"})
    (tmp_path / "settings.toml").write_bytes(text)
    _config, problems = app_settings.read(
        lambda key: lookup(text, key), str(tmp_path / "settings.toml")
    )
    assert problems and problems[0].startswith("PULSE_MS: 'fast'")
    listed = shown.page.inner_text("#problems").splitlines()
    assert ["settings.toml: " + problem for problem in problems] == listed[1:]
    assert listed[0].startswith("page address: fps=0")
    assert shown.wait_for_line("settings.toml: PULSE_MS") == "settings.toml: " + problems[0]
    assert shown.wait_for_line("pulses ").startswith("pulses 300/")
    assert shown.errors() == []


def test_the_settings_panel_applies_through_the_address_and_shows_settings_toml(visit):
    """Apply puts the changed keys in the address and the app runs with them; the
    settings.toml button shows the text to copy onto CIRCUITPY."""
    shown = visit()
    page = shown.page
    page.click("summary")
    page.select_option("#setting-NN_ACTIVATION", "tanh")
    page.fill("#setting-PULSE_MS", "120")
    page.get_by_role("button", name="Apply", exact=True).click()
    page.wait_for_url(lambda url: "NN_ACTIVATION" in url)
    shown.wait_ready()
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"NN_ACTIVATION": ["tanh"], "PULSE_MS": ["120"]}
    assert shown.wait_for_line("nn-matrix: ").startswith("nn-matrix: 2-3-3-1 tanh->sigmoid")
    assert shown.wait_for_line("pulses ").startswith("pulses 120/900 ms")
    page.click("summary")
    page.click("#show-toml")
    expected = with_overrides(
        (ROOT / "settings.toml").read_bytes(), {"NN_ACTIVATION": "tanh", "PULSE_MS": "120"}
    )
    assert page.input_value("#toml") == expected.decode()
    assert shown.errors() == []


def test_a_reload_resumes_from_the_checkpoint(visit):
    """After a batch the checkpoint is in localStorage; a reload resumes from it, as the
    board does after a power cut."""
    shown = visit("?" + SHORT)
    assert shown.wait_for_line("starting fresh")
    shown.wait_for_line("(")
    shown.page.wait_for_function("localStorage.getItem('nn-matrix.nvm') !== null")
    shown.page.reload()
    shown.wait_ready()
    assert shown.wait_for_line("resumed from checkpoint: epoch 0, batch ")
    assert shown.errors() == []
