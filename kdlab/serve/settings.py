"""Server settings for a shared (classroom) deployment, from ``kdlab.toml`` and environment variables.

Defaults suit a class of thirty on one CPU server; a laptop for one person may raise them. Environment variables
win over the file, so a teacher can override one value when starting the server
(``KDLAB_MAX_CONCURRENT_RUNS=4 streamlit run app.py``). ``kdlab.serve.admission`` applies them to every run.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

import tomllib
import torch

from ..config import DEVICES
from ..teacher_outputs import DEFAULT_BUDGET_BYTES, MIB


@dataclass(frozen=True)
class ServerSettings:
    max_concurrent_runs: int = 2  # runs training at once; more wait in a queue
    max_queued_runs: int = 60  # runs waiting at once, all browsers together; more are refused
    max_runs_per_browser: int = 2  # queued or running runs of one browser at once
    max_epochs: int = 200  # per run, student and teacher alike
    max_train_samples: int = 60_000  # the transfer set a run may train on (larger sets are cut to this)
    max_dataset_samples: int = 20_000  # size knobs of generated datasets (n) and of imdb (limit)
    max_sequence_length: int = 512  # tokens per text sample (seq_len)
    max_batch_size: int = 1024
    max_model_params: int = 20_000_000  # per model, teacher and student, counted before anything is allocated
    max_model_knob: int = 4096  # any whole-number model knob (layers, width): a layer is built even on "meta"
    max_run_seconds: int = 1800  # wall time of one run, teacher included; past it the run ends failed
    teacher_cache_mb: int = DEFAULT_BUDGET_BYTES // MIB  # per run: teacher outputs held for the student phase
    devices: tuple[str, ...] = DEVICES  # which devices the UI offers (those present on the machine)
    max_upload_mb: int = 20  # an uploaded dataset file (CSV or zip), as sent
    max_upload_unpacked_mb: int = 100  # a zip's entries unpacked, all together
    max_upload_files: int = 5000  # entries in an uploaded zip
    max_classes: int = 100  # classes of an uploaded dataset (every per-class view grows with them)
    max_upload_total_mb: int = 500  # all kept uploads together, on disk; a new upload past it is refused
    loaded_runs_mb: int = 1024  # memory of the server's cache of re-opened runs (Compare, History)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "ServerSettings":
        """``[server]`` table of ``kdlab.toml`` (or ``$KDLAB_CONFIG``), then ``KDLAB_<FIELD>`` variables."""
        path = Path(path or os.environ.get("KDLAB_CONFIG", "kdlab.toml"))
        values: dict = {}
        if path.exists():
            try:
                values.update(tomllib.loads(path.read_text()).get("server", {}))
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as err:
                raise ValueError(f"{path} is not a readable TOML file: {err}") from None
        for f in fields(cls):
            raw = os.environ.get(f"KDLAB_{f.name.upper()}")
            if raw is not None:
                values[f.name] = raw.split(",") if f.name == "devices" else raw
        return cls.parse(values)

    @classmethod
    def parse(cls, values: dict) -> "ServerSettings":
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise ValueError(f"unknown server setting(s): {', '.join(unknown)}")
        parsed = {}
        for name in names - {"devices"}:
            if name in values:
                try:
                    parsed[name] = int(values[name])
                except (TypeError, ValueError):
                    raise ValueError(f"server setting {name} must be an integer, got {values[name]!r}") from None
                if parsed[name] < 1:
                    raise ValueError(f"server setting {name} must be >= 1, got {parsed[name]}")
        if "devices" in values:
            devices = tuple(d.strip() for d in values["devices"])
            bad = [d for d in devices if d not in DEVICES]
            if bad or not devices:
                raise ValueError(f"server setting devices takes some of {', '.join(DEVICES)}, got {list(devices)}")
            parsed["devices"] = devices
        return cls(**parsed)

    @property
    def upload_limits(self):
        """The caps on one uploaded dataset (``kdlab.data.uploads``); samples capped like generated datasets."""
        from ..data.uploads import UploadLimits

        return UploadLimits(max_bytes=self.max_upload_mb * MIB, max_unpacked_bytes=self.max_upload_unpacked_mb * MIB,
                            max_files=self.max_upload_files, max_samples=self.max_dataset_samples,
                            max_classes=self.max_classes, max_total_bytes=self.max_upload_total_mb * MIB)

    @property
    def cache_budget_bytes(self) -> int:
        return self.teacher_cache_mb * MIB

    def device_choices(self, cuda_available: bool | None = None, mps_available: bool | None = None) -> list[str]:
        """The devices a run may ask for here: those this server offers that this machine has. "auto" (GPU when
        present, else CPU) and "cpu" always work; "cuda" and "mps" only with the hardware, so a page never offers a
        GPU that would fail the run."""
        if cuda_available is None:
            cuda_available = torch.cuda.is_available()
        if mps_available is None:
            mps_available = torch.backends.mps.is_available()
        present = {"auto": True, "cpu": True, "cuda": cuda_available, "mps": mps_available}
        return [d for d in self.devices if present.get(d, False)] or ["cpu"]
