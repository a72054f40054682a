"""Every kind of worker job crosses the worker socket by the one dispatch table (kdlab.serve.job_kinds.KINDS)."""
from __future__ import annotations

import socket
from dataclasses import fields
from multiprocessing.connection import Connection

import pytest

from kdlab.serve.job_kinds import KINDS, decode, encode

EXAMPLES = {  # one value per field, by its type; a new kind needs no new test code
    "config": {"dataset": "moons", "epochs": 2}, "cache_budget_bytes": 1 << 20, "request": {"int8": True},
    "run_id": "abc123", "name": "student", "what": "onnx", "path": "/tmp/x.onnx", "sweep_id": "s1",
    "ray": "ray://head:10001",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_job_kind_round_trips_through_the_worker_socket(kind):
    job = KINDS[kind](**{f.name: EXAMPLES[f.name] for f in fields(KINDS[kind])})
    ours, theirs = socket.socketpair()
    server, worker = Connection(ours.detach()), Connection(theirs.detach())
    try:
        server.send(("job", "job-1", *encode(job), 2, 60))
        message, job_id, name, sent, threads, seconds = worker.recv()
    finally:
        server.close()
        worker.close()
    assert (message, job_id, name, threads, seconds) == ("job", "job-1", kind, 2, 60)
    assert decode(name, sent) == job and type(decode(name, sent)) is KINDS[kind]
    assert callable(job.do) and isinstance(job.timed, bool)


def test_an_unknown_kind_is_refused():
    with pytest.raises(KeyError):
        decode("mine-bitcoin", {})
