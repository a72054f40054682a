"""How a page words a loss weight: from the registry alone (its letter and its term's label), never from a text key
of its own, so that α, β and γ mean on every page what the formula says they mean.

Plain functions of a language code: ``ui.common`` words errors through this module, so it imports nothing of
``ui.common``.
"""
from __future__ import annotations

from kdlab.losses import LOSS_TERMS, term
from kdlab.runs.tables import loss_weights
from kdlab.viz import numbers
from ui import text as i18n


def setting_words(setting: str, lang: str) -> str:
    """A setting as the pages name it, the one naming of errors, the Sweep page's axes and its table: a weight
    (``terms.soft``) as its control says it ("α — soft targets", ``LossTerm.weight_label``; "weight of DKD" for a
    term the formula gives no letter), a field of a run's config from ``sweep.setting.*`` (``student_kw.hidden``
    follows its field), any other setting from ``errors.setting.*``, else as it is."""
    name = setting.removeprefix("terms.")
    if setting.startswith("terms.") and name in LOSS_TERMS:
        spec = term(name)
        return spec.weight_label(lang) if spec.weight_letter else i18n.t("sweep.weight", lang,
                                                                           term=spec.text("label", lang))
    head, dot, key = setting.partition(".")
    if f"sweep.setting.{head}" in i18n.TEXT:  # a field of a run's config, as the Sweep page names it
        return i18n.t(f"sweep.setting.{head}", lang) + (f" · {key}" if dot else "")
    key = f"errors.setting.{setting}"
    return i18n.t(key, lang) if key in i18n.TEXT else setting


def weights_text(config: dict, lang: str) -> str:
    """A run's loss weights in one line, "α = 0.9, β = 300" (``kdlab.runs.tables.loss_weights``: α always, every
    other weight that is on), a term without a letter by its label ("decoupled KD (DKD) = 1")."""
    return i18n.t("common.list_separator", lang).join(
        f"{spec.weight_letter or spec.text('label', lang)} = {numbers.weight(value)}"
        for spec, value in loss_weights(config))
