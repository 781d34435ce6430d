"""An optional live window showing the panel with the LED look, with the buttons on the keys.

``open_window`` imports pygame only when called and returns None, after a one-line
explanation on stderr, when pygame is not installed or no display can be opened, so the
simulator can carry on without a window. In the window U and D press and release button 0
(UP) and 1 (DOWN) through the keypad stand-in's KeySource; closing the window or pressing
Escape sets ``closed``, which the simulator takes as the end of the run.
"""

import os
import sys

from sim.ledlook import led_image, panel_image

TITLE = "Matrix Portal M4 (simulated)"
# SDL falls back to these when there is no screen; only use them when asked to (tests do).
HEADLESS_DRIVERS = ("dummy", "offscreen")


class PanelWindow:
    """A pygame window that shows an RGBMatrix and forwards U/D key presses as buttons."""

    def __init__(self, pygame, screen, buttons, scale):
        self._pygame = pygame
        self._screen = screen
        self._buttons = buttons
        self._key_numbers = {pygame.K_u: 0, pygame.K_d: 1}
        self.scale = scale
        self.closed = False

    def handle_events(self):
        """Turn pending window events into button presses/releases or closing the window."""
        if self.closed:
            return
        pygame = self._pygame
        for event in pygame.event.get():
            if event.type == pygame.QUIT or (
                event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE
            ):
                self.close()
                return
            if event.type in (pygame.KEYDOWN, pygame.KEYUP) and event.key in self._key_numbers:
                key_number = self._key_numbers[event.key]
                if event.type == pygame.KEYDOWN:
                    self._buttons.press(key_number)
                else:
                    self._buttons.release(key_number)

    def show(self, matrix):
        """Handle pending events, then draw what ``matrix`` shows now."""
        self.handle_events()
        if self.closed:
            return
        image = led_image(
            panel_image(matrix.panel_rgb888(), matrix.width, matrix.height), self.scale
        )
        surface = self._pygame.image.frombuffer(image.tobytes(), image.size, "RGB")
        self._screen.blit(surface, (0, 0))
        self._pygame.display.flip()

    def close(self):
        """Close the window (idempotent)."""
        if not self.closed:
            self.closed = True
            self._pygame.display.quit()


def open_window(buttons, *, width=64, height=32, scale=8):
    """A PanelWindow for a width x height panel pressing ``buttons`` (a KeySource), or None."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    try:
        import pygame
    except ImportError:
        print("sim: no window: pygame is not installed", file=sys.stderr)
        return None
    try:
        pygame.display.init()
        screen = pygame.display.set_mode((width * scale, height * scale))
    except pygame.error as error:
        print("sim: no window: pygame cannot open a display (%s)" % error, file=sys.stderr)
        return None
    driver = pygame.display.get_driver()
    if driver in HEADLESS_DRIVERS and "SDL_VIDEODRIVER" not in os.environ:
        pygame.display.quit()
        print("sim: no window: no display found (SDL chose %r)" % driver, file=sys.stderr)
        return None
    pygame.display.set_caption(TITLE + "  -  U / D: buttons, Esc: quit")
    return PanelWindow(pygame, screen, buttons, scale)
