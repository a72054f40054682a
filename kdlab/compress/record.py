"""Compress a stored run and keep its variants with it; export any stored model as safetensors or ONNX.

For worker processes and the CLI, never the app server: the run's teacher comes from ``kdlab.train.prepare_teacher``
(trained and cached first when missing). Everything that can be refused is refused before any work and any write:
the request's knobs, an unknown or unfinished run, a run without weights.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Callable

from ..config import RunConfig
from ..data import load_dataset
from ..fit import StopFlag
from ..models import InputSpec
from ..runs.loading import rebuild_student
from ..runs.store import RunStore
from ..policy.settings import ServerSettings
from ..tensor_files import atomic_file
from ..train import prepare_teacher
from .config import CompressRequest
from .export import onnx_agreement, rebuild, recipe_of, to_onnx, to_safetensors
from .pipeline import Variant, compress_models
from .recipe import RecipeCaps

EXPORT_FORMATS = ("onnx", "safetensors")


def stored_config(store: RunStore, run_id: str) -> RunConfig:
    """A finished run's config, on the CPU; ``ValueError`` for an unknown or unfinished run or one without
    weights."""
    record = store.get(run_id)
    if record.status != "finished":
        raise ValueError(f"run {run_id} is {record.status}, not finished: only a finished run has a student to "
                         "compress")
    store.weights_bytes(run_id)  # a run without weights is refused here, before any work
    return replace(RunConfig.from_dict(record.config), device="cpu")


def compress_stored_run(store: RunStore, run_id: str, request: CompressRequest, listeners=(),
                        stop: StopFlag | None = None) -> list[Variant]:
    """Make, measure and store every variant the (validated) request asks for; returns them."""
    config = stored_config(store, run_id)
    teacher, splits = prepare_teacher(config, listeners, stop)
    spec = InputSpec.of(splits)
    students = {role: rebuild_student(config, spec, role, state) for role, state in store.weights(run_id).items()}
    variants = compress_models({"teacher": teacher.cpu().eval(), **students}, config, splits, request, listeners,
                               stop)
    store.put_variants(run_id, [(v.name, v.role, {"steps": v.steps, **v.metrics}, v.data) for v in variants])
    return variants


def export_model(store: RunStore, run_id: str, what: str, name: str = "student", caps: RecipeCaps | None = None,
                 progress: Callable[[float], None] = lambda fraction: None) -> tuple[bytes, dict]:
    """``(file bytes, facts)`` of a run's ``student`` or ``baseline``, or of a stored variant (``student/int8`` …),
    as ``safetensors`` or ``onnx``. Facts: the file's ``bytes``; for ONNX, run with onnxruntime on the test set,
    the share of the ``samples`` on which it predicts PyTorch's class (``agreement``). A variant's recipe is held to
    ``caps`` (default: this server's settings). ``progress(fraction)`` after each stage."""
    if what not in EXPORT_FORMATS:
        raise ValueError(f"export format must be one of {', '.join(EXPORT_FORMATS)}, got {what!r}")
    config = stored_config(store, run_id)
    splits = load_dataset(config.dataset, seed=config.seed, data_root=config.data_root, **config.dataset_kw)
    if "/" in name:
        data = store.variant_file(run_id, name)
        model, _ = rebuild(data, caps or RecipeCaps.of(ServerSettings.load()))
    else:
        states = store.weights(run_id)
        if name not in states:
            raise ValueError(f"run {run_id} has no {name!r} model; it has {', '.join(states)} and the variants "
                             "`kdlab compress` stored")
        model = rebuild_student(config, InputSpec.of(splits), name, states[name])
        data = to_safetensors(model, recipe_of(config.student, config.student_kw, InputSpec.of(splits), []))
    progress(0.3)
    if what == "safetensors":
        return data, {"bytes": len(data)}
    onnx = to_onnx(model, splits.x_test)
    progress(0.7)
    return onnx, {"bytes": len(onnx), "agreement": onnx_agreement(onnx, model, splits.x_test),
                  "samples": len(splits.x_test)}


def model_file(store: RunStore, run_id: str, what: str, name: str = "student") -> tuple[bytes, str]:
    """``export_model``'s file and its facts in one line (the CLI's ``runs export``: the caps it obeys)."""
    data, facts = export_model(store, run_id, what, name, RecipeCaps.of(ServerSettings.for_cli()))
    if what == "safetensors":
        return data, f"safetensors with its recipe in the header ({len(data):,} bytes)"
    return data, (f"onnxruntime agrees with PyTorch on {facts['agreement']:.2%} of the {facts['samples']} test "
                  "predictions")


def export_to_file(store: RunStore, run_id: str, what: str, name: str, path: str,
                   progress: Callable[[float], None] = lambda fraction: None) -> None:
    """``export_model`` written atomically at ``path``, its facts as JSON at ``path + ".json"`` (a worker's export
    job: the page reads both back)."""
    data, facts = export_model(store, run_id, what, name, progress=progress)
    with atomic_file(Path(path)) as handle:
        handle.write(data)
    with atomic_file(Path(path + ".json"), "w") as handle:
        json.dump(facts, handle)
