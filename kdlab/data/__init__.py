"""Datasets: the registry (``base``) and one module per family, each registering its loaders on import."""
from .base import (DATASETS, IGNORE_INDEX, MODALITIES, PAD, SCALES, UNK, DataMissingError, Splits,
                   check_dataset_knobs, class_names_of, dataset_knobs, default_data_root, kdlab_home, load_dataset,
                   register_dataset, run_defaults, stratified_split, transfer_indices)

from . import digits, text, tinylang, toy2d, uploads, vision  # noqa: E402,F401  (registers the datasets)

__all__ = ["DATASETS", "IGNORE_INDEX", "MODALITIES", "PAD", "SCALES", "UNK", "DataMissingError", "Splits",
           "check_dataset_knobs", "class_names_of", "dataset_knobs", "default_data_root", "kdlab_home", "load_dataset",
           "register_dataset", "run_defaults", "stratified_split", "transfer_indices"]
