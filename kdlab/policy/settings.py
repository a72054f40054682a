"""Server settings for a shared (classroom) deployment, from ``kdlab.toml`` and environment variables.

Defaults suit a class of thirty on one CPU server; a laptop for one person may raise them. Environment variables
win over the file, so a teacher can override one value when starting the server
(``KDLAB_MAX_CONCURRENT_RUNS=4 streamlit run app.py``). ``kdlab.policy.admission`` applies them to every run the app
and what it starts (workers, sweeps, warm-up teachers) take on.

Caps belong to the server: the command line (``python -m kdlab``) runs on the user's own machine and obeys them only
when ``kdlab.toml`` says so (``cli_caps = true``); ``ServerSettings.for_cli`` is what every command reads.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import tomllib
import torch

from ..checks import is_number
from ..config import DEVICES
from ..errors import Phrase, UserError
from ..teacher_outputs import DEFAULT_BUDGET_BYTES, MIB


MAX_WHOLE = 2**53 - 1  # the largest whole number a browser's JavaScript (a Streamlit widget) holds exactly
UPPER = {  # a sane ceiling per setting; the rest stop at MAX_WHOLE
    "max_concurrent_runs": 256, "max_queued_runs": 100_000, "max_runs_per_browser": 10_000, "max_epochs": 100_000,
    "max_run_seconds": 10**7, "max_classes": 100_000, "max_upload_mb": 100_000, "max_upload_files": 10**7,
    "ray_cpus_per_run": 256, "worker_idle_seconds": 10**7,
}


def _whole(name: str, value, where: Phrase | str) -> int:
    """``value`` (TOML's int or float, or a variable's text) as a whole number from 1 to the setting's ceiling."""
    top = UPPER.get(name, MAX_WHOLE)
    number = None
    if isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            pass
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif is_number(value) and float(value).is_integer():
        number = int(value)
    if number is None or not 1 <= number <= top:
        raise UserError("settings.whole", "server setting {name}{where} must be a whole number from 1 to {top}, got "
                        "{value}", name=name, where=where, top=f"{top:,}", value=repr(value)[:80])
    return number


def capped(what: str | Phrase, value, cap: int, setting: str) -> UserError:
    """The one sentence a cap says: what was capped (a run's setting, ``epochs`` or ``student_kw.hidden``, or a
    ``Phrase``), at what, by which server setting and how to raise it."""
    return UserError("cap", "{setting} is capped at {cap} on this server ({name} in kdlab.toml or {env}), got {value}",
                     setting=what, name=setting, env=f"KDLAB_{setting.upper()}", cap=f"{cap:,}", value=f"{value:,}")


def _flag(value, where: Phrase | str) -> bool:
    """TOML's true/false, or a variable's text: true/false, yes/no, 1/0."""
    if isinstance(value, bool):
        return value
    words = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
    if isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()]
    raise UserError("settings.flag", "server setting {name}{where} is true or false, got {value}", name="cli_caps",
                    where=where, value=repr(value)[:80])


WARM_TEACHERS = ("none", "pages", "lessons")  # kdlab.teacher_warmup: the default teachers queued at start-up
KEY_CHARS = (8, 200)  # an instructor key's length: long enough not to be guessed in class, short enough to type


def _warm(value, where: Phrase | str) -> str:
    if isinstance(value, str) and value.strip() in WARM_TEACHERS:
        return value.strip()
    raise UserError("settings.one_of", "server setting {name}{where} is one of {choices}, got {value}",
                    name="warm_teachers", where=where, choices=", ".join(WARM_TEACHERS), value=repr(value)[:80])


def _key(value, where: Phrase | str) -> str:
    """An instructor key: printable, no spaces, ``KEY_CHARS`` long; the message never repeats it."""
    low, high = KEY_CHARS
    if not (isinstance(value, str) and low <= len(value) <= high and value.isprintable() and value.split() == [value]):
        raise UserError("settings.key", "server setting {name}{where} must be {low} to {high} printable characters "
                        "without spaces", name="instructor_key", where=where, low=low, high=high)
    return value


RAY_ADDRESS = re.compile(r"(ray://)?[A-Za-z0-9.\-\[\]:]+:\d{1,5}")  # host:port (a GCS) or ray://host:port (Ray Client)


def _ray_address(value, where: Phrase | str) -> str:
    """Where the job queue's runs train: "" (this server's workers), ``auto`` (the cluster this machine is a node
    of), ``HOST:PORT`` or ``ray://HOST:PORT``. Not ``local``: a Ray started inside the web server would end with it."""
    text = value.strip() if isinstance(value, str) else None
    if text is not None and (text in ("", "auto") or RAY_ADDRESS.fullmatch(text)):
        return text
    raise UserError("settings.ray_address", "server setting {name}{where} is auto, HOST:PORT or ray://HOST:PORT of "
                    "a running Ray cluster (ray start --head), or empty for this server's own workers, got {value}",
                    name="ray_address", where=where, value=repr(value)[:80])


def _gpus(value, where: Phrase | str) -> float:
    """GPUs a Ray task asks for: 0 (a CPU task), a fraction (tasks share a GPU) or a whole number, up to 64."""
    number = None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            pass
    elif is_number(value) and not isinstance(value, bool):
        number = float(value)
    if number is None or not 0 <= number <= 64:
        raise UserError("settings.gpus", "server setting {name}{where} is a number of GPUs from 0 to 64 (0.25: four "
                        "runs share one), got {value}", name="ray_gpus_per_run", where=where, value=repr(value)[:80])
    return number


def _devices(value, where: Phrase | str) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)) and value and all(isinstance(d, str) for d in value):
        devices = tuple(d.strip() for d in value)
        if all(d in DEVICES for d in devices):
            return devices
    raise UserError("settings.devices", "server setting {name}{where} takes a list of some of {choices}, got {value}",
                    name="devices", where=where, choices=", ".join(DEVICES), value=repr(value)[:80])


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
    worker_idle_seconds: int = 600  # a worker process idle this long ends (its memory back); the next job starts one
    teacher_cache_mb: int = DEFAULT_BUDGET_BYTES // MIB  # per run: teacher outputs held for the student phase
    devices: tuple[str, ...] = DEVICES  # which devices the UI offers (those present on the machine)
    max_upload_mb: int = 20  # an uploaded dataset file (CSV or zip), as sent
    max_upload_unpacked_mb: int = 100  # a zip's entries unpacked, all together
    max_upload_files: int = 5000  # entries in an uploaded zip
    max_classes: int = 100  # classes of an uploaded dataset (every per-class view grows with them)
    max_upload_total_mb: int = 500  # all kept uploads together, on disk; a new upload past it is refused
    loaded_runs_mb: int = 1024  # memory of the server's cache of re-opened runs (Compare, History)
    warm_teachers: str = "lessons"  # queued at start-up, low priority: "none", "pages" (demo, Temperature), "lessons"
    instructor_key: str = field(default="", repr=False)  # enables the Instructor page; empty: no such page
    cli_caps: bool = False  # whether python -m kdlab on this machine obeys the caps above (by default it does not)
    ray_address: str = ""  # runs, teachers and compressions as Ray tasks there (kdlab.serve.ray_jobs); "": workers
    ray_cpus_per_run: int = 1  # CPUs (and torch threads) each Ray task asks for
    ray_gpus_per_run: float = 0  # GPUs each Ray task asks for; above 0 the Distill page offers cuda

    @classmethod
    def for_cli(cls, path: str | Path | None = None) -> "ServerSettings":
        """The settings a command of ``python -m kdlab`` obeys: the server's caps only where ``kdlab.toml`` (or
        ``KDLAB_CLI_CAPS``) opts in, else none: the shell runs on the user's own machine, and a cap protects a
        server shared by a class. Every other setting (uploads' folder, the teacher cache) is the file's."""
        settings = cls.load(path)
        if settings.cli_caps:
            return settings
        return replace(settings, devices=DEVICES, **{f.name: UPPER.get(f.name, MAX_WHOLE) for f in fields(cls)
                                                     if f.name.startswith("max_")})

    @classmethod
    def load(cls, path: str | Path | None = None) -> "ServerSettings":
        """``[server]`` table of ``kdlab.toml`` (or ``$KDLAB_CONFIG``), then ``KDLAB_<FIELD>`` variables. A value
        that is not right is a ValueError naming the setting and where it came from (the file or the variable)."""
        path = Path(path or os.environ.get("KDLAB_CONFIG") or "kdlab.toml")
        values: dict = {}
        origins: dict[str, Phrase] = {}
        if path.exists():
            try:
                table = tomllib.loads(path.read_text(encoding="utf-8")).get("server", {})
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as err:
                raise UserError("settings.toml", "{path} is not a readable TOML file: {detail}", path=str(path),
                                detail=str(err)[:200]) from None
            if not isinstance(table, dict):
                raise UserError("settings.table", "server in {path} must be a table ([server] with one setting a "
                                "line), got {value}", path=str(path), value=repr(table)[:80])
            values.update(table)
            origins.update({name: Phrase("settings.in_file", "in {path}", path=str(path)) for name in table})
        for f in fields(cls):
            raw = os.environ.get(f"KDLAB_{f.name.upper()}")
            if raw is not None:
                values[f.name] = raw.split(",") if f.name == "devices" else raw
                origins[f.name] = Phrase("settings.from_env", "from {variable}", variable=f"KDLAB_{f.name.upper()}")
        return cls.parse(values, origins)

    @classmethod
    def parse(cls, values: dict, origins: dict[str, Phrase | str] | None = None) -> "ServerSettings":
        """Every value checked: a whole number within its range (``2.7``, ``true``, ``inf`` or ``1e20`` are
        refused, never truncated or wrapped), ``devices`` a list of device names. ``origins``: where each came
        from, for the message."""
        origins = origins or {}
        where = {name: Phrase("settings.where", " ({origin})", origin=origins[name]) if name in origins else ""
                 for name in values}
        unknown = sorted(set(values) - {f.name for f in fields(cls)})
        if unknown:
            raise UserError("settings.unknown", "not a setting this server knows: {names}{where}",
                            names=", ".join(map(str, unknown))[:200], where=where[unknown[0]])
        words = {"devices": _devices, "warm_teachers": _warm, "instructor_key": _key, "cli_caps": _flag,
                 "ray_address": _ray_address, "ray_gpus_per_run": _gpus}  # the settings not numbers
        parsed = {name: words[name](value, where[name]) if name in words else _whole(name, value, where[name])
                  for name, value in values.items()}
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
        if self.ray_address and self.ray_gpus_per_run > 0:  # runs train on the cluster's GPUs, not this machine's
            cuda_available = True
        if cuda_available is None:
            cuda_available = torch.cuda.is_available()
        if mps_available is None:
            mps_available = torch.backends.mps.is_available()
        present = {"auto": True, "cpu": True, "cuda": cuda_available, "mps": mps_available}
        return [d for d in self.devices if present.get(d, False)] or ["cpu"]
