"""Re-open a finished run: rebuild its models from the stored config and weights, and its teacher from the cache.

A run record is self-describing (like nanoGPT's checkpoints): the config says which architectures and knobs, the
weights fill them, so any page in any session can show a run that another process trained.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from torch import nn

from .config import RunConfig
from .data import Splits
from .models import InputSpec, build_model
from .store import RunStore
from .train import prepare_teacher


@dataclass
class LoadedRun:
    run_id: str
    config: RunConfig
    summary: dict
    splits: Splits
    models: dict[str, nn.Module] = field(repr=False)  # "teacher", "student" and, when trained, "baseline"


def load_run(store: RunStore, run_id: str) -> LoadedRun:
    record = store.get(run_id)
    if record.status != "finished":
        raise ValueError(f"run {run_id} is {record.status}, not finished")
    config = RunConfig.from_dict({**record.config, "device": "cpu"})
    teacher, splits = prepare_teacher(config)
    models = {"teacher": teacher.cpu().eval()}
    for role, state in store.weights(run_id).items():
        model = build_model(config.student, InputSpec.of(splits), config.seed, config.student_kw)
        model.load_state_dict(state)
        models[role] = model.eval()
    return LoadedRun(run_id, config, record.summary, splits, models)
