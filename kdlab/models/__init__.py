"""Models: the registry and ``ModelOutput`` (``base``), and one module per family, each registering on import."""
from .base import (ATTENTION_KINDS, MODELS, OUTPUT_FIELDS, PRESETS, InputSpec, LogitsOnly, ModelOutput, build_model,
                   model_meta, models_for, parameter_count, register_model, register_preset, resolve, size_bytes)

from . import cnn, gpt, hf, mlp, presets, recurrent, resnet, transformer, tv  # noqa: E402,F401  (registers the models)

__all__ = ["ATTENTION_KINDS", "MODELS", "OUTPUT_FIELDS", "PRESETS", "InputSpec", "LogitsOnly",
           "ModelOutput", "build_model",
           "model_meta", "models_for", "parameter_count", "register_model", "register_preset", "resolve",
           "size_bytes"]
