"""python -m tools.web_screenshot PNG: the README's picture of the page, and its usage errors."""

import subprocess
import sys

import pytest
from PIL import Image

from tests.web_helpers import skip
from tools import web_browser
from tools.web import ROOT


def screenshot(*args):
    return subprocess.run(
        [sys.executable, "-m", "tools.web_screenshot", *args],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=300,
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "usage: python -m tools.web_screenshot PNG"),
        (("page.jpg",), "usage: python -m tools.web_screenshot PNG"),
        (("a.png", "b.png"), "usage: python -m tools.web_screenshot PNG"),
        (("{folder}/shots.png",), "is a folder"),
        (("{folder}/notes.txt/page.png",), "is a file, not a folder"),
    ],
)
def test_a_bad_path_is_one_line_and_exit_status_2(tmp_path, args, says):
    (tmp_path / "notes.txt").write_text("mine\n")
    (tmp_path / "shots.png").mkdir()
    result = screenshot(*(arg.format(folder=tmp_path) for arg in args))
    assert result.returncode == 2
    assert says in result.stderr and len(result.stderr.splitlines()) == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt", "shots.png"]
    assert not any((tmp_path / "shots.png").iterdir())


def test_the_picture_is_the_whole_finished_page(tmp_path):
    """A 1000-pixel-wide PNG of the whole page (taller than the 700-pixel window), written
    into a folder it makes, with the lit panel in it."""
    why = web_browser.missing()
    if why:
        skip(why)
    out = tmp_path / "docs" / "web.png"
    result = screenshot(str(out))
    assert result.returncode == 0, result.stderr
    picture = Image.open(out)
    assert picture.format == "PNG" and picture.width == 1000 and picture.height > 700
    colours = picture.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 100  # not a blank page: text, panel LEDs, buttons
