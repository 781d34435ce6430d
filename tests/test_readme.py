"""The README tells a new user the truth about settings, options and pictures."""

import re
from pathlib import Path

from app import settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented_with_its_default():
    """Each settings.toml key has a row in the settings table showing its default."""
    for key, default, *_ in settings.SPECS:
        row = re.search(r"^\| `%s` \| `([^`]*)` \|" % key, README, re.M)
        assert row, "README has no settings row for " + key
        assert row.group(1).strip('"') == str(default), key


def test_every_simulator_option_is_documented():
    """Each option of python -m sim --help has a row in the README's option table."""
    from sim.__main__ import make_parser

    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", make_parser().format_help()))
    assert {"--batches", "--led-png", "--help"} <= options
    for option in options:
        if option != "--help":
            assert "| `%s" % option in README, option


def test_pictures_exist():
    """Every picture the README shows is in the repository."""
    for path in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (ROOT / path).is_file(), path
