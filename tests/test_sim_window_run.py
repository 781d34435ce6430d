"""python -m sim --window: code.py runs in a live window until the window closes."""

import io

import pytest

from sim.runner import ROOT, Simulation, read_settings

pygame = pytest.importorskip("pygame")


def test_window_shows_frames_takes_the_u_key_and_ends_when_closed(monkeypatch):
    """Frames reach the window in real time, U is the UP button, closing ends the run."""
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    events = []

    def script(sim):
        if sim.frames == 3:
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_u))
        elif sim.frames == 6:
            pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_u))
        elif sim.frames == 10:
            events.append(sim.loop.show_loss)
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    settings = read_settings(ROOT / "settings.toml", {"NN_SEED": 3})
    simulation = Simulation(settings, fps=50, window_scale=2, on_frame=script)
    simulation.run(stdout=io.StringIO())
    assert events == [False], "the U key did not toggle the loss readout off"
    assert simulation.window.closed
    assert 10 <= simulation.frames <= 12
