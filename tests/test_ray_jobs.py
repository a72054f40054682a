"""The app's job queue on a real Ray cluster (``KDLAB_RAY_ADDRESS``): a head started here with ``ray start --head``,
whose node has a KDLAB_HOME of its own (no run store, no teacher cache shared with the server). Teacher jobs, runs
and compressions train as Ray tasks; the server records them exactly as a local worker would, live, and trains
nothing itself."""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest
import torch

from kdlab.compress.config import CompressRequest
from kdlab.policy.settings import ServerSettings
from kdlab.runs.store import ACTIVE, RunStore
from kdlab.serve.jobs import JobRunner
from kdlab.teachers import teacher_path

from .conftest import app_jobs, finished_run, tiny_config
from .test_app_live import has_stop, loss_points, open_panel
from .test_server_never_trains import server_cannot_train  # noqa: F401  (a fixture)

pytestmark = pytest.mark.shared_home  # the local twin of a Ray run trains on the app's job runner

HEAD_START_S = 240  # a head's processes start in seconds, or minutes on two cores busy with other tests
HEAD_TRIES = 3
# Ray 2.60 turns on token authentication for a new cluster; a test cluster on this machine goes without it (the
# server and its worker processes would otherwise need the token in RAY_AUTH_TOKEN or ~/.ray/auth_token)
NO_TOKEN = {"RAY_AUTH_MODE": "disabled"}
CONFIG = tiny_config(teacher="mlp-large", seed=23)  # a teacher no other test trains: the node trains it


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_head(node_home, temp: str) -> tuple[subprocess.Popen, str]:
    """A head on a free port, its node's KDLAB_HOME ``node_home``; tried again when Ray gives up waiting for its own
    processes (a fixed 30 s in Ray 2.60, which a start can pass on two cores busy with other tests)."""
    log = os.path.join(temp, "head.log")
    for _ in range(HEAD_TRIES):
        port = free_port()
        with open(log, "w") as out:
            head = subprocess.Popen(["ray", "start", "--head", "--block", f"--port={port}", "--num-cpus=2",
                                     "--num-gpus=0", "--include-dashboard=false", "--disable-usage-stats",
                                     f"--temp-dir={temp}"],
                                    env={**os.environ, "KDLAB_HOME": str(node_home), **NO_TOKEN},
                                    stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + HEAD_START_S
        while head.poll() is None and "Ray runtime started" not in open(log).read():
            assert time.monotonic() < deadline, open(log).read()[-2000:]
            time.sleep(0.5)
        if head.poll() is None:
            return head, f"127.0.0.1:{port}"
    pytest.fail(f"ray start --head failed {HEAD_TRIES} times: {open(log).read()[-2000:]}")


@pytest.fixture(scope="module")
def ray_head(tmp_path_factory):
    """``ray start --head --block`` with 2 CPUs, its node's KDLAB_HOME a folder of its own; ended (with every process
    it started) by ending that one process."""
    pytest.importorskip("ray")
    node_home = tmp_path_factory.mktemp("ray-node-home")
    temp = tempfile.mkdtemp(prefix="kdray-")  # short: Ray's socket paths must fit in 107 characters
    before = {name: os.environ.get(name) for name in NO_TOKEN}
    os.environ.update(NO_TOKEN)  # the server and the worker processes it starts join without a token too
    try:
        head, address = start_head(node_home, temp)
        try:
            yield address, node_home
        finally:
            head.terminate()
            head.wait(60)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
        for name, value in before.items():
            os.environ.pop(name) if value is None else os.environ.__setitem__(name, value)


@pytest.fixture(scope="module")
def on_ray(ray_head):
    """A job runner whose runs, teachers and compressions go to the head (a task: 1 CPU, 1 torch thread, as a lone
    local run has on two cores)."""
    jobs = JobRunner(RunStore(), ServerSettings(ray_address=ray_head[0], ray_cpus_per_run=1))
    yield jobs
    jobs.close()
    import ray

    assert not ray.is_initialized()  # the runner left the cluster it joined


def wait_for(condition, what: str, deadline_s: float = 300) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {deadline_s} s"
        time.sleep(0.1)


def ended(jobs: JobRunner, run_id: str) -> str:
    wait_for(lambda: jobs.store.get(run_id).status not in ACTIVE, f"the end of run {run_id}")
    return jobs.store.get(run_id).status


def untimed(value):
    """A summary or an event without its times (durations, speeds, latencies), which differ from one run to the
    next."""
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items() if "second" not in k and "latency" not in k}
    return [untimed(v) for v in value] if isinstance(value, list) else value


def test_ray_address_and_task_sizes_are_server_settings_checked_like_the_others(monkeypatch):
    for address in ("", "auto", "10.0.0.5:6379", "ray://head.example.org:10001", "[::1]:6379"):
        assert ServerSettings.parse({"ray_address": address}).ray_address == address
    for bad in ("local", "head", "http://head:6379", "ray://head", 6379):
        with pytest.raises(ValueError, match="ray_address .*ray start --head"):
            ServerSettings.parse({"ray_address": bad})
    assert ServerSettings.parse({"ray_gpus_per_run": "0.25", "ray_cpus_per_run": "4"}).ray_gpus_per_run == 0.25
    for bad in ("-1", "nan", "inf", "65", True):
        with pytest.raises(ValueError, match="ray_gpus_per_run"):
            ServerSettings.parse({"ray_gpus_per_run": bad})
    with pytest.raises(ValueError, match="ray_cpus_per_run"):
        ServerSettings.parse({"ray_cpus_per_run": 0})
    monkeypatch.setenv("KDLAB_RAY_ADDRESS", "local")
    with pytest.raises(ValueError, match="from KDLAB_RAY_ADDRESS"):
        ServerSettings.load("/nonexistent/kdlab.toml")
    cluster = ServerSettings(devices=("auto", "cpu", "cuda"), ray_address="auto", ray_gpus_per_run=1)
    assert "cuda" in cluster.device_choices(cuda_available=False)  # the nodes' GPUs, not this machine's
    assert "cuda" not in ServerSettings(devices=("cpu", "cuda"), ray_address="auto").device_choices(False)


def test_a_server_imports_ray_only_when_its_first_job_goes_to_the_cluster():
    """Ray's import and its threads cost a server that never uses it; the training itself never runs in the server
    (``server_cannot_train`` below)."""
    code = "import sys, kdlab.serve.jobs, kdlab.serve.ray_jobs; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"]


def test_an_unreachable_cluster_fails_the_run_in_one_sentence():
    jobs = JobRunner(RunStore(), ServerSettings(ray_address=f"127.0.0.1:{free_port()}"))
    try:
        run_id = jobs.submit(CONFIG, "default", secrets.token_hex(16))
        assert ended(jobs, run_id) == "failed"
        assert "the Ray cluster at 127.0.0.1:" in jobs.store.get(run_id).error
        assert "KDLAB_RAY_ADDRESS" in jobs.store.get(run_id).error
    finally:
        jobs.close()


@pytest.mark.slow  # a Ray head, a teacher, runs and a compression on it (minutes on two busy cores)
def test_teachers_runs_and_compressions_train_on_ray_and_are_recorded_as_local_ones(on_ray, ray_head,
                                                                                    server_cannot_train):
    node_home, owner = ray_head[1], secrets.token_hex(16)
    assert not teacher_path(CONFIG).exists()
    teacher = on_ray.teacher(CONFIG)
    wait_for(lambda: teacher.status not in ("queued", "running"), "the teacher job on Ray")
    assert teacher.status == "ready", teacher.error
    assert teacher_path(CONFIG).exists()  # sent back into this server's cache, as a local worker leaves it
    assert (node_home / "teachers" / teacher_path(CONFIG).name).exists()  # trained there, in the node's own home

    on_ray_id = on_ray.submit(CONFIG, "default", owner)
    assert ended(on_ray, on_ray_id) == "finished", on_ray.store.get(on_ray_id).error
    local_id = finished_run(CONFIG)  # the same config on the app's local worker processes
    store = on_ray.store
    ray_run, local_run = store.get(on_ray_id), store.get(local_id)
    assert untimed(ray_run.summary) == untimed(local_run.summary)
    assert ray_run.summary["student_acc"] > 0.5
    epochs = [[untimed(e) for e in store.events(i) if e["kind"] == "epoch"] for i in (on_ray_id, local_id)]
    assert epochs[0] == epochs[1] and epochs[0]
    ray_weights, local_weights = store.weights(on_ray_id), store.weights(local_id)
    assert set(ray_weights) == {"student", "baseline"} == set(local_weights)
    assert all(torch.equal(ray_weights[role][k], local_weights[role][k]) for role in ray_weights
               for k in ray_weights[role])

    job = on_ray.compress(on_ray_id, CompressRequest(prune=0.5, repeats=3, roles=("student",)), owner)
    wait_for(lambda: job.status not in ("queued", "running"), "the compression on Ray")
    assert job.status == "ready", job.error
    assert sorted(v["name"] for v in store.variants(on_ray_id)) == ["student", "student/prune-50", "teacher"]


@pytest.mark.slow  # a Ray head and a long run on it
def test_a_run_on_ray_shows_its_events_while_it_trains_and_stops(on_ray):
    owner = secrets.token_hex(16)
    run_id = on_ray.submit(tiny_config(teacher="mlp-large", seed=23, epochs=200, batch_size=16), "default", owner)
    store = on_ray.store
    wait_for(lambda: store.get(run_id).status != "queued" and store.events(run_id), "the first events from Ray")
    first = len(store.events(run_id))
    wait_for(lambda: len(store.events(run_id)) > first, "more events while the run trains")
    assert store.get(run_id).status == "running"  # they came while it trained, not at its end
    assert 0 < on_ray.progress(run_id) < 1
    on_ray.stop(run_id, owner)
    assert ended(on_ray, run_id) == "cancelled"
    assert len(store.events(run_id)) > first  # the events so far are kept, as a local stop keeps them


@pytest.fixture
def app_on_ray(ray_head, monkeypatch):
    """The app's own job runner (``ui.common.runner``) made again with ``KDLAB_RAY_ADDRESS`` set, as a server started
    with it would make it; afterwards closed, and the next test gets a local one again."""
    from ui.common import _runner

    monkeypatch.setenv("KDLAB_RAY_ADDRESS", ray_head[0])
    _runner.clear()
    yield
    app_jobs().close()
    _runner.clear()


@pytest.mark.slow  # a Ray head and a long run on it, watched through the app
def test_the_live_panel_draws_a_ray_runs_curves_as_they_grow_and_its_stop_stops_it(app_on_ray):
    owner = secrets.token_hex(16)
    jobs = app_jobs()
    assert jobs.settings.ray_address
    run_id = jobs.submit(tiny_config(teacher="mlp-large", seed=23, epochs=200, batch_size=16), "default", owner)
    at = open_panel(run_id, owner)
    wait_for(lambda: at.run() and loss_points(at) > 0, "the first points of the loss on the page")
    drawn = loss_points(at)
    wait_for(lambda: at.run() and loss_points(at) > drawn, "the loss curve growing on the page")
    assert has_stop(at, run_id)
    at.button(key=f"live_stop_{run_id}").click().run()
    assert ended(jobs, run_id) == "cancelled"
    at.run()
    assert not at.exception and not has_stop(at, run_id)
