"""A search: Optuna (TPE by default, seeded) proposes the next trial's values from the results so far.

A search trial is one point of the ranges, run once per seed; Optuna is told the mean objective over its seeds.
Resuming replays the finished trials into a fresh study (``study.add_trial``), so the sampler continues from
everything already known, and re-runs the missing seeds of a trial cut short. Optuna is imported only here.
"""
from __future__ import annotations

import json

from ..config import RunConfig
from ..serve.settings import ServerSettings
from .spec import SweepSpec, objective_value, trial_config, trial_key


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

    def __init__(self, spec: SweepSpec, finished: dict[str, dict], settings: ServerSettings):
        optuna = import_optuna()
        self.optuna, self.spec, self.settings = optuna, spec, settings
        self.dists = distributions(spec)
        self.study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=spec.sampler_seed))
        by_trial: dict[int, dict] = {}
        for key, summary in finished.items():
            parsed = json.loads(key)
            trial = by_trial.setdefault(parsed["trial"], {"values": parsed["values"], "results": {}})
            trial["results"][parsed["seed"]] = summary
        self.pending: list[tuple[str, RunConfig]] = []
        self.open: dict[int, dict] = {}  # trial number -> values, Optuna trial (None if replayed), seed results
        for number in sorted(by_trial):
            trial = by_trial[number]
            missing = [s for s in spec.seeds if s not in trial["results"]]
            self.open[number] = {"values": trial["values"], "trial": None, "results": trial["results"]}
            if missing:
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
            self.open[self.next_number] = {"values": values, "trial": trial, "results": {}}
            self.pending = [self._job(self.next_number, values, seed) for seed in self.spec.seeds]
            self.next_number += 1
        return self.pending.pop(0) if self.pending else None

    def done(self, key: str, summary: dict | None) -> None:
        parsed = json.loads(key)
        entry = self.open[parsed["trial"]]
        entry["results"][parsed["seed"]] = summary
        if len(entry["results"]) == len(self.spec.seeds):
            self._tell(parsed["trial"])

    def _tell(self, number: int) -> None:
        """Tell Optuna a trial's mean objective over its seeds (failed when a seed failed or has no value)."""
        entry = self.open.pop(number)
        values = [objective_value(s, self.spec.objective) if s else None for s in entry["results"].values()]
        value = None if None in values else sum(values) / len(values)
        state = self.optuna.trial.TrialState
        if entry["trial"] is None:  # replayed from the store
            self.study.add_trial(self.optuna.trial.create_trial(
                params=entry["values"], distributions=self.dists, value=value,
                state=state.COMPLETE if value is not None else state.FAIL))
        elif value is None:
            self.study.tell(entry["trial"], state=state.FAIL)
        else:
            self.study.tell(entry["trial"], value)

    def close(self) -> None:
        pass
