"""One gate for every run that reaches the server: the form, a link, an upload, an import, a re-run, a lesson, the
quick demo and the CLI all pass through ``admit``, so a config is checked once, where it enters. The app holds it to
the server's caps; the CLI to those ``ServerSettings.for_cli`` gives (none unless ``kdlab.toml`` opts in).

``admit`` validates the config (``RunConfig.validate``), then holds it to the server's caps (``ServerSettings``):
epochs, batch size, the dataset's size knobs, the device, and the size of each model — counted by building the
model on PyTorch's "meta" device, which allocates nothing, so a student of 40,000-unit layers is refused before it
can take gigabytes, and a knob that cannot build a model (``hidden=abc``) is named before Run.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache

import torch

from ..config import RunConfig
from ..config_io import LINK_EXCLUDED
from ..data import DATASETS, load_dataset
from ..data.upload_store import PREFIX
from ..models import InputSpec, build_model, model_meta, parameter_count
from ..run_data import brings_tokenizer, encoded
from ..runs.store import RunStore
from ..runs.teacher_runs import teacher_from_run
from ..errors import Phrase, UserError
from .settings import MAX_WHOLE, ServerSettings, capped

SCALE_CAPS = {"samples": "max_dataset_samples", "tokens": "max_sequence_length"}


@dataclass(frozen=True)
class Admitted:
    """A config that passed ``admit``, as this server will run it: passed on as it is (to ``JobRunner.submit``,
    to a worker) and never validated again."""

    config: RunConfig


def admit(config: RunConfig, settings: ServerSettings, *, from_user_file: bool = False) -> Admitted:
    """The config as this server will run it (its transfer set cut to ``max_train_samples``), or a ``ValueError``
    in one sentence naming the first value it refuses. ``from_user_file``: an upload or an import, which may not
    point the server at a folder or make it download (``data_root``, ``download``), as a link may not either."""
    if config.teacher_run is not None:  # a finished run's student teaches: checked, and sized as its model
        config = teacher_from_run(config, RunStore())
    config.validate()
    if from_user_file:
        for name in LINK_EXCLUDED:
            if getattr(config, name) != getattr(RunConfig(), name):
                raise UserError("admission.user_file", "an uploaded config may not set {setting}; the server reads "
                                "its data from its own data folder", setting=name)
    for name in ("epochs", "teacher_epochs"):
        _cap(name, getattr(config, name), settings, "max_epochs")
    _cap("batch_size", config.batch_size, settings, "max_batch_size")
    if config.device not in settings.devices:
        raise UserError("admission.device", "device {value!r} is not offered on this server; use {choices} (devices "
                        "in kdlab.toml or KDLAB_DEVICES)", value=config.device, choices=", ".join(settings.devices))
    classes = DATASETS.get(config.dataset).meta["num_classes"]
    text = DATASETS.get(config.dataset).meta["modality"] == "sequence"  # a text's classes are its characters
    if config.dataset.startswith(PREFIX) and not text and classes > settings.max_classes:  # kept from before the cap
        raise UserError("admission.classes", "dataset {name} has {count} classes; at most {most} are allowed on this "
                        "server (max_classes in kdlab.toml or KDLAB_MAX_CLASSES)", name=config.dataset,
                        count=f"{classes:,}", most=f"{settings.max_classes:,}")
    for knob, kind in DATASETS.get(config.dataset).meta["scale"].items():
        if config.dataset_kw.get(knob) is not None:
            _cap(f"dataset_kw.{knob}", config.dataset_kw[knob], settings, SCALE_CAPS[kind])
    spec = input_spec(config.dataset, json.dumps(config.dataset_kw, sort_keys=True), config.data_root,
                      config.download, *_encoding(config))
    for role in ("teacher", "student"):
        _cap(Phrase("cap.params", "the {role}'s parameter count", role=role),
             model_parameters(config, role, spec, settings), settings, "max_model_params")
    for name in config.extra_teachers:
        _cap(Phrase("cap.params_of", "teacher {model!r}'s parameter count", model=name),
             model_parameters(config.teacher_config(name), "teacher", spec, settings), settings, "max_model_params")
    if config.train_limit is None and settings.max_train_samples == MAX_WHOLE:  # uncapped (the CLI): nothing cut
        return Admitted(config)
    limit = min(config.train_limit or settings.max_train_samples, settings.max_train_samples)
    return Admitted(replace(config, train_limit=limit))


def _cap(what: str | Phrase, value: int | float, settings: ServerSettings, setting: str) -> None:
    """``value`` within the server setting ``setting``, else the sentence naming it and how to raise it."""
    cap = getattr(settings, setting)
    if value > cap:
        raise capped(what, value, cap, setting)


def _encoding(config: RunConfig) -> tuple[str, ...]:
    """The teacher, its knobs and the tokenizer when the text is encoded otherwise than the dataset gives it (a
    Hugging Face teacher's tokenizer, a BPE), which then sets the students' vocabulary; nothing otherwise
    (``input_spec``'s cache is shared by every other run of the dataset)."""
    if not brings_tokenizer(config.teacher) and config.tokenizer == "char":
        return ()
    return config.teacher, json.dumps(config.teacher_kw, sort_keys=True), config.tokenizer


@lru_cache(maxsize=32)
def input_spec(dataset: str, dataset_kw: str, data_root: str | None, download: bool = False, teacher: str = "",
               teacher_kw: str = "{}", tokenizer: str = "char") -> InputSpec:
    """What a model of this data must be built for (shape, classes, vocabulary); loads the data once per process
    (downloading it first when the config asks to: only the CLI can), encoded as ``kdlab.run_data.encoded`` does
    when ``teacher`` is given. ``DataMissingError`` (a ``ValueError``) when its files are not on this server."""
    splits = load_dataset(dataset, data_root=data_root, download=download, **json.loads(dataset_kw))
    return InputSpec.of(encoded(splits, teacher, json.loads(teacher_kw), tokenizer) if teacher else splits)


def model_parameters(config: RunConfig, role: str, spec: InputSpec, settings: ServerSettings) -> int:
    """The parameter count of the config's teacher or student, built on the meta device (no memory); a
    ``ValueError`` naming the knobs when they cannot build it."""
    name, knobs = getattr(config, role), getattr(config, f"{role}_kw")
    text = model_meta(name).get("text_knobs", ())  # a folder, not a number
    bad = {k: v for k, v in knobs.items() if isinstance(v, str) and k not in text}
    if bad:
        key, value = next(iter(bad.items()))
        raise UserError("admission.knob_number", "{role} knob {knob}={value!r} must be a number", role=role,
                        knob=str(key)[:40], value=value[:40])
    for key, value in knobs.items():  # before building: a million layers take minutes and gigabytes even on "meta"
        if isinstance(value, int) and not isinstance(value, bool):
            _cap(f"{role}_kw.{key}", value, settings, "max_model_knob")
    try:
        return _meta_parameters(name, json.dumps(knobs, sort_keys=True), spec)
    except ValueError:
        raise
    except Exception as err:  # noqa: BLE001  (any knob value an architecture cannot take)
        raise UserError("admission.build", "{role} {model!r} cannot be built with {knobs}: {detail}", role=role,
                        model=name, knobs=",".join(f"{k}={v}" for k, v in knobs.items())[:120] or "its default knobs",
                        detail=(str(err).splitlines() or [type(err).__name__])[0][:160]) from None


@lru_cache(maxsize=256)
def _meta_parameters(name: str, knobs: str, spec: InputSpec) -> int:
    """Parameters of a model built on the meta device, once per architecture, knobs and data: the Distill page
    admits its form on every rerun, and a ResNet takes a second to build even there."""
    with torch.device("meta"):
        return parameter_count(build_model(name, spec, 0, json.loads(knobs)))
