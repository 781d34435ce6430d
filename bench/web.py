"""p9: the web page (issue 12) in a real Chromium, built as make web builds it and served
from this machine (tools.web_browser: plain files, a local static server).

- p9_web_ready_ms: navigation start to the first frame drawn on the canvas (the page's
  performance mark nn-matrix:first-frame), median of ``loads`` fresh page loads, each in a
  new browser context (empty cache, empty storage, so no checkpoint to resume); beside it
  the marks of the files fetched and the app started.
- p9_web_python_ms_per_frame: Python time per frame (window.nnMatrix.pythonMs: each
  page.step(), timed by the page) while the page trains live at 25 frames a second for
  ``live_s`` seconds with the shipped settings, every frame counted: animated ones and the
  frames that each train one fast-forwarded batch. Median, p90 and the largest.
- p9_web_transfer_kb: every file the page fetched (its network responses), each compressed
  with gzip at level 9, summed: what a gzip-serving host sends. The raw size beside it.

Skips, saying why (tools.web_browser.missing), without web/node_modules, Chromium or
Playwright.
"""

import gzip
import statistics
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from tools import web, web_browser

MARKS = {
    "p9_web_files_fetched_ms": "nn-matrix:files-fetched",
    "p9_web_app_started_ms": "nn-matrix:app-started",
    "p9_web_ready_ms": "nn-matrix:first-frame",
}
READ_MARKS = "(names) => names.map((name) => performance.getEntriesByName(name)[0].startTime)"
TIMEOUT_MS = 60000


def missing():
    """Why p9 cannot be measured here, or None."""
    return web_browser.missing()


def percentile(values, share):
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _load(browser, url, responses=None):
    """A fresh context's page at ``url``, once it has drawn its first frame (its network
    responses appended to ``responses``)."""
    context = browser.new_context()
    page = context.new_page()
    if responses is not None:
        page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.wait_for_function("window.nnMatrix && nnMatrix.ready", timeout=TIMEOUT_MS)
    return context, page


def transfer(site, url, responses):
    """Raw and gzipped bytes of the files behind ``responses`` (one per file fetched)."""
    raw = gzipped = 0
    for response in responses:
        if not response.ok:
            raise RuntimeError("the page's request for %s failed: %s" % (response.url, response))
        path = urlsplit(response.url).path[len(urlsplit(url).path) :] or "index.html"
        data = (Path(site) / path).read_bytes()
        raw += len(data)
        gzipped += len(gzip.compress(data, compresslevel=9, mtime=0))
    return raw, gzipped


def measure(*, loads=7, live_s=25):
    """p9's figures; {} when missing() says why not."""
    if missing():
        return {}
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        web.build(site)
        with web_browser.serve(site) as url, web_browser.chromium() as browser:
            responses = []
            marks = {key: [] for key in MARKS}
            for load in range(loads):
                context, page = _load(browser, url, responses if load == 0 else None)
                for key, ms in zip(MARKS, page.evaluate(READ_MARKS, list(MARKS.values()))):
                    marks[key].append(ms)
                context.close()
            fetched = [response for response in responses if response.url.startswith(url)]
            raw, gzipped = transfer(site, url, fetched)

            context, page = _load(browser, url)
            page.wait_for_timeout(live_s * 1000)
            python_ms, frames, seconds = page.evaluate(
                "[nnMatrix.pythonMs, nnMatrix.frames, performance.now() / 1000]"
            )
            ready_ms = page.evaluate(READ_MARKS, [MARKS["p9_web_ready_ms"]])[0]
            context.close()
    figures = {key: statistics.median(values) for key, values in marks.items()}
    figures.update(
        {
            "p9_web_ready_ms_max": max(marks["p9_web_ready_ms"]),
            "p9_web_loads": loads,
            "p9_web_python_ms_per_frame": statistics.median(python_ms),
            "p9_web_python_ms_per_frame_p90": percentile(python_ms, 0.9),
            "p9_web_python_ms_per_frame_max": max(python_ms),
            "p9_web_frames": len(python_ms),
            "p9_web_live_fps": frames / (seconds - ready_ms / 1000),
            "p9_web_transfer_kb": gzipped / 1024,
            "p9_web_raw_kb": raw / 1024,
            "p9_web_files": len(fetched),
        }
    )
    return figures
