"""The teacher cache: a trained teacher is stored once under ``$KDLAB_HOME/teachers`` and reused by every later run.

The key is everything that shapes the teacher's weights — dataset and its knobs, architecture and its knobs,
epochs, learning rate, batch size and seed — and nothing about the student, so a classroom moving the T and α
sliders never retrains a teacher. A per-key file lock makes thirty simultaneous first runs train it once.

Training one is the trainer's job (``kdlab.train.obtain_teacher``); this module only stores and reads, which is
all the app server may do (``load_teacher`` raises ``TeacherNotCached`` instead of training).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import torch
from torch import nn

from .config import RunConfig
from .data import Splits, kdlab_home
from .fit import RunCancelled, RunTimedOut, StopFlag
from .models import InputSpec, build_model, resolve
from .run_data import is_pretrained, run_splits
from .tensor_files import load_tensors, save_tensors

TEACHER_BATCH_SIZE = 64  # fixed so that a student's batch-size slider never invalidates the cached teacher
CACHE_VERSION = 1
LOCK_POLL_SECONDS = 0.2  # how often a run waiting for another job's teacher looks at its stop flag


class TeacherNotCached(LookupError):
    """The teacher a config names has not been trained on this machine yet; ``config`` says which one."""

    def __init__(self, config: RunConfig):
        super().__init__(f"the teacher {config.teacher!r} for {config.dataset} is not trained yet")
        self.config = config


def teacher_identity(config: RunConfig) -> dict:
    arch, knobs = resolve(config.teacher, config.teacher_kw)
    identity = {"version": CACHE_VERSION, "dataset": config.dataset, "dataset_kw": config.dataset_kw,
                "arch": arch, "knobs": knobs, "epochs": config.teacher_epochs, "lr": config.teacher_lr,
                "batch_size": TEACHER_BATCH_SIZE, "seed": config.seed}
    if config.tokenizer != "char":  # other tokens, another teacher (character teachers keep their older keys)
        identity["tokenizer"] = config.tokenizer
    return identity if config.teacher_run is None else {**identity, "run": config.teacher_run}  # its weights


def teacher_path(config: RunConfig) -> Path:
    identity = json.dumps(teacher_identity(config), sort_keys=True, default=str)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return kdlab_home() / "teachers" / f"{config.dataset}-{config.teacher}-{digest}.pt"


@contextmanager
def teacher_lock(path: Path, stop: StopFlag | None = None) -> Iterator[None]:
    """Hold an exclusive lock for one teacher key (other processes and threads wait, then find it cached).

    With ``stop`` (a run's stop flag), the wait polls it every ``LOCK_POLL_SECONDS``: a run waiting while another
    job trains its teacher can still be stopped, and past its server's time limit it ends saying what it waited for
    (the flag raises ``RunTimedOut``), instead of blocking until the lock comes free."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as handle:
        if stop is None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        while stop is not None and not _took(handle):
            _still_waiting(stop)
            time.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _took(handle) -> bool:
    """Whether the lock was free (and is now held), without waiting."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _still_waiting(stop: StopFlag) -> None:
    try:
        stopped = stop.is_set()
    except RunTimedOut as late:
        raise RunTimedOut(f"{late}, while it waited for its teacher (another job is training it)") from None
    if stopped:
        raise RunCancelled("stopped while it waited for its teacher (another job is training it)")


def load_cached_teacher(path: Path, model: nn.Module) -> dict | None:
    """Load weights into ``model`` and return the stored facts (test accuracy, training time), or None if absent."""
    if not path.exists():
        return None
    data = load_tensors(path)
    model.load_state_dict(data["state_dict"])
    return data["meta"]


def store_teacher(path: Path, state_dict: dict[str, torch.Tensor], meta: dict) -> None:
    state = {k: v.detach().cpu() for k, v in state_dict.items()}
    save_tensors({"state_dict": state, "meta": meta}, path)


def load_teacher(config: RunConfig) -> tuple[nn.Module, Splits]:
    """The cached teacher of ``config`` on the CPU in eval mode, with its data; never trains.

    Raises ``TeacherNotCached`` when it is not cached: the app then asks a worker process to train it
    (``JobRunner.teacher``), because the server process must never train.
    """
    pretrained = is_pretrained(config)  # a Hugging Face model: its weights come with it, never from the cache
    if not pretrained and not teacher_path(config).exists():  # said at once, before the data is read
        raise TeacherNotCached(config)
    splits = run_splits(config)
    teacher = build_model(config.teacher, InputSpec.of(splits), config.seed, config.teacher_kw)
    if not pretrained and load_cached_teacher(teacher_path(config), teacher) is None:  # removed in between
        raise TeacherNotCached(config)
    return teacher.eval().requires_grad_(False), splits
