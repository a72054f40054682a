"""The server's cache of re-opened runs is bounded by the memory they hold, least recently used out first, on real
runs trained through the app's job runner and re-opened from the store."""
from __future__ import annotations

import pytest

from kdlab.runs.loading import LoadedRuns, load_run, run_bytes
from kdlab.runs.store import RunStore

from .conftest import finished_runs, tiny_config

pytestmark = pytest.mark.shared_home  # runs recorded by the app's job runner: the session's home (tests/conftest.py)


@pytest.fixture(scope="module")
def ids() -> list[str]:
    return finished_runs([tiny_config(seed=seed, teacher="cnn-small", teacher_epochs=1, epochs=1) for seed in range(3)])


def test_opening_runs_past_the_budget_evicts_the_least_recently_used(ids):
    store = RunStore()
    loads = []

    def loader(run_id):
        def load():
            loads.append(run_id)
            return load_run(store, run_id)
        return load

    one = run_bytes(load_run(store, ids[0]))
    cache = LoadedRuns(budget_bytes=2 * one + one // 2)  # room for two of these runs, not three
    first = cache.get(ids[0], loader(ids[0]))
    cache.get(ids[1], loader(ids[1]))
    assert cache.get(ids[0], loader(ids[0])) is first  # kept, and now the most recently used
    cache.get(ids[2], loader(ids[2]))  # over the budget: ids[1], the least recently used, goes
    assert list(cache.entries) == [ids[0], ids[2]] and cache.bytes <= cache.budget_bytes
    cache.get(ids[1], loader(ids[1]))
    assert loads == [ids[0], ids[1], ids[2], ids[1]]  # read again from the store once evicted
    assert list(cache.entries) == [ids[2], ids[1]]


def test_a_run_larger_than_the_whole_budget_is_kept_alone_while_it_is_shown(ids):
    run_id, other = ids[:2]
    store = RunStore()
    cache = LoadedRuns(budget_bytes=1)
    cache.get(other, lambda: load_run(store, other))
    run = cache.get(run_id, lambda: load_run(store, run_id))
    assert list(cache.entries) == [run_id] and cache.bytes == run_bytes(run) > cache.budget_bytes


def test_a_runs_size_counts_every_model_and_the_data(ids):
    run = load_run(RunStore(), ids[0])
    weights = sum(p.numel() * 4 for model in run.models.values() for p in model.parameters())
    data = run.splits.x_train.numel() * 4 + run.splits.x_test.numel() * 4
    assert run_bytes(run) >= weights + data
