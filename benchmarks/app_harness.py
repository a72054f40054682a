"""Shared pieces of the browser benchmarks: start `streamlit run app.py` on a loopback port with its own KDLAB_HOME,
watch its memory and CPU time, launch Debian's Chromium for Playwright, and always stop what was started.

Only loopback traffic: the server listens on 127.0.0.1 and the browser opens only 127.0.0.1 URLs.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PROBLEMS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def descendants(pid: int, kids: dict[int, list[int]] | None = None) -> list[int]:
    """pid and every process below it."""
    kids, out, todo = kids if kids is not None else _children_map(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (its threads included)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


class Monitor:
    """Polls, in a daemon thread, the server's RSS (with its children) and the CPU seconds of the server tree and
    of every Chromium process below this benchmark's own process (the browsers share the cores with the server).

    Each sample scans /proc once (a few ms of Python): ``pause()`` it while this process itself trains, so that it
    does not compete for the GIL with the run being timed."""

    def __init__(self, server_pid: int, interval: float = 0.5):
        self.server_pid, self.interval = server_pid, interval
        self.peak_rss = 0
        self.server_cpu: dict[int, float] = {}
        self.browser_cpu: dict[int, float] = {}
        self.tasks: dict[tuple[int, int], tuple[float, float]] = {}  # (pid, tid) -> (on-CPU s, run-queue wait s)
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._running.set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="monitor", daemon=True)

    def start(self) -> "Monitor":
        self._thread.start()
        return self

    def sample(self) -> None:
        with self._lock:
            kids = _children_map()
            tree = descendants(self.server_pid, kids)
            self.peak_rss = max(self.peak_rss, sum(rss_bytes(p) for p in tree))
            for p in tree:
                self.server_cpu[p] = max(self.server_cpu.get(p, 0.0), cpu_seconds(p))
            self._sample_tasks(tree)
            for p in descendants(os.getpid(), kids):
                if p not in tree and "chrom" in process_name(p):
                    self.browser_cpu[p] = max(self.browser_cpu.get(p, 0.0), cpu_seconds(p))

    def _sample_tasks(self, tree) -> None:
        """Per-thread scheduler statistics of the server and its training processes
        (/proc/PID/task/TID/schedstat: ns on a CPU, ns waiting in a run queue). Waiting in a run queue = no free
        core; neither running nor queued = sleeping, e.g. waiting for the GIL or for work."""
        for pid in tree:
            try:
                tids = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tids:
                try:
                    on_cpu, queued, _ = Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()
                except (OSError, ValueError):
                    continue
                self.tasks[(pid, int(tid))] = (int(on_cpu) / 1e9, int(queued) / 1e9)

    def server_sched(self) -> tuple[float, float]:
        """(seconds on a CPU, seconds runnable but waiting for a core), summed over the threads seen in the server
        and its training processes."""
        with self._lock:
            return sum(e[0] for e in self.tasks.values()), sum(e[1] for e in self.tasks.values())

    def mark(self) -> tuple[float, dict]:
        """Now, and every thread's counters now: what ``busiest_thread_since`` measures from."""
        self.sample()
        with self._lock:
            return time.monotonic(), dict(self.tasks)

    def busiest_thread_since(self, mark: tuple[float, dict]) -> dict | None:
        """The thread of the server's tree that used the most CPU since ``mark`` (a run's training thread): how
        the time since then split into on-CPU, waiting for a core, and asleep (GIL, locks, I/O, idle)."""
        self.sample()
        started, before = mark
        with self._lock:
            deltas = {key: (on - before.get(key, (0.0, 0.0))[0], queued - before.get(key, (0.0, 0.0))[1])
                      for key, (on, queued) in self.tasks.items()}
        if not deltas:
            return None
        (pid, tid), (on_cpu, queued) = max(deltas.items(), key=lambda item: item[1][0])
        life = max(time.monotonic() - started, 1e-9)
        return {"pid": pid, "tid": tid, "life_s": life, "on_cpu_s": on_cpu, "runqueue_s": queued,
                "sleep_s": max(0.0, life - on_cpu - queued)}

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self._running.is_set():
                self.sample()
            self._stop.wait(self.interval)

    def snapshot(self) -> tuple[float, float]:
        """(server CPU seconds, browser CPU seconds) so far."""
        self.sample()
        return sum(self.server_cpu.values()), sum(self.browser_cpu.values())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class HealthProbe:
    """GETs /_stcore/health once a second from a daemon thread: how long the server's event loop takes to answer
    while the sessions load it (no browser in the path, so this is the server's own responsiveness)."""

    def __init__(self, url: str, interval: float = 1.0, timeout: float = 10.0):
        self.url, self.interval, self.timeout = f"{url}/_stcore/health", interval, timeout
        self.latencies: list[float] = []
        self.times: list[float] = []  # time.monotonic() each probe started
        self.failures = 0
        self.failure_times: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="health-probe", daemon=True)

    def start(self) -> "HealthProbe":
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                urllib.request.urlopen(self.url, timeout=self.timeout).read()
                self.latencies.append(time.monotonic() - started)
                self.times.append(started)
            except OSError:
                self.failures += 1
                self.failure_times.append(started)
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.timeout + 2)

    def stalls(self, longer_than: float = 1.0, since: float = 0.0) -> list[tuple[float, float]]:
        """(seconds after ``since``, latency) of every probe slower than ``longer_than``."""
        return [(t - since, d) for t, d in zip(self.times, self.latencies) if d > longer_than]


class AppServer:
    """`python3 -m streamlit run app.py` on a free loopback port, in its own process group; ``stop()`` always ends it
    (SIGTERM to the group, SIGKILL after 15 s)."""

    def __init__(self, home: Path, extra_env: dict[str, str] | None = None, log_path: Path | None = None):
        self.home, self.port = Path(home), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or self.home / "streamlit.log"
        self.env = {**os.environ, "KDLAB_HOME": str(self.home), **(extra_env or {})}
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
                "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]

    def start(self, timeout: float = 90) -> float:
        """Start and wait for /_stcore/health; returns the seconds it took."""
        started = time.monotonic()
        self._log = open(self.log_path, "wb")
        # its own session and process group: stop() reaches any child, and with the kernel's autogroup scheduling
        # (on here) the server is its own CPU group, so the browsers on the same cores cannot take more than half
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}: {self.log_tail()}")
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    return time.monotonic() - started
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit was not healthy within {timeout:.0f} s: {self.log_tail()}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, chars: int = 2000) -> str:
        return self.log_text()[-chars:]

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)  # the group this server leads (start_new_session)
                process.wait(timeout=15)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self._log.close()


def tracebacks(log: str, limit: int = 3, chars: int = 1500) -> list[str]:
    """The first ``limit`` distinct Python tracebacks in a server log (with the line after, which names the error)."""
    found: list[str] = []
    lines = log.splitlines()
    i = 0
    while i < len(lines) and len(found) < limit:
        if lines[i].startswith("Traceback"):
            j = i + 1
            while j < len(lines) and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
                j += 1
            block = "\n".join(lines[max(0, i - 1):j + 1])[-chars:]
            if block not in found:
                found.append(block)
            i = j
        i += 1
    return found


def kill_browsers(pids) -> None:
    """Last resort for a watchdog: SIGKILL Chromium processes this benchmark started (by pid)."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def watchdog(seconds: float, server: AppServer, monitor: Monitor | None = None) -> threading.Timer:
    """After ``seconds``, kill the server and the browsers and exit with status 3 — whatever the event loop does."""

    def fire() -> None:
        print(f"watchdog: still running after {seconds:.0f} s, killing the server and the browsers", file=sys.stderr)
        try:
            server.stop()
        finally:
            kill_browsers([p for p in descendants(os.getpid()) if "chrom" in process_name(p)])
            os._exit(3)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    return timer


def install_signal_handlers(server: AppServer) -> None:
    """Ctrl-C or SIGTERM stops the server before the benchmark exits."""

    def handler(signum, _frame) -> None:
        server.stop()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def tear_down(server: AppServer, dog: threading.Timer, home: Path, keep_home: bool, *watchers) -> None:
    """Stop the watchers, the server and the watchdog, then remove the temporary KDLAB_HOME unless it is kept."""
    for watcher in watchers:
        if watcher:
            watcher.stop()
    server.stop()
    dog.cancel()
    if keep_home:
        print(f"KDLAB_HOME kept at {home}", file=sys.stderr)
    else:
        shutil.rmtree(home, ignore_errors=True)
