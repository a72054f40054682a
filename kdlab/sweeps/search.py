"""A search: Optuna (TPE by default, seeded) proposes the next trial's values from the results so far.

A search trial is one point of the ranges, run once per seed; Optuna is told the mean objective over its seeds.
Resuming replays the finished trials into a fresh study (``study.add_trial``), so the sampler continues from
everything already known, and re-runs the missing seeds of a trial cut short. Optuna is imported only here.

With ``prune`` (``kdlab tune --prune``), a ``PruneMonitor`` reads each running trial's epoch curve from the run
store as it trains, reports it to its Optuna trial (``MedianPruner``: a trial below the median of the earlier
trials at the same epoch of the same seed is stopped) and stops the runs of a pruned trial; its other seeds are not
started. This needs trials that record their curves while they train — this process, local processes, the app's
job queue — and not Ray tasks, which send their events back only when they end.
"""
from __future__ import annotations

import json
import threading

from ..config import RunConfig
from ..policy.settings import ServerSettings
from .spec import SweepSpec, objective_value, trial_config, trial_key

PRUNED = "pruned by Optuna"  # how a pruned run's error starts (resume reads it back)
STEPS_PER_SEED = 100_000  # a curve's step: the seed's position x this + the epoch, the same in every trial
POLL_SECONDS = 0.5


def import_optuna():
    try:
        import optuna
    except ImportError:
        raise ValueError("kdlab tune needs the optuna package: python3 -m pip install optuna==5.0.0") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def distributions(spec: SweepSpec) -> dict:
    optuna = import_optuna()
    found = {}
    for name, search in spec.ranges.items():
        if search.choices is not None:
            found[name] = optuna.distributions.CategoricalDistribution(search.choices)
        elif search.integer:
            found[name] = optuna.distributions.IntDistribution(int(search.low), int(search.high), log=search.log)
        else:
            found[name] = optuna.distributions.FloatDistribution(float(search.low), float(search.high), log=search.log)
    return found


class SearchSource:
    """Hands the driver one (trial, seed) at a time; asks Optuna for a new trial when the last one's seeds are all
    handed out, and tells it a trial's value once all its seeds have ended."""

    def __init__(self, spec: SweepSpec, finished: dict[str, dict], settings: ServerSettings,
                 pruned: set[str] = frozenset()):
        optuna = import_optuna()
        self.optuna, self.spec, self.settings = optuna, spec, settings
        self.dists = distributions(spec)
        pruner = optuna.pruners.MedianPruner(n_startup_trials=2) if spec.prune else optuna.pruners.NopPruner()
        self.study = optuna.create_study(direction="maximize", pruner=pruner,
                                         sampler=optuna.samplers.TPESampler(seed=spec.sampler_seed))
        by_trial: dict[int, dict] = {}
        for key, summary in [*finished.items(), *((key, None) for key in pruned)]:
            parsed = json.loads(key)
            trial = by_trial.setdefault(parsed["trial"], {"values": parsed["values"], "results": {}, "pruned": False})
            trial["results"][parsed["seed"]] = summary
            trial["pruned"] |= summary is None
        self.pending: list[tuple[str, RunConfig]] = []
        self.open: dict[int, dict] = {}  # trial number -> values, Optuna trial (None if replayed), seed results
        for number in sorted(by_trial):
            trial = by_trial[number]
            missing = [s for s in spec.seeds if s not in trial["results"]]
            self.open[number] = {"values": trial["values"], "trial": None, "results": trial["results"],
                                 "out": set(), "pruned": trial["pruned"]}
            if missing and not trial["pruned"]:
                self.pending += [self._job(number, trial["values"], seed) for seed in missing]
            else:
                self._tell(number)
        self.next_number = max(by_trial, default=-1) + 1

    def _job(self, number: int, values: dict, seed: int) -> tuple[str, RunConfig]:
        return trial_key(values, seed, number), trial_config(self.spec.base, values, seed, self.settings)

    def next(self) -> tuple[str, RunConfig] | None:
        if not self.pending and self.next_number < self.spec.trials:
            trial = self.study.ask(self.dists)
            values = dict(trial.params)
            self.open[self.next_number] = {"values": values, "trial": trial, "results": {}, "out": set(),
                                           "pruned": False}
            self.pending = [self._job(self.next_number, values, seed) for seed in self.spec.seeds]
            self.next_number += 1
        if not self.pending:
            return None
        key, config = self.pending.pop(0)
        parsed = json.loads(key)
        self.open[parsed["trial"]]["out"].add(parsed["seed"])
        return key, config

    def done(self, key: str, summary: dict | None, pruned: bool = False) -> None:
        """A run ended; once every seed of its trial has (or, pruned, every seed started), Optuna is told."""
        parsed = json.loads(key)
        number, entry = parsed["trial"], self.open[parsed["trial"]]
        entry["results"][parsed["seed"]] = summary
        entry["out"].discard(parsed["seed"])
        if pruned:  # the trial's seeds not started yet are dropped
            entry["pruned"] = True
            self.pending = [job for job in self.pending if json.loads(job[0])["trial"] != number]
        if len(entry["results"]) == len(self.spec.seeds) or (entry["pruned"] and not entry["out"]):
            self._tell(number)

    def report(self, key: str, epoch: int, value: float) -> bool:
        """Report one epoch of a running trial's curve; True when its Optuna trial should now be pruned."""
        parsed = json.loads(key)
        entry = self.open.get(parsed["trial"])
        if entry is None or entry["trial"] is None or entry["pruned"]:
            return False
        entry["trial"].report(value, self.spec.seeds.index(parsed["seed"]) * STEPS_PER_SEED + epoch)
        return entry["trial"].should_prune()

    def _tell(self, number: int) -> None:
        """Tell Optuna a trial's mean objective over its seeds (failed when a seed failed or has no value)."""
        entry = self.open.pop(number)
        values = [objective_value(s, self.spec.objective) if s else None for s in entry["results"].values()]
        value = None if None in values else sum(values) / len(values)
        state = self.optuna.trial.TrialState
        if entry["trial"] is None:  # replayed from the store
            self.study.add_trial(self.optuna.trial.create_trial(
                params=entry["values"], distributions=self.dists, value=None if entry["pruned"] else value,
                state=state.PRUNED if entry["pruned"] else state.COMPLETE if value is not None else state.FAIL))
        elif entry["pruned"]:
            self.study.tell(entry["trial"], state=state.PRUNED)
        elif value is None:
            self.study.tell(entry["trial"], state=state.FAIL)
        else:
            self.study.tell(entry["trial"], value)

    def close(self) -> None:
        pass


def pruned_keys(trials: list[dict]) -> set[str]:
    """The trial keys of a sweep's runs that Optuna pruned (``SweepRecords.trials`` rows)."""
    return {t["key"] for t in trials if t["status"] == "cancelled" and (t["error"] or "").startswith(PRUNED)}


def curve_value(metrics: dict, baseline: float | None, objective: str) -> float | None:
    """The objective read from one epoch of the distilled student's curve. The curves record test accuracy and
    agreement, not macro-F1: the macro-F1 objectives are pruned on the accuracy curve (a gain's on the gain)."""
    if objective in ("gain", "macro_f1_gain"):
        return None if baseline is None else metrics["test_acc"] - baseline
    return metrics.get("agreement") if objective == "agreement" else metrics.get("test_acc")


class PruneMonitor:
    """A thread that reads the running trials' new epoch events from the store every ``POLL_SECONDS``, reports
    the student's curve to Optuna and asks the executor (``prune(run_id)``) to stop a run Optuna prunes."""

    def __init__(self, source: SearchSource, store, executor):
        self.source, self.store, self.executor = source, store, executor
        self.runs: dict[str, dict] = {}  # run id -> its key, last event read, the baseline's curve
        self.pruned: dict[str, str] = {}  # run id -> why
        self.lock, self.closed = threading.Lock(), threading.Event()
        threading.Thread(target=self._loop, name="kdlab-prune", daemon=True).start()

    def watch(self, key: str, run_id: str) -> None:
        with self.lock:
            self.runs[run_id] = {"key": key, "seq": -1, "baseline": {}}

    def ended(self, run_id: str) -> str | None:
        """Forget a run that ended; why it was pruned, or None."""
        with self.lock:
            self.runs.pop(run_id, None)
            return self.pruned.pop(run_id, None)

    def close(self) -> None:
        self.closed.set()

    def _loop(self) -> None:
        while not self.closed.wait(POLL_SECONDS):
            with self.lock:
                watched = [(run_id, dict(state)) for run_id, state in self.runs.items() if run_id not in self.pruned]
            for run_id, state in watched:
                try:
                    self._read(run_id, state)
                except Exception:  # noqa: BLE001, S112  (a busy store: read again at the next poll)
                    continue

    def _read(self, run_id: str, state: dict) -> None:
        for event in self.store.events(run_id, after=state["seq"]):
            state["seq"] = event["seq"]
            if event["kind"] != "epoch" or event["phase"] not in ("baseline", "student"):
                continue
            if event["phase"] == "baseline":
                state["baseline"][event["epoch"]] = event["metrics"].get("test_acc")
                continue
            value = curve_value(event["metrics"], state["baseline"].get(event["epoch"]), self.source.spec.objective)
            if value is not None and self.source.report(state["key"], event["epoch"], value):
                with self.lock:
                    self.pruned[run_id] = f"{PRUNED} at epoch {event['epoch']} (below the median of earlier trials)"
                self.executor.prune(run_id)
                break
        with self.lock:
            if run_id in self.runs:
                self.runs[run_id].update(seq=state["seq"], baseline=state["baseline"])
