"""The board's built-in __future__ (here as a file): ``from __future__ import annotations``."""

annotations = None
