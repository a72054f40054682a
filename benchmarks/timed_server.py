"""``streamlit run``, with every script execution timed where it runs: in the session's script thread.

The load test's figure is the server's own time per rerun, measured inside the real server rather than guessed from
a client. Each execution, of the whole page or of one fragment, is timed from the ScriptRunner's SCRIPT_STARTED
event to the event that ends it (as Streamlit's own run bookkeeping does), in wall seconds and in the script
thread's CPU seconds, and appended as one JSON line to LOG: the session's id, whether it ran fragments only, the
start (``time.time()``, comparable across processes), wall and CPU.

    python3 benchmarks/timed_server.py LOG.jsonl app.py --server.port 8501 --server.headless true
"""
from __future__ import annotations

import json
import sys
import threading
import time


def time_every_execution(log_path: str) -> None:
    """Connect a timer to every ScriptRunner the server creates (one per rerun request of a session)."""
    from streamlit.runtime.scriptrunner import ScriptRunnerEvent as E
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    ends = {E.SCRIPT_STOPPED_WITH_SUCCESS, E.SCRIPT_STOPPED_WITH_COMPILE_ERROR, E.SCRIPT_STOPPED_FOR_RERUN,
            E.FRAGMENT_STOPPED_WITH_SUCCESS}
    log, lock = open(log_path, "a", buffering=1, encoding="utf-8"), threading.Lock()
    created = ScriptRunner.__init__

    def __init__(self, *args, **kwargs):
        created(self, *args, **kwargs)
        began: dict = {}

        def observe(sender, event, **payload) -> None:
            if event == E.SCRIPT_STARTED:
                began.update(start=time.time(), wall=time.perf_counter(), cpu=time.thread_time(),
                             fragment=bool(payload.get("fragment_ids_this_run")))
            elif event in ends and began:
                line = json.dumps({"session": sender._session_id, "fragment": began["fragment"],
                                   "start": began["start"], "wall_s": time.perf_counter() - began["wall"],
                                   "cpu_s": time.thread_time() - began["cpu"], "end": event.name})
                began.clear()
                with lock:
                    log.write(line + "\n")

        self.on_event.connect(observe, weak=False)

    ScriptRunner.__init__ = __init__


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    time_every_execution(sys.argv[1])
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *sys.argv[2:]]
    sys.exit(cli.main())
