"""A run's summary tables as a page shows them (the Distill page's models and teachers, the home page's run):
columns in the reader's language, numbers written as a person writes them."""
from __future__ import annotations

import pandas as pd

from kdlab.viz import numbers
from ui.common import tr

ROLE_KEYS = {"teacher": "common.teacher", "baseline": "common.baseline", "student": "common.student"}
COLUMN_KEYS = {"accuracy_pct": "live.col_accuracy", "macro_f1_pct": "live.col_macro_f1", "params": "live.col_params",
               "size_kb": "live.col_size", "seconds": "live.col_time", "agreement_pct": "live.col_agreement"}


def summary_frame(rows: list[dict], index: str, names: dict[str, str]):
    """A summary table as a page shows it: columns translated, numbers written by ``kdlab.viz.numbers`` (one
    decimal for %, separators for counts, KiB/MiB, seconds) and a dash where a number is missing, never "None".
    The frame under the formatting keeps the numbers (sortable, and what tests read), except in a column with a
    missing number: Streamlit draws a missing cell as a grey "None" whatever the Styler says, so such a column is
    the written text (the teachers' ensemble has no macro-F1 or agreement of its own)."""
    frame = pd.DataFrame(rows).set_index(index).rename(index=names)
    frame.index.name = None  # the index column is the rows' names: no raw key ("role", "teacher") as its head
    shown = {"accuracy_pct": lambda v: numbers.percent_number(v / 100), "params": numbers.count,
             "size_kb": lambda v: numbers.nbytes(1024 * v), "seconds": numbers.seconds}
    shown.update(macro_f1_pct=shown["accuracy_pct"], agreement_pct=shown["accuracy_pct"])
    formats = {c: shown[c] for c in frame.columns}
    for column in frame.columns[frame.isna().any()]:
        write = formats.pop(column)
        frame[column] = [numbers.MISSING if pd.isna(v) else write(v) for v in frame[column]]
    frame = frame.rename(columns=lambda c: tr(COLUMN_KEYS[c]))
    return frame.style.format({tr(COLUMN_KEYS[c]): f for c, f in formats.items()})
