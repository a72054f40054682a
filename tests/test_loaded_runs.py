"""The server's cache of re-opened runs is bounded by the memory they hold, least recently used out first, on real
runs trained through the app's job runner and re-opened from the store."""
from __future__ import annotations

import gc
import weakref

import pytest

from kdlab.runs.loading import LOAD_HEADROOM, LoadedRuns, load_run, run_bytes
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
    # room for two of these runs and the next load's headroom, not for three
    cache = LoadedRuns(budget_bytes=(2 + LOAD_HEADROOM) * one + one // 2)
    first = cache.get(ids[0], loader(ids[0]))
    cache.get(ids[1], loader(ids[1]))
    assert cache.get(ids[0], loader(ids[0])) is first  # kept, and now the most recently used
    cache.get(ids[2], loader(ids[2]))  # over the budget: ids[1], the least recently used, goes
    assert list(cache.entries) == [ids[0], ids[2]]
    assert cache.bytes + LOAD_HEADROOM * one <= cache.budget_bytes
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


def test_an_evicted_run_is_freed_at_once_even_when_a_reference_cycle_still_holds_it(ids):
    """As a page's namespace does: the page's functions hold its globals, which hold the run it showed."""
    store = RunStore()
    cache = LoadedRuns(budget_bytes=1)
    shown = cache.get(ids[0], lambda: load_run(store, ids[0]))
    freed = weakref.ref(shown.models["student"])
    namespace = {"run": shown}
    namespace["page_function"] = namespace  # the cycle
    del shown, namespace
    gc.disable()  # as in a server, where a page's namespace has long reached the generation collected least often
    try:
        cache.get(ids[1], lambda: load_run(store, ids[1]))  # evicts ids[0]
        assert freed() is None
    finally:
        gc.enable()
