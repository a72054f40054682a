"""Background runs: a queue in front of a fixed number of training threads, recording into the run store.

The app never trains in its script thread: it submits a config, gets a run id, and polls. Each run's thread
writes its events to the store at the trainer's callback cadence (batched per epoch), so any page — in any
browser, after any refresh — can redraw the curves from the store alone. Finished results (with the trained
models) also stay in memory for a while, so pages that need the models don't rebuild them.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import asdict

from .config import RunConfig
from .settings import ServerSettings
from .store import RunStore
from .train import RunCancelled, RunResult, TrainEvent, TrainingDiverged, run_distillation

KEEP_RESULTS = 16  # finished results kept in memory with their models


class StoreRecorder:
    """A trainer listener that batches events and writes each batch in one transaction at every epoch end."""

    def __init__(self, store: RunStore, run_id: str, progress: dict):
        self.store, self.run_id, self.progress, self.pending = store, run_id, progress, []

    def on_step(self, event: TrainEvent) -> None:
        self.pending.append(asdict(event))
        self.progress[self.run_id] = event.progress

    def on_epoch_end(self, event: TrainEvent) -> None:
        self.on_step(event)
        self.flush()

    def flush(self) -> None:
        self.store.append_events(self.run_id, self.pending)
        self.pending = []


def run_recorded(store: RunStore, run_id: str, config: RunConfig, listeners=(), stop: threading.Event | None = None,
                 progress: dict | None = None) -> RunResult:
    """Run one distillation into an existing store record, the one way the app and the CLI both do it.

    Marks the run ``running``, streams its events through a ``StoreRecorder`` and, at the end, stores the summary
    and the student/baseline weights (``RunStore.finish``). On any error — a stop, Ctrl-C, a bad value, a diverged
    loss, a bug — the events so far are kept, the run becomes ``cancelled`` or ``failed`` with the reason, and the
    error is re-raised for the caller to report.
    """
    store.set_status(run_id, "running")
    recorder = StoreRecorder(store, run_id, {} if progress is None else progress)
    try:
        result = run_distillation(config, listeners=[recorder, *listeners], stop=stop)
    except BaseException as err:
        recorder.flush()
        cancelled = isinstance(err, (RunCancelled, KeyboardInterrupt))
        if isinstance(err, KeyboardInterrupt):
            reason = "interrupted with Ctrl-C"
        elif isinstance(err, (RunCancelled, ValueError, TrainingDiverged)):
            reason = str(err)
        else:  # a bug must still end the run visibly, not leave it 'running'
            reason = f"{type(err).__name__}: {err}"
        store.set_status(run_id, "cancelled" if cancelled else "failed", reason)
        raise
    recorder.flush()
    weights = {role: model.state_dict() for role, model in result.models.items() if role != "teacher"}
    store.finish(run_id, result.summary(), weights)
    return result


class JobRunner:
    """Thread-safe; one per server process (the app holds it with ``st.cache_resource``)."""

    def __init__(self, store: RunStore, settings: ServerSettings = ServerSettings()):
        self.store, self.settings = store, settings
        self.slots = threading.Semaphore(settings.max_concurrent_runs)
        self.lock = threading.Lock()
        self.waiting: list[str] = []
        self.stops: dict[str, threading.Event] = {}
        self.progress: dict[str, float] = {}
        self.results: OrderedDict[str, RunResult] = OrderedDict()
        store.mark_interrupted()

    def submit(self, config: RunConfig, workspace: str) -> str:
        """Validate, record as 'queued' and start; raises ValueError for a config this server refuses."""
        config.validate()
        self.settings.check(config)
        config = self.settings.cap_transfer(config)
        run_id = self.store.create(config.to_dict(), workspace, source="app")
        with self.lock:
            self.waiting.append(run_id)
            self.stops[run_id] = threading.Event()
        threading.Thread(target=self._run, args=(run_id, config), name=f"kdlab-run-{run_id}", daemon=True).start()
        return run_id

    def queue_position(self, run_id: str) -> int | None:
        """1 for the next run to start; None once it runs (or if unknown)."""
        with self.lock:
            return self.waiting.index(run_id) + 1 if run_id in self.waiting else None

    def stop(self, run_id: str) -> None:
        with self.lock:
            flag = self.stops.get(run_id)
        if flag is not None:
            flag.set()

    def result(self, run_id: str) -> RunResult | None:
        with self.lock:
            return self.results.get(run_id)

    def _run(self, run_id: str, config: RunConfig) -> None:
        stop = self.stops[run_id]
        with self.slots:
            with self.lock:
                self.waiting.remove(run_id)
            try:
                if stop.is_set():
                    self.store.set_status(run_id, "cancelled", "stopped before it started")
                    return
                result = run_recorded(self.store, run_id, config, stop=stop, progress=self.progress)
            except Exception:  # noqa: BLE001  (run_recorded has recorded why the run ended in the store)
                pass
            else:
                with self.lock:
                    self.results[run_id] = result
                    while len(self.results) > KEEP_RESULTS:
                        self.results.popitem(last=False)
            finally:
                with self.lock:
                    self.stops.pop(run_id, None)
