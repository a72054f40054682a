"""Four students drop a 19 MB CSV of 4.8 million rows on the Distill page at once (issue 24, case 4): the server
must refuse each at its row cap as it reads, so a new browser still sees the home page quickly and the server's
memory stays low. Printed: the home page's time on the server's first visit (which imports torch and the page
modules, once per server), then alone and during the uploads, seconds until all four refusals, and the server
process's RSS (without its training workers) before and at its peak.

    python benchmarks/bench_upload_storm.py [--uploads 4] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from app_harness import CHROMIUM, CHROMIUM_ARGS, AppServer, load_average, rss_bytes  # noqa: E402

DROPZONE = '.st-key-distill_data_file [data-testid="stFileUploaderDropzoneInput"]'
HOME = ".st-key-home_demo"
REFUSED = "This file cannot be used"


class ServerRss:
    """The server process's own RSS (its workers are other processes), sampled every 0.2 s."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, rss_bytes(self.pid))

    def __enter__(self) -> "ServerRss":
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()


def home_page_seconds(browser, url: str) -> float:
    context = browser.new_context()  # a new browser: no cookie, no session
    page = context.new_page()
    started = time.monotonic()
    page.goto(f"{url}/?lang=en", timeout=300_000)
    page.locator(HOME).wait_for(timeout=300_000)
    seconds = time.monotonic() - started
    context.close()
    return seconds


def measure(uploads: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kdlab-upload-storm-") as home:
        csv = Path(home) / "big.csv"
        csv.write_bytes(b"a,label\n" + b"1,0\n" * 4_800_000)
        server = AppServer(Path(home))
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                first = home_page_seconds(browser, server.url)  # the server's first script run imports torch
                alone = home_page_seconds(browser, server.url)
                pages = [browser.new_page() for _ in range(uploads)]
                for page in pages:
                    page.goto(f"{server.url}/distill?lang=en", timeout=300_000)
                    page.locator(DROPZONE).wait_for(state="attached", timeout=300_000)
                before = rss_bytes(server.pid)
                with ServerRss(server.pid) as rss:
                    started = time.monotonic()
                    for page in pages:
                        page.locator(DROPZONE).set_input_files(str(csv))
                    during = home_page_seconds(browser, server.url)
                    for page in pages:
                        page.get_by_text(REFUSED).first.wait_for(timeout=300_000)
                    refused = time.monotonic() - started
                browser.close()
        finally:
            server.stop()
    return {"csv_mb": round(csv_size_mb(), 1), "uploads": uploads, "home_first_visit_s": round(first, 2),
            "home_alone_s": round(alone, 2),
            "home_during_uploads_s": round(during, 2), "all_refused_s": round(refused, 2),
            "server_rss_before_mb": before // 2**20, "server_rss_peak_mb": rss.peak // 2**20,
            "load_average": load_average()}


def csv_size_mb() -> float:
    return (len(b"a,label\n") + 4 * 4_800_000) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.uploads)
    print(json.dumps(result) if args.json else "\n".join(f"{k:24} {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
