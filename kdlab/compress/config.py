"""CompressRequest: every knob of one compression of a finished run's students, validated in one place.

The CLI (``kdlab compress``), the Compress page and the tests all build one and call ``validate``, so a bad value gets
the same one-sentence ``ValueError`` everywhere, before anything is loaded, trained or written.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from ..checks import check_positive, check_whole, is_number, is_whole, require
from ..policy.settings import capped

FINETUNE_SOURCES = ("teacher", "labels", "both")
ROLES = ("student", "baseline")
MAX_THREADS = 64
MAX_REPEATS = 1000


@dataclass
class CompressRequest:
    """Which variants to make of a finished run's students, and how to measure them.

    Every knob that is on makes its own variant of each role, so each step's effect is measured on its own:
    ``int8`` (weights stored as 8-bit integers, activations quantized on the fly), ``prune`` (the fraction of the
    weights of every Linear/Conv layer set to zero, or with ``structured`` the fraction of neurons/channels removed),
    ``rank`` or ``energy`` (Linear and 1×1 conv layers factorised by truncated SVD). ``finetune`` epochs of recovery
    training add a further variant of each pruned or factorised one, from the labels, from the run's teacher
    (its T and α), or one of each (``both``: the comparison the source articles make).
    """

    int8: bool = False
    prune: float = 0.0  # sparsity in [0, 1): 0 is off
    structured: bool = False
    rank: int | None = None  # the rank kept per factorised layer
    energy: float | None = None  # or the smallest rank keeping this fraction of Σσ²
    finetune: int = 0  # recovery epochs; 0 is off
    finetune_from: str = "teacher"
    finetune_lr: float | None = None  # None: the run's own learning rate
    roles: tuple[str, ...] = ROLES  # which students of the run; a run without a baseline skips it
    threads: int = 1  # torch threads while latency is timed (stated with the numbers)
    repeats: int = 30  # timed calls per latency, after warm-up; the median is reported

    @property
    def variants(self) -> list[tuple[str, ...]]:
        """The steps of each variant, e.g. ``("prune",)``, ``("prune", "finetune-teacher")``."""
        sources = ("teacher", "labels") if self.finetune_from == "both" else (self.finetune_from,)
        out: list[tuple[str, ...]] = [("int8",)] if self.int8 else []
        for step, on in (("prune", self.prune > 0), ("lowrank", self.rank is not None or self.energy is not None)):
            if on:
                out.append((step,))
                out += [(step, f"finetune-{source}") for source in sources] if self.finetune else []
        return out

    def validate(self, max_epochs: int | None = None) -> CompressRequest:
        """Raise ``ValueError`` naming the first bad knob; return self. ``max_epochs``: the server's cap."""
        for name in ("int8", "structured"):
            require(isinstance(getattr(self, name), bool), "compress.flag", "{setting} must be true or false, got "
                    "{value!r}", setting=name, value=getattr(self, name))
        require(is_number(self.prune) and 0 <= self.prune < 1, "compress.sparsity",
                "sparsity ({setting}) must be in [0, 1): the fraction of weights removed, got {value}", setting="prune",
                value=self.prune)
        require(not self.structured or self.prune > 0, "compress.structured_sparsity",
                "structured pruning needs a sparsity ({setting}) above 0", setting="prune")
        if self.rank is not None:
            check_whole("rank", self.rank)
        require(self.energy is None or (is_number(self.energy) and 0 < self.energy <= 1), "compress.energy",
                "{setting} must be in (0, 1]: the fraction of the squared singular values kept, got {value}",
                setting="energy", value=self.energy)
        require(self.rank is None or self.energy is None, "compress.rank_or_energy",
                "give a rank or an energy fraction, not both")
        require(is_whole(self.finetune) and self.finetune >= 0, "compress.finetune",
                "{setting} must be a whole number of epochs >= 0, got {value}", setting="finetune", value=self.finetune)
        if max_epochs is not None and self.finetune > max_epochs:
            raise capped("finetune", self.finetune, max_epochs, "max_epochs")
        require(self.finetune_from in FINETUNE_SOURCES, "compress.source", "{setting} must be one of {choices}, got "
                "{value!r}", setting="finetune_from", choices=", ".join(FINETUNE_SOURCES),
                value=str(self.finetune_from)[:40])
        require(not self.finetune or self.prune > 0 or self.rank is not None or self.energy is not None,
                "compress.finetune_nothing",
                "fine-tuning recovers a pruned or factorised student: add a sparsity (prune) or a rank")
        if self.finetune_lr is not None:
            check_positive("finetune_lr", self.finetune_lr)
        require(isinstance(self.roles, tuple) and bool(self.roles) and all(r in ROLES for r in self.roles),
                "compress.roles", "{setting} must name {choices}, got {value!r}", setting="roles",
                choices=" and/or ".join(ROLES), value=str(self.roles)[:70])
        for name, most in (("threads", MAX_THREADS), ("repeats", MAX_REPEATS)):
            value = getattr(self, name)
            require(is_whole(value) and 1 <= value <= most, "compress.count", "{setting} must be an integer in "
                    "1..{most}, got {value}", setting=name, most=most, value=value)
        require(bool(self.variants), "compress.nothing", "nothing to do: choose int8, a sparsity (prune) or a rank")
        return self

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["roles"] = list(self.roles)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], validate: bool = True) -> CompressRequest:
        """From JSON-like data (the worker's message, a stored variant); unknown keys are named, never ignored."""
        require(isinstance(data, dict), "compress.not_mapping", "a compression request must be a mapping, got {kind}",
                kind=type(data).__name__)
        known = {f.name for f in fields(cls)}
        unknown = sorted(map(str, set(data) - known))
        require(not unknown, "compress.unknown_fields", "unknown compression fields: {names}",
                names=", ".join(unknown)[:200])
        values = dict(data)
        if "roles" in values:
            require(isinstance(values["roles"], (list, tuple)), "compress.roles_list", "{setting} must be a list",
                    setting="roles")
            values["roles"] = tuple(values["roles"])
        if isinstance(values.get("prune"), int) and not isinstance(values.get("prune"), bool):
            values["prune"] = float(values["prune"])
        request = cls(**values)
        return request.validate() if validate else request
