"""Compress a stored run and keep its variants with it; export any stored model as safetensors or ONNX.

For worker processes and the CLI, never the app server: the run's teacher comes from ``kdlab.train.prepare_teacher``
(trained and cached first when missing). Everything that can be refused is refused before any work and any write:
the request's knobs, an unknown or unfinished run, a run without weights.
"""
from __future__ import annotations

from dataclasses import replace

from ..config import RunConfig
from ..data import load_dataset
from ..fit import StopFlag
from ..models import InputSpec
from ..runs.loading import rebuild_student
from ..runs.store import RunStore
from ..serve.settings import ServerSettings
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


def model_file(store: RunStore, run_id: str, what: str, name: str = "student",
               caps: RecipeCaps | None = None) -> tuple[bytes, str]:
    """``(file bytes, one line about it)`` of a run's ``student`` or ``baseline``, or of a stored variant
    (``student/int8`` …), as ``safetensors`` or ``onnx``. The ONNX file is run with onnxruntime on the test set
    and its agreement with PyTorch is the line. A variant's recipe is held to ``caps`` (default: this server's
    settings)."""
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
    if what == "safetensors":
        return data, f"safetensors with its recipe in the header ({len(data):,} bytes)"
    onnx = to_onnx(model, splits.x_test)
    share = onnx_agreement(onnx, model, splits.x_test)
    return onnx, (f"onnxruntime agrees with PyTorch on {share:.2%} of the "
                  f"{len(splits.x_test)} test predictions")
