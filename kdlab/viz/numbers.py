"""Numbers as a person writes them: one helper per kind, used by every page, figure and table.

Why one module: a class reads "98.3 %", "0.8 points below", "1.2 MiB" and "p < 0.001" the same way on every page,
and never sees ``None``, ``NaN``, ``0.900000`` or ``99.72141``. A value that is missing or not finite becomes
``MISSING`` (an en dash), never the word "None" or "nan". Words that depend on the language (plurals, "below")
stay in the text tables; these helpers return language-neutral figures only.
"""
from __future__ import annotations

import math

MISSING = "–"  # shown where a number is missing or not finite


def _finite(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def percent(fraction, digits: int = 1) -> str:
    """0.98312 -> "98.3 %" (a fraction in 0..1; the space before % as both languages' style guides ask)."""
    number = _finite(fraction)
    return MISSING if number is None else f"{100 * number:.{digits}f} %"


def percent_number(fraction, digits: int = 1) -> str:
    """0.98312 -> "98.3": for a column whose header already says "%"."""
    number = _finite(fraction)
    return decimals(None if number is None else 100 * number, digits)


def points(difference, digits: int = 1) -> str:
    """A difference of two accuracies in percentage points, unsigned (the sentence says above or below):
    -0.0084 -> "0.8"."""
    number = _finite(difference)
    return MISSING if number is None else f"{abs(100 * number):.{digits}f}"


def signed_points(difference, digits: int = 1) -> str:
    """A difference in points with its sign, for tables and axes: 0.0123 -> "+1.2", -0.0084 -> "−0.8" (a real minus
    sign), 0 -> "0.0"."""
    number = _finite(difference)
    if number is None:
        return MISSING
    text = f"{abs(100 * number):.{digits}f}"
    if float(text) == 0:
        return text
    return ("+" if number > 0 else "\u2212") + text


def weight(value) -> str:
    """A loss weight or a temperature as typed: 0.9 -> "0.9", 1000.0 -> "1000", 1e-05 -> "1e-05"."""
    number = _finite(value)
    if number is None:
        return MISSING
    return f"{number:.6g}"


def nbytes(count) -> str:
    """A size in bytes in binary units: 1132.47 -> "1.1 KiB", 5_400_000 -> "5.1 MiB"."""
    number = _finite(count)
    if number is None:
        return MISSING
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(number) < 1024 or unit == "GiB":
            return f"{number:.0f} B" if unit == "B" else f"{number:.1f} {unit}"
        number /= 1024
    raise AssertionError("unreachable")


def seconds(value) -> str:
    """A duration: 0.0042 -> "4 ms", 2.346 -> "2.3 s", 125 -> "2 min 5 s"."""
    number = _finite(value)
    if number is None:
        return MISSING
    if number < 1:
        fine = f"{1000 * number:.2f}"  # below a millisecond (a latency): two decimals, unless they are all zero
        return f"{1000 * number:.0f} ms" if number >= 0.001 or float(fine) == 0 else f"{fine} ms"
    if number < 60:
        return f"{number:.1f} s"
    minutes, rest = divmod(round(number), 60)
    return f"{minutes} min {rest} s"


def p_value(p) -> str:
    """A p-value with its relation: "p < 0.001", "p = 0.012", "p = 0.40" (never "p = < 0.001")."""
    number = _finite(p)
    if number is None:
        return MISSING
    if number < 0.001:
        return "p < 0.001"
    return f"p = {number:.3f}" if number < 0.01 else f"p = {number:.2f}"


def count(value) -> str:
    """A whole number with thousands separators: 1797 -> "1,797"."""
    number = _finite(value)
    return MISSING if number is None else f"{round(number):,}"


def ratio(value, digits: int = 1) -> str:
    """A factor: 3.04 -> "3.0×"."""
    number = _finite(value)
    return MISSING if number is None else f"{number:.{digits}f}×"


def decimals(value, digits: int = 1) -> str:
    """A measurement to a fixed number of decimals: 0.04231 -> "0.042" (3), 1.2345 -> "1.2" (1)."""
    number = _finite(value)
    return MISSING if number is None else f"{number:.{digits}f}"


def milliseconds(value) -> str:
    """A latency in milliseconds, without the unit: one decimal from 1 ms up ("12.3"), two significant digits below
    ("0.44", "0.031"): a small model's batch takes a few hundredths of a millisecond, which one decimal shows as 0."""
    number = _finite(value)
    if number is None:
        return MISSING
    if number >= 1 or number <= 0:
        return f"{number:.1f}"
    return f"{number:.{1 - math.floor(math.log10(number))}f}"


def comparison_text(row: dict) -> dict:
    """A row of ``metrics.comparison_rows`` as the Compare table shows it: accuracies, macro-F1 and agreement to
    one decimal, ECE to three, parameters with separators, the size in KiB/MiB, latency in ms (``milliseconds``)."""
    shown = {key: percent_number(row[key] / 100 if row[key] is not None else None)
             for key in ("accuracy_pct", "macro_f1_pct", "agreement_pct")}
    return {"role": row["role"], **shown, "ece": decimals(row["ece"], 3), "params": count(row["params"]),
            "size_kb": nbytes(row["size_kb"] * 1024), "latency_ms": milliseconds(row["latency_ms"])}


def measured(value, digits: int = 3) -> str:
    """A measured quantity of any size (a loss term's value) to ``digits`` significant digits: 0.0035551 ->
    "0.00356", 12.3456 -> "12.3", and below 0.001 in powers of ten (0.000123 -> "1.23e-04"), never a row of zeros."""
    number = _finite(value)
    if number is None:
        return MISSING
    return f"{number:.{digits - 1}e}" if 0 < abs(number) < 1e-3 else f"{number:.{digits}g}"
