"""Loss terms: the registry and ``DistillationLoss`` (``base``), and one module per method, each registering on
import."""
from .base import LOSS_TERMS, DistillationLoss, register_loss
from .soft import soft_target_loss, softened

from . import attention, hint, relational  # noqa: E402,F401  (registers the terms)

__all__ = ["LOSS_TERMS", "DistillationLoss", "register_loss", "soft_target_loss", "softened"]
