"""python -m tools.web_screenshot PNG: the README's picture of the web page (docs/web.png).

Builds the page as make web does, opens the deterministic link ?seed=1&batches=20 in
Debian's Chromium (tools.web_browser) in a 1000x700 window and, once the run has finished,
saves the whole page, 1000 pixels wide: the same picture wherever Chromium and its fonts are
the same.
"""

import os
import sys
import tempfile
from pathlib import Path

from sim.outputs import OutputError, check_output
from tools import web, web_browser

QUERY = "?seed=1&batches=20"
VIEWPORT = {"width": 1000, "height": 700}
TIMEOUT_MS = 120000
USAGE = "usage: python -m tools.web_screenshot PNG"


def screenshot(path):
    """Write the page's picture to ``path`` (a PNG file)."""
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        web.build(site)
        with web_browser.serve(site) as url, web_browser.chromium() as browser:
            context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
            page = context.new_page()
            page.goto(url + QUERY)
            page.wait_for_function("window.nnMatrix && nnMatrix.done", timeout=TIMEOUT_MS)
            page.evaluate("document.getElementById('console').scrollTop = 1e9")
            picture = page.screenshot(type="png", full_page=True)
            context.close()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    Path(path).write_bytes(picture)


def main(argv=None):
    """Take the screenshot from the command line; returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-") or not args[0].lower().endswith(".png"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        target = check_output("PNG", args[0])
    except OutputError as error:
        print("python -m tools.web_screenshot: %s" % error, file=sys.stderr)
        return 2
    why = web_browser.missing()
    if why:
        print("python -m tools.web_screenshot: %s" % why, file=sys.stderr)
        return 1
    screenshot(target)
    print("screenshot: %s" % args[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
