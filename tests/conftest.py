"""Test-session set-up shared by every test module."""

import gc


def pytest_collection_finish(session):
    """Move everything imported while collecting (pytest, Blinka, PyTorch: ~200 000 objects)
    out of the garbage collector's reach, so the app's own ``gc.collect()`` calls (nn runs two
    around every set-up module it imports) scan only what the tests create afterwards.

    With PyTorch loaded each call took about 0.2 s: over half the time of the simulator and
    data tests. Objects made during the tests are collected as before, so a test of what gets
    freed still holds as long as it makes what it watches inside the test, not at import.
    """
    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(items):
    """The slow tests first, so parallel workers start on them and finish together."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
