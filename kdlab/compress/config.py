"""CompressRequest: every knob of one compression of a finished run's students, validated in one place.

The CLI (``kdlab compress``), the Compress page and the tests all build one and call ``validate``, so a bad value gets
the same one-sentence ``ValueError`` everywhere, before anything is loaded, trained or written.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from ..checks import is_number, is_whole, require

FINETUNE_SOURCES = ("teacher", "labels", "both")
ROLES = ("student", "baseline")
MAX_THREADS = 64


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
        require(isinstance(self.int8, bool), f"int8 must be true or false, got {self.int8!r}")
        require(isinstance(self.structured, bool), f"structured must be true or false, got {self.structured!r}")
        require(is_number(self.prune) and 0 <= self.prune < 1,
                f"sparsity (prune) must be in [0, 1): the fraction of weights removed, got {self.prune}")
        require(not self.structured or self.prune > 0, "structured pruning needs a sparsity (prune) above 0")
        require(self.rank is None or (is_whole(self.rank) and self.rank >= 1),
                f"rank must be an integer >= 1, got {self.rank}")
        require(self.energy is None or (is_number(self.energy) and 0 < self.energy <= 1),
                f"energy must be in (0, 1]: the fraction of the squared singular values kept, got {self.energy}")
        require(self.rank is None or self.energy is None, "give a rank or an energy fraction, not both")
        require(is_whole(self.finetune) and self.finetune >= 0,
                f"finetune must be a whole number of epochs >= 0, got {self.finetune}")
        require(max_epochs is None or self.finetune <= max_epochs,
                f"finetune is capped at {max_epochs} epochs on this server (max_epochs in kdlab.toml or "
                f"KDLAB_MAX_EPOCHS), got {self.finetune}")
        require(self.finetune_from in FINETUNE_SOURCES,
                f"finetune_from must be one of {', '.join(FINETUNE_SOURCES)}, got {self.finetune_from!r}")
        require(not self.finetune or self.prune > 0 or self.rank is not None or self.energy is not None,
                "fine-tuning recovers a pruned or factorised student: add a sparsity (prune) or a rank")
        require(self.finetune_lr is None or (is_number(self.finetune_lr) and self.finetune_lr > 0),
                f"finetune_lr must be > 0, got {self.finetune_lr}")
        require(isinstance(self.roles, tuple) and self.roles and all(r in ROLES for r in self.roles),
                f"roles must name {' and/or '.join(ROLES)}, got {self.roles!r}")
        require(is_whole(self.threads) and 1 <= self.threads <= MAX_THREADS,
                f"threads must be an integer in 1..{MAX_THREADS}, got {self.threads}")
        require(is_whole(self.repeats) and 1 <= self.repeats <= 1000,
                f"repeats must be an integer in 1..1000, got {self.repeats}")
        require(bool(self.variants), "nothing to do: choose int8, a sparsity (prune) or a rank")
        return self

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["roles"] = list(self.roles)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], validate: bool = True) -> CompressRequest:
        """From JSON-like data (the worker's message, a stored variant); unknown keys are named, never ignored."""
        require(isinstance(data, dict), f"a compression request must be a mapping, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        require(not unknown, f"unknown compression field(s): {', '.join(unknown)}")
        values = dict(data)
        if "roles" in values:
            require(isinstance(values["roles"], (list, tuple)), "roles must be a list")
            values["roles"] = tuple(values["roles"])
        if isinstance(values.get("prune"), int) and not isinstance(values.get("prune"), bool):
            values["prune"] = float(values["prune"])
        request = cls(**values)
        return request.validate() if validate else request
