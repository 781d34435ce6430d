"""Shared by the web page's tests: the built site, Node and its harness, the simulator's frame.

Without Node, web/node_modules (``npm ci``, which make test runs) or, for the browser tests,
Debian's Chromium, the tests skip saying why; with REQUIRE_BROWSER=1 (CI, where .ci/run
installs Chromium) they fail instead.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tools import web

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT / "tests" / "web_harness.mjs"
NODE_HELP = "install Node.js 18 or newer with npm (Debian: apt-get install nodejs npm)"


def skip(reason):
    """Skip, or fail where the environment promises everything (REQUIRE_BROWSER=1)."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (REQUIRE_BROWSER=1 says this machine has it)")
    pytest.skip(reason)


def node():
    """The node command, or a skip saying what is missing."""
    found = shutil.which("node")
    if found is None:
        skip("node is not installed: " + NODE_HELP)
    if not all((web.INTERPRETER / name).is_file() for name in web.INTERPRETER_FILES):
        skip("web/node_modules lacks MicroPython-WebAssembly: `npm ci` in web/ (make test does)")
    return found


def build_site(folder):
    """The page built into ``folder`` by python -m tools.web (what make web serves)."""
    node()
    web.build(folder)
    return Path(folder)


def harness(site, request, timeout=300):
    """tests/web_harness.mjs's output for ``request`` on the built ``site``: the parsed JSON of a
    run, or the printed lines of an {"exec": ...} request."""
    result = subprocess.run(
        [node(), str(HARNESS), str(site), json.dumps(request)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    if "exec" in request:
        return result.stdout.splitlines()
    return json.loads(result.stdout)


def sim_frame(folder, seed, batches, *, led=False):
    """The 6144 r, g, b values of ``python -m sim --seed S --batches N --png``'s picture (or,
    with ``led``, its --led-png as a PIL image)."""
    png = Path(folder) / ("sim-%d-%d.png" % (seed, batches))
    led_png = Path(folder) / ("sim-%d-%d-led.png" % (seed, batches))
    command = [sys.executable, "-m", "sim", "--seed", str(seed), "--batches", str(batches)]
    command += ["--gif", "", "--png", str(png), "--led-png", str(led_png)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=300)
    if led:
        return Image.open(led_png).convert("RGB")
    return [channel for pixel in Image.open(png).convert("RGB").getdata() for channel in pixel]


def deterministic(seed, batches, **settings):
    """Harness options for the page's ?seed=S&batches=N run (plus settings overrides)."""
    return {"overrides": {**settings, "NN_SEED": str(seed)}, "batches": batches, "fps": 25}
