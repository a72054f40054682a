"""kdlab: a small, headless knowledge-distillation lab.

The ML core lives at the top (config, data, models, losses, the training loop and the trainer); ``kdlab.runs`` keeps
runs (the store, recording, loading, import/export, tables); ``kdlab.serve`` runs them for the app (the job queue,
worker processes, server settings); ``kdlab.viz`` computes what the pages show and builds the plotly figures.
Nothing here imports streamlit; only ``kdlab.viz.figures`` imports plotly.
"""
from .config import RunConfig
from .data import DATASETS, Splits, load_dataset
from .fit import RunCancelled, TrainEvent, TrainingDiverged
from .losses import LOSS_TERMS, DistillationLoss, soft_target_loss
from .models import MODELS, PRESETS, ModelOutput, build_model
from .train import RunResult, run_distillation

__all__ = ["RunConfig", "DATASETS", "Splits", "load_dataset", "LOSS_TERMS", "DistillationLoss", "soft_target_loss",
           "MODELS", "PRESETS", "ModelOutput", "build_model", "RunCancelled", "RunResult", "TrainEvent",
           "TrainingDiverged", "run_distillation"]
