"""A run's data as its models read it: the dataset, encoded with the teacher's own tokenizer when the teacher brings
one (a Hugging Face model: ``register_model(tokenizer=...)``), else with the run's corpus tokenizer
(``RunConfig.tokenizer``: characters as the dataset gives them, or a byte-level BPE trained on its training text).

Every place that rebuilds a run's models from its config reads the data here (training, a re-opened run, admission
sizing the student), so a student built on another vocabulary than characters is rebuilt on it too.
"""
from __future__ import annotations

from .data import Splits, load_dataset
from .data.tokenizers import CORPUS_TOKENIZERS, retokenized
from .models import model_meta, resolve


def is_pretrained(config) -> bool:
    """Whether the config's teacher comes trained (a Hugging Face model): used as it is, never trained or cached."""
    return bool(model_meta(config.teacher).get("pretrained"))


def brings_tokenizer(teacher: str) -> bool:
    """Whether model ``teacher`` comes with its own tokenizer, which then encodes the run's text."""
    return model_meta(teacher).get("tokenizer") is not None


def encoded(splits: Splits, teacher: str, teacher_kw: dict, tokenizer: str = "char") -> Splits:
    """``splits`` as the run's models read them: with the teacher's own tokenizer where it brings one, else with
    the corpus tokenizer named ``tokenizer`` (``CORPUS_TOKENIZERS``; "char": as they are)."""
    if brings_tokenizer(teacher):
        own = model_meta(teacher)["tokenizer"](**resolve(teacher, teacher_kw)[1])
        return retokenized(splits, own)
    trained = CORPUS_TOKENIZERS[tokenizer](splits)
    return splits if trained is None else retokenized(splits, trained)


def run_splits(config, download: bool = False) -> Splits:
    """The config's dataset (``download``: fetch missing files first, as only the CLI may), encoded as its models
    read it (``encoded``)."""
    splits = load_dataset(config.dataset, seed=config.seed, data_root=config.data_root, download=download,
                          **config.dataset_kw)
    return encoded(splits, config.teacher, config.teacher_kw, config.tokenizer)
