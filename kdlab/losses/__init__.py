"""Loss terms: the registry and ``DistillationLoss`` (``base``), and one module per method, each registering its
term on import. Adding a method is one module here plus its line below; the order in which the modules register
(this line's order, but a module imported by another registers first: ``dkd`` imports ``standardize``) is the order
of the formula, the curves and the controls."""
from .base import (KNOWLEDGE, LOSS_TERMS, DistillationLoss, Knob, LossTerm, TermInputs, register_function,
                   register_term, term, terms, weight_aliases)
from .soft import soft_target_loss, softened

from . import soft, attention, hint, dkd, dist, standardize, ctkd, relational, pkt, sp  # noqa: E402,F401,I001
from . import adversarial, divergences  # noqa: E402,F401,I001
# (each registers its term, in this order)

__all__ = ["KNOWLEDGE", "LOSS_TERMS", "DistillationLoss", "Knob", "LossTerm", "TermInputs", "register_function",
           "register_term", "term", "terms", "weight_aliases", "soft_target_loss", "softened"]
