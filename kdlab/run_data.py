"""A run's data as its models read it: the dataset, encoded with the teacher's own tokenizer when the teacher brings
one (a Hugging Face model: ``register_model(tokenizer=...)``), else as the dataset gives it (characters for text).

Every place that rebuilds a run's models from its config reads the data here (training, a re-opened run, admission
sizing the student), so a student built on a Hugging Face teacher's vocabulary is rebuilt on it too.
"""
from __future__ import annotations

from .data import Splits, load_dataset
from .data.tokenizers import retokenized
from .models import model_meta, resolve


def is_pretrained(config) -> bool:
    """Whether the config's teacher comes trained (a Hugging Face model): used as it is, never trained or cached."""
    return bool(model_meta(config.teacher).get("pretrained"))


def teacher_tokenizer(teacher: str, teacher_kw: dict):
    """The tokenizer teacher ``teacher`` with knobs ``teacher_kw`` brings (``transformers``'), or None when it reads
    the dataset's ids."""
    make = model_meta(teacher).get("tokenizer")
    return None if make is None else make(**resolve(teacher, teacher_kw)[1])


def run_splits(config, download: bool = False) -> Splits:
    """The config's dataset (``download``: fetch missing files first, as only the CLI may), encoded with the
    teacher's tokenizer where it has one."""
    splits = load_dataset(config.dataset, seed=config.seed, data_root=config.data_root, download=download,
                          **config.dataset_kw)
    tokenizer = teacher_tokenizer(config.teacher, config.teacher_kw)
    return splits if tokenizer is None else retokenized(splits, tokenizer)
