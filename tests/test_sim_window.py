"""The live window under SDL's dummy video driver: keys become buttons, the panel is drawn."""

import pytest

from sim.clock import VirtualClock
from sim.devices import install
from sim.devices.rgbmatrix import RGBMatrix

pygame = pytest.importorskip("pygame")


@pytest.fixture
def window(monkeypatch):
    """An installed simulator and a window on the dummy video driver."""
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    from sim.window import open_window

    clock = VirtualClock()
    with install(clock) as board_sim:
        panel_window = open_window(board_sim.buttons, scale=4)
        assert panel_window is not None
        yield clock, panel_window
        panel_window.close()


def key_event(kind, key):
    """Queue one pygame keyboard event."""
    pygame.event.post(pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0))


def test_u_and_d_press_and_release_buttons_0_and_1(window):
    import board
    import keypad

    clock, panel_window = window
    keys = keypad.Keys((board.BUTTON_UP, board.BUTTON_DOWN), value_when_pressed=False)
    clock.advance(30)
    key_event(pygame.KEYDOWN, pygame.K_u)
    key_event(pygame.KEYDOWN, pygame.K_d)
    key_event(pygame.KEYUP, pygame.K_u)
    key_event(pygame.KEYDOWN, pygame.K_x)
    panel_window.handle_events()
    got = []
    while (event := keys.events.get()) is not None:
        got.append((event.key_number, event.pressed, event.timestamp))
    assert got == [(0, True, 30), (1, True, 30), (0, False, 30)]


def test_closing_the_window_ends_the_run(window):
    _clock, panel_window = window
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    panel_window.handle_events()
    assert panel_window.closed


def test_show_draws_the_panel_as_leds(window):
    _clock, panel_window = window
    matrix = RGBMatrix(
        width=64,
        bit_depth=4,
        rgb_pins=(object(),) * 6,
        addr_pins=(object(),) * 4,
        clock_pin=object(),
        latch_pin=object(),
        output_enable_pin=object(),
    )
    matrix.framebuffer[1] = 0x001F
    panel_window.show(matrix)
    surface = pygame.display.get_surface()
    assert surface.get_size() == (256, 128)
    assert tuple(surface.get_at((4 + 2, 2)))[:3] == (0, 0, 255)
    assert tuple(surface.get_at((4, 0)))[:3] == (0, 0, 0)
