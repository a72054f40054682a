"""A run in words and a formula: the numbers behind its verdict, its summary table, and the loss it minimised
with its values filled in.
"""
from __future__ import annotations

import math

from ..losses import terms
from ..stats import paired_verdict

KINDS = {"better": "helped", "worse": "hurt", "no_difference": "no_difference"}


def verdict(summary: dict) -> dict:
    """The numbers behind a verdict on a run (``RunResult.summary()``; accuracies are fractions).

    - ``gain_points = 100 (student_acc - baseline_acc)``: what distillation added over training the same small
      model on hard labels alone (None without a baseline).
    - ``kind``: from McNemar's exact test on the test images where exactly one of the two students is right
      (``kdlab.stats``): ``"helped"`` or ``"hurt"`` when chance explains the gap less than 1 time in 20, else
      ``"no_difference"``; ``"untested"`` for a run recorded before its paired counts were kept; None without a
      baseline. One image of digits' 360 is 0.28 points, so a gap of a point or two is often chance.
    - ``p_value``, ``only_student``, ``only_baseline``, ``images``: the test and the counts behind it.
    - ``teacher_gap_points = 100 (teacher_acc - student_acc)``: what the compression still costs.
    - ``param_ratio = teacher_params / student_params`` and ``size_ratio`` likewise for bytes: "k× smaller".
    """
    student, baseline, teacher = summary["student_acc"], summary.get("baseline_acc"), summary["teacher_acc"]
    gain = None if baseline is None else round(100.0 * (student - baseline), 9)
    paired = summary.get("paired") or {}
    kind, p_value = (None, None) if gain is None else ("untested", None)
    if gain is not None and paired:
        tested, p_value = paired_verdict(paired["only_student"], paired["only_baseline"])
        kind = KINDS[tested]

    def ratio(big, small):
        return big / small if big is not None and small else math.nan

    return {"kind": kind, "gain_points": gain, "p_value": p_value, "only_student": paired.get("only_student"),
            "only_baseline": paired.get("only_baseline"), "images": paired.get("images"),
            "teacher_gap_points": round(100.0 * (teacher - student), 9),
            "param_ratio": ratio(summary.get("teacher_params"), summary.get("student_params")),
            "size_ratio": ratio(summary.get("teacher_size_bytes"), summary.get("student_size_bytes"))}


def summary_table(summary: dict) -> list[dict]:
    """One row per model of a finished run (teacher, baseline when trained, distilled student), in the units a table
    shows: ``role``, ``accuracy_pct`` (test accuracy, %), ``macro_f1_pct`` (the mean of the per-class F1 scores, %;
    None for a run recorded before it was kept), ``params``, ``size_kb`` (parameters and buffers, KiB) and
    ``seconds`` (training time; a cached teacher keeps the time it originally took). Putting the three side by side
    is the whole point of distillation: the student should be nearly as accurate as the teacher, far smaller, and
    more accurate than the baseline of the same size."""
    seconds = {"teacher": "teacher_seconds", "baseline": "baseline_seconds", "student": "distill_seconds"}
    rows = []
    for role in ("teacher", "baseline", "student"):
        if summary.get(f"{role}_acc") is None:
            continue
        size = summary.get(f"{role}_size_bytes")
        f1 = summary.get(f"{role}_macro_f1")
        rows.append({"role": role, "accuracy_pct": round(100.0 * summary[f"{role}_acc"], 2),
                     "macro_f1_pct": None if f1 is None else round(100.0 * f1, 2),
                     "params": summary.get(f"{role}_params"),
                     "size_kb": None if size is None else round(size / 1024, 1),
                     "seconds": None if summary.get(seconds[role]) is None else round(summary[seconds[role]], 2)})
    return rows


def teachers_table(summary: dict) -> list[dict]:
    """A run of several teachers: one row per teacher (accuracy, macro-F1, parameters, the distilled student's
    agreement with it, in %) and the ensemble's accuracy; an empty list for a run of one teacher."""
    teachers = summary.get("teachers") or []
    if len(teachers) < 2:
        return []
    rows = [{"teacher": t["name"], "accuracy_pct": round(100 * t["acc"], 2),
             "macro_f1_pct": None if t.get("macro_f1") is None else round(100 * t["macro_f1"], 2),
             "params": t["params"], "agreement_pct": round(100 * t["agreement"], 2)} for t in teachers]
    return rows + [{"teacher": "ensemble", "accuracy_pct": round(100 * summary["ensemble_acc"], 2),
                    "macro_f1_pct": None, "params": sum(t["params"] for t in teachers), "agreement_pct": None}]


def _coefficient(value: float) -> str:
    """A loss weight as the formula shows it: whole numbers as such (0, 1, 10), slider fractions with two decimals
    (0.10), more digits only when needed."""
    value = round(float(value), 6) + 0.0  # 1 - 0.9 = 0.09999999999999998 -> 0.1; -0.0 -> 0.0
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}" if round(value, 2) == value else f"{value:.4g}"


def loss_formula_latex(config) -> str:
    """The loss of a run as LaTeX with its values substituted, so a page shows exactly what the run minimises:
    ``L = (1-α)·CE(y, s) + α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + β·L_att + γ·L_rep (+ w·L_term ...)``,
    generated from the loss-term registry.

    The (1-α) coefficient is computed, T² is written as ``T^2`` with T filled in (the factor that keeps the soft
    term's gradients as large as the hard term's as T grows), and the convention's weights stay visible at ``0``,
    so a learner sees which terms are switched off; a further term appears once its weight is above zero, on a line
    of its own (one line of them all ran past a page's width and was cut off).
    """
    t = f"{float(config.temperature):g}"
    written = [(spec, _product(_coefficient(spec.weight_in(config)), spec.symbol.replace("{T}", t)))
               for spec in terms() if spec.weight_letter or spec.weight_in(config) > 0]
    convention = " + ".join(part for spec, part in written if spec.weight_letter)
    further = [part for spec, part in written if not spec.weight_letter]
    if not further:
        return r"\mathcal{L} = " + convention
    return r"\begin{aligned}\mathcal{L} = {}& " + r" \\ &+ ".join([convention, *further]) + r"\end{aligned}"


def _product(weight: str, symbol: str) -> str:
    """``weight`` times ``symbol``: a thin space, or the symbol's own ``cdot`` (needed before a number: 0.9·4²)."""
    return weight + ("" if symbol.startswith(r"\cdot") else r"\,") + symbol


def loss_formula_symbols() -> str:
    """The loss with every registered term, in symbols (the README's and the Methods page's general form)."""
    parts = [_product(spec.symbol_of_weight, spec.symbol.replace("{T}", "T")) for spec in terms()]
    return r"\mathcal{L} = " + " + ".join(parts)
