"""What the distilled student reads (``RunConfig.data_mode``): the corpus, text the teacher wrote, or partly its own.

- ``corpus``: the transfer set as it is (supervised KD: the teacher scores the corpus).
- ``teacher``: sequence-level KD (Kim & Rush 2016, "Sequence-Level Knowledge Distillation"): the teacher writes the
  student's text once, before its first step, as Kim & Rush wrote their teacher's translations once. It writes as
  many sequences as the corpus transfer set holds, each started like the corpus sample it stands for (its first
  token: the sentence start, or a text window's first character), sampled at ``SAMPLE_TEMPERATURE``; the student
  then takes the same steps on the teacher's text, and the loss terms read the teacher's outputs on it, cached as
  for the corpus. Cross-entropy on that text is Kim & Rush's sequence-level loss itself.
- ``on-policy``: GKD (Agarwal et al., ICLR 2024; TRL's ``GKDTrainer``, whose ``lmbda`` is this λ): at every step a
  share λ of the batch (its first ``round(λ·B)`` sequences: the batch is already shuffled) is replaced by sequences
  the student samples itself, started the same way, and the teacher scores them, so the student learns where its
  own text takes it. There is no right answer on text the student wrote, so cross-entropy counts only the corpus
  rows (``hard_labels``); the divergence terms count every real token. λ = 0 is the corpus, step for step.

The mode plugs in where batches come from: ``StudentData.x`` and ``y`` are the transfer set ``fit`` slices,
``draw`` (None: plain slicing) makes a step's batch from its sample indices, and ``teacher_batch`` gives the
teacher's outputs and the hard labels for the batch just drawn. The baseline always reads the corpus with
cross-entropy alone, from the same initial weights, for the same number of steps.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .config import RunConfig
from .data import IGNORE_INDEX, Splits
from .data.tokenizers import tokenizer_of
from .evaluate import autocast
from .language import generate
from .models import ModelOutput
from .teacher_outputs import TeacherOutputs

SAMPLE_TEMPERATURE = 1.0  # the writer's own distribution: T = 1 is the softmax it was trained with
SAMPLE_CHUNK = 64  # sequences written at once: a large vocabulary's logits stay small


def written_sequences(model: nn.Module, starts: Tensor, length: int, stop_id: int | None,
                      seed: int) -> tuple[Tensor, Tensor]:
    """Sequences ``model`` writes after ``starts [N, 1]``, in a corpus's layout: ids ``[N, length]`` and their
    next-token targets ``[N, length]``; after ``stop_id`` (a sentence's end) the ids are padding (0) and the targets
    ``IGNORE_INDEX``, as ``kdlab.data.corpus.sentence_splits`` lays out a sentence. Seeded; the model's training
    mode is left as it was."""
    training = model.training
    rows = []
    for number, start in enumerate(range(0, len(starts), SAMPLE_CHUNK)):
        ids = generate(model, starts[start:start + SAMPLE_CHUNK], length, SAMPLE_TEMPERATURE, seed + number,
                       stop_id)
        rows.append(F.pad(ids, (0, length + 1 - ids.shape[1])))  # every row ended early: the rest is padding
    model.train(training)
    ids = torch.cat(rows)
    written = ids[:, 1:]
    if stop_id is None:
        after_end = torch.zeros_like(written, dtype=torch.bool)
    else:
        ends = (written == stop_id).int()
        after_end = (ends.cumsum(1) - ends) > 0  # strictly after the first end of sentence
    y = written.masked_fill(after_end, IGNORE_INDEX)
    x = ids[:, :-1].masked_fill(after_end, 0)
    return x, y


@dataclass
class StudentData:
    """The distilled student's transfer set and how a step's batch is drawn from it (the module docstring)."""

    x: Tensor
    y: Tensor
    note: str | None = None  # what the run's log says about the student's text, if anything
    draw: Callable[[Tensor], tuple[Tensor, Tensor]] | None = None

    def teacher_batch(self, outputs: TeacherOutputs, index: Tensor) -> tuple[ModelOutput, Tensor | None]:
        """The teacher's outputs for the batch just drawn, and its hard labels where they differ from the labels
        (None: every real token has its right answer)."""
        return outputs.batch(index), None


class OnPolicy(StudentData):
    """A share λ of every batch written by the student itself, scored by the teacher (GKD)."""

    def __init__(self, x: Tensor, y: Tensor, student: nn.Module, share: float, stop_id: int | None, seed: int):
        super().__init__(x, y, f"on-policy: {share:.0%} of every batch is written by the student as it trains, "
                               "and scored by the teacher")
        self.student, self.share, self.stop_id = student, share, stop_id
        self.seeds = torch.Generator().manual_seed(seed)
        self.draw = self._draw
        self.inputs, self.written = x[:0], 0

    def _draw(self, index: Tensor) -> tuple[Tensor, Tensor]:
        x, y = self.x[index], self.y[index]
        self.written = round(self.share * len(index))
        if self.written:
            seed = int(torch.randint(2**31 - 1, (1,), generator=self.seeds))
            own_x, own_y = written_sequences(self.student, x[:self.written, :1], x.shape[1], self.stop_id, seed)
            x, y = torch.cat([own_x, x[self.written:]]), torch.cat([own_y, y[self.written:]])
        self.inputs = x
        return x, y

    def teacher_batch(self, outputs: TeacherOutputs, index: Tensor) -> tuple[ModelOutput, Tensor | None]:
        corpus = outputs.batch(index)
        k = self.written
        if not k:
            return corpus, None
        with torch.no_grad(), autocast(self.inputs.device):
            own = outputs.reduce(outputs.teacher(self.inputs[:k]).keep(outputs.needs))
        scored = corpus.from_tensors([torch.cat([a, b[k:]]) for a, b in zip(own.tensors(), corpus.tensors())])
        hard = self.y[index].clone()  # the corpus rows keep their right answers; the student's rows have none
        hard[:k] = IGNORE_INDEX
        return scored, hard


def student_data(config: RunConfig, splits: Splits, teacher: nn.Module, student: nn.Module, x: Tensor,
                 y: Tensor) -> StudentData:
    """What the distilled student of ``config`` reads, built from the corpus transfer set ``x``, ``y`` of
    ``splits`` (the module docstring)."""
    return READERS[config.data_mode](config, splits, teacher, student, x, y)


def _corpus(config, splits, teacher, student, x, y) -> StudentData:
    return StudentData(x, y)


def _teacher(config, splits, teacher, student, x, y) -> StudentData:
    own_x, own_y = written_sequences(teacher, x[:, :1], x.shape[1], tokenizer_of(splits).end_id, config.seed)
    return StudentData(own_x, own_y, f"sequence-level KD: the student reads {len(own_x):,} sequences the teacher "
                                     f"wrote at T = {SAMPLE_TEMPERATURE:g}, in place of the corpus")


def _on_policy(config, splits, teacher, student, x, y) -> StudentData:
    return OnPolicy(x, y, student, config.on_policy_share, tokenizer_of(splits).end_id, config.seed)


READERS = {"corpus": _corpus, "teacher": _teacher, "on-policy": _on_policy}  # one per ``config.DATA_MODES``
