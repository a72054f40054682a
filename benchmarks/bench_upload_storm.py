"""Four students drop a 19 MB CSV of 4.8 million rows on the Distill page at once (issue 24, case 4): the server
must refuse each at its row cap as it reads, so a new browser still sees the home page quickly and the server's
memory stays low. Printed: the home page's time on the server's first visit (which imports torch and the page
modules, once per server), then alone and during the uploads, seconds until all four refusals, the server
process's CPU seconds over the storm, and its RSS (without its training workers) before and at its peak.

In a class each upload comes from a student's own laptop. Here the four uploading browsers share the server's two
cores, so they run in a process of their own (``--uploader``) whose CPU group has the lowest weight (nice 19 for
its kernel autogroup): they get the cycles the server and the measuring browser leave, as other machines would.
``--same-group`` puts them at the measuring browser's priority instead (what the figure was before).

    python benchmarks/bench_upload_storm.py [--uploads 4] [--same-group] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from app_harness import CHROMIUM, CHROMIUM_ARGS, AppServer, cpu_seconds, load_average, rss_bytes  # noqa: E402

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


def upload_all(url: str, uploads: int, csv: str) -> None:
    """The students' side (``--uploader``): open the Distill page in ``uploads`` tabs, say "uploading" on stdout,
    drop the CSV on every tab and wait until each says the file was refused; then say "refused"."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        pages = [browser.new_page() for _ in range(uploads)]
        for page in pages:
            page.goto(f"{url}/distill?lang=en", timeout=300_000)
            page.locator(DROPZONE).wait_for(state="attached", timeout=300_000)
        print("uploading", flush=True)
        for page in pages:
            page.locator(DROPZONE).set_input_files(csv)
        for page in pages:
            page.get_by_text(REFUSED).first.wait_for(timeout=300_000)
        print("refused", flush=True)
        browser.close()


def lowest_weight() -> None:
    """This process and all it starts: a kernel autogroup of its own at nice 19 (the uploading laptops)."""
    os.setsid()
    with open("/proc/self/autogroup", "w") as group:
        group.write("19")
    os.nice(19)


def measure(uploads: int, same_group: bool) -> dict:
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
                students = subprocess.Popen(
                    [sys.executable, __file__, "--uploader", server.url, "--uploads", str(uploads), "--csv", str(csv)],
                    stdout=subprocess.PIPE, text=True, preexec_fn=None if same_group else lowest_weight)
                assert students.stdout.readline().strip() == "uploading", "the uploading tabs did not open"
                before, cpu_before = rss_bytes(server.pid), cpu_seconds(server.pid)
                with ServerRss(server.pid) as rss:
                    started = time.monotonic()
                    during = home_page_seconds(browser, server.url)
                    assert students.stdout.readline().strip() == "refused", "the uploads were not all refused"
                    refused = time.monotonic() - started
                    cpu = cpu_seconds(server.pid) - cpu_before
                students.wait(60)
                browser.close()
        finally:
            server.stop()
    return {"csv_mb": round(csv_size_mb(), 1), "uploads": uploads, "uploaders": "same group" if same_group else
            "lowest-weight group", "home_first_visit_s": round(first, 2), "home_alone_s": round(alone, 2),
            "home_during_uploads_s": round(during, 2), "all_refused_s": round(refused, 2),
            "server_cpu_during_s": round(cpu, 2), "server_rss_before_mb": before // 2**20,
            "server_rss_peak_mb": rss.peak // 2**20, "load_average": load_average()}


def csv_size_mb() -> float:
    return (len(b"a,label\n") + 4 * 4_800_000) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=4)
    parser.add_argument("--same-group", action="store_true", help="uploading browsers at the measuring one's weight")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--uploader", metavar="URL", help=argparse.SUPPRESS)  # the students' process (see above)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.uploader:
        upload_all(args.uploader, args.uploads, args.csv)
        return 0
    result = measure(args.uploads, args.same_group)
    print(json.dumps(result) if args.json else "\n".join(f"{k:24} {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
