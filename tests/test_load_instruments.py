"""The classroom load test's instruments, against a real server: ``benchmarks/streamlit_client.py`` speaks
Streamlit's websocket protocol as the frontend does (a page by its URL path, a widget by its key, the live view's
``run_every`` fragments on their timers, the URL the page sets), and ``benchmarks/timed_server.py`` logs every
script execution with its session. A Streamlit upgrade that changes the protocol fails here, instead of the load
test quietly timing something else."""
from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from load_test import VERDICT  # noqa: E402
from load_test_server import TimedServer  # noqa: E402
from streamlit_client import StreamlitTab  # noqa: E402

pytestmark = pytest.mark.slow
# a teacher that trains in about a second, from the link (the Distill page reads a config from its URL)
QUERY = "lang=en&ws=client-test&teacher=mlp-large&teacher_epochs=2&student=mlp-small"


async def student(url: str):
    """Open Distill, set 2 epochs, Run, follow the live view until the page shows the verdict."""
    async with StreamlitTab(url, QUERY) as tab:
        opened = await tab.open("distill")
        headings = tab.texts("heading")
        await tab.set("distill_epochs", 2)
        await tab.click("distill_run")
        timers = dict(tab.timers)
        polls = await tab.follow_fragments(time.monotonic() + 240)
        return tab, opened, headings, timers, polls


def test_a_protocol_client_distills_through_the_live_view_and_the_server_times_each_execution(tmp_path):
    from kdlab.runs.store import RunStore

    home, log = tmp_path / "home", tmp_path / "reruns.jsonl"
    home.mkdir()
    server = TimedServer(home, log, extra_env={"KDLAB_WARM_TEACHERS": "none"})
    server.start(timeout=90)
    try:
        tab, opened, headings, timers, polls = asyncio.run(student(server.url))
    finally:
        server.stop()
    assert opened.full_runs == 1 and "Distill a student" in headings
    assert timers, "after Run the page declared no run_every fragment"
    assert any(p.fragment_runs and not p.full_runs for p in polls[:-1])  # polls rerun the fragment alone...
    assert polls[-1].full_runs and not tab.timers  # ...until one reruns the page, which polls no more
    assert any(VERDICT.search(text) for text in tab.texts("markdown", "alert")), "no verdict on the page"
    assert "epochs=2" in tab.query_string  # the client follows the URL the page sets, as a browser does
    [run] = RunStore(home / "runs.sqlite").list("client-test")
    assert run.status == "finished" and run.config["epochs"] == 2 and run.config["teacher"] == "mlp-large"
    executions = [json.loads(line) for line in log.read_text().splitlines()]
    assert {e["session"] for e in executions} == {tab.session_id}
    assert sum(e["fragment"] for e in executions) >= sum(1 for p in polls if p.fragment_runs and not p.full_runs)
    assert sum(not e["fragment"] for e in executions) >= 4  # open, set, click (and its rerun), the verdict
    assert all(0 <= e["cpu_s"] <= e["wall_s"] + 0.05 for e in executions)
