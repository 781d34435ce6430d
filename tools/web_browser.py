"""The built web page in a real browser: a local static server and Debian's Chromium, driven
by Playwright for Python. Shared by the page's tests, ``make bench`` (bench/web.py) and the
README's screenshot (tools/web_screenshot.py).

Playwright's own browser downloads are never used: Chromium is the system's
(/usr/bin/chromium; .ci/run installs Debian's package).
"""

import contextlib
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tools import web

CHROMIUM = Path("/usr/bin/chromium")


def missing():
    """Why the page cannot be built and opened in Chromium here, or None when it can."""
    if not all((web.INTERPRETER / name).is_file() for name in web.INTERPRETER_FILES):
        return (
            "web/node_modules lacks MicroPython-WebAssembly: install Node.js 18 or newer with "
            "npm, then `npm ci` in web/ (make test and make bench do)"
        )
    if not CHROMIUM.is_file():
        return "no %s: install Debian's chromium package (.ci/run does)" % CHROMIUM
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -r requirements-dev.txt"
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass  # one line per request would bury the tests' and benchmarks' output


@contextlib.contextmanager
def serve(folder):
    """Serve ``folder`` on a free port of 127.0.0.1 (plain files, as make web serves them);
    yields the address of its index, ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d/" % httpd.server_port
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, headless, as a Playwright Browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            browser.close()
