"""kdlab: a small, headless knowledge-distillation lab (data, models, losses, trainer, run store, CLI).

Nothing here imports streamlit; only ``kdlab.figures`` imports plotly.
"""
from .config import RunConfig
from .data import DATASETS, Splits, load_dataset
from .losses import LOSS_TERMS, DistillationLoss, soft_target_loss
from .models import MODELS, PRESETS, ModelOutput, build_model
from .train import RunCancelled, RunResult, TrainEvent, TrainingDiverged, run_distillation

__all__ = ["RunConfig", "DATASETS", "Splits", "load_dataset", "LOSS_TERMS", "DistillationLoss", "soft_target_loss",
           "MODELS", "PRESETS", "ModelOutput", "build_model", "RunCancelled", "RunResult", "TrainEvent",
           "TrainingDiverged", "run_distillation"]
