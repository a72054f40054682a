"""Record one run into the run store: the one way the CLI and the app's training processes both run it.

Events are batched and written in one SQLite transaction at the first event ``FLUSH_SECONDS`` after the last write
(and at every phase end), so any page — in any browser, after any refresh — can redraw the curves from the store
alone. The trainer sends an event at least every half second (``kdlab.fit.STEP_EVENT_SECONDS``) and at every epoch
end, so while a run trains the store gains its new points at least every half second, and an epoch's accuracy
point is written at once unless a write happened less than ``FLUSH_SECONDS`` ago: the live page, which polls twice
a second, finds something new at every poll, and a crash loses at most the last half second. Writing at every epoch
end regardless cost 15% of a run of short epochs (150 epochs of digits: 300 transactions in 3 s); this writes at
most five times a second.
"""
from __future__ import annotations

import time
from dataclasses import asdict

from ..config import RunConfig
from ..evaluate import RunResult
from ..fit import RunCancelled, RunInterrupted, RunTimedOut, StopFlag, TrainEvent, TrainingDiverged
from ..teacher_outputs import DEFAULT_BUDGET_BYTES
from ..train import run_distillation
from .store import RunStore

FLUSH_SECONDS = 0.2  # under the live page's poll interval (ui.live.LIVE_SECONDS, 0.5 s), so every poll sees new points


class StoreRecorder:
    """A trainer listener that batches events and writes a batch in one transaction at the first event (a step or
    an epoch end) ``FLUSH_SECONDS`` after the last write, at every phase end, and when asked (``flush``)."""

    def __init__(self, store: RunStore, run_id: str):
        self.store, self.run_id, self.pending, self.flushed = store, run_id, [], time.monotonic()

    def on_step(self, event: TrainEvent) -> None:
        self.pending.append(asdict(event))
        if time.monotonic() - self.flushed >= FLUSH_SECONDS:
            self.flush()

    def on_epoch_end(self, event: TrainEvent) -> None:
        self.on_step(event)

    def on_phase_end(self, phase: str, result) -> None:
        self.flush()

    def flush(self) -> None:
        self.store.append_events(self.run_id, self.pending)
        self.pending, self.flushed = [], time.monotonic()


def run_recorded(store: RunStore, run_id: str, config: RunConfig, listeners=(), stop: StopFlag | None = None,
                 cache_budget_bytes: int = DEFAULT_BUDGET_BYTES) -> RunResult:
    """Run one distillation into an existing store record.

    Marks the run ``running``, streams its events through a ``StoreRecorder`` and, at the end, stores the summary
    and the student/baseline weights (``RunStore.finish``). On any error the events so far are kept and the run
    ends with the reason: ``cancelled`` (a stop, Ctrl-C), ``interrupted`` (the server that watched it is gone) or
    ``failed`` (a bad value, a diverged loss, the server's time limit, a bug); the error is re-raised for the
    caller to report.
    """
    store.set_status(run_id, "running")
    recorder = StoreRecorder(store, run_id)
    try:
        result = run_distillation(config, listeners=[recorder, *listeners], stop=stop,
                                  cache_budget_bytes=cache_budget_bytes)
    except BaseException as err:
        recorder.flush()
        if isinstance(err, RunInterrupted):
            status = "interrupted"
        else:
            status = "cancelled" if isinstance(err, (RunCancelled, KeyboardInterrupt)) else "failed"
        if isinstance(err, KeyboardInterrupt):
            reason = "interrupted with Ctrl-C"
        elif isinstance(err, (RunCancelled, RunTimedOut, ValueError, TrainingDiverged)):
            reason = str(err)
        else:  # a bug must still end the run visibly, not leave it 'running'
            reason = f"{type(err).__name__}: {err}"
        store.set_status(run_id, status, reason)
        raise
    recorder.flush()
    weights = {role: model.state_dict() for role, model in result.models.items() if role != "teacher"}
    store.finish(run_id, result.summary(), weights)
    return result
