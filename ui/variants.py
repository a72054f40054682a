"""A run's compressed variants, wherever a run is shown (Compress, History, Compare): their measured numbers and,
for the browser that started the run, their files — safetensors, or ONNX checked with onnxruntime — made by a
worker process on request (``JobRunner.export``: never in the server) and offered once written."""
from pathlib import Path

import pandas as pd
import streamlit as st

from kdlab.compress.config import CompressRequest
from kdlab.compress.record import EXPORT_FORMATS
from kdlab.viz.numbers import count, nbytes, percent, weight
from ui import text as i18n
from ui.common import browser_key, error_text, lang, runner, tr, worded

COLUMNS = ("accuracy_pct", "agreement_pct", "size", "params", "nonzero", "mflops", "latency_1", "latency_64",
           "notes")
FORMATS = {"accuracy_pct": "%.1f", "agreement_pct": "%.1f", "params": "localized", "nonzero": "localized",
           "mflops": "%.3f", "latency_1": "%.3f", "latency_64": "%.3f"}  # as a person writes them, still sortable


def said(key: str, **values) -> str:
    """Our own words filled with our own values, for a table's index, a widget's options or a figure, which show
    text as it is (``tr`` escapes its values for Markdown)."""
    return i18n.t(key, lang(), **values)


def step_words(step: dict, name: str) -> str:
    """One recorded compression step in the reader's language (the core's name, ``ft3-teacher``, is a key)."""
    kind = step["step"]
    if kind == "prune":
        return said("compress.variant.prune_structured" if step["structured"] else "compress.variant.prune",
                    sparsity=percent(step["sparsity"], 0))
    if kind == "lowrank":
        return (said("compress.variant.rank", rank=step["rank"]) if step.get("rank") is not None else
                said("compress.variant.energy", energy=percent(step["energy"], 0)))
    if kind == "finetune":
        words = said(f"compress.variant.finetune_{step['source']}", epochs=step["epochs"])
        shown_lr = f"-lr{step['lr']:g}" in name  # the name carries the rate only where it is not the run's own
        return words + (said("compress.variant.lr", lr=weight(step["lr"])) if shown_lr else "")
    return said(f"compress.variant.{kind}")


def variant_label(row: dict) -> str:
    """A measured model's name as a reader says it, built from its recorded role and steps: "蒸馏学生，经结构化剪枝 50 %
    + 向教师微调 3 轮" for ``student/prune-50-structured+ft3-teacher``."""
    role = said(f"compress.variant.role_{row['role']}")
    steps = row.get("steps") or []
    if not steps:  # the model itself, or a variant recorded before its steps were kept: its stored name tells them apart
        return row["name"].partition("/")[2] or role
    return said("compress.variant.named", role=role, steps=" + ".join(step_words(s, row["name"]) for s in steps))


def note_words(note) -> str:
    """A variant's note (a key and values from ``kdlab.compress.quantize``) in the reader's language; a note stored as
    text by an older version is shown as it is."""
    if isinstance(note, str):
        return note
    return said(f"compress.note.{note['note']}", **{k: v for k, v in note.items() if k != "note"})


def variants_table(rows: list[dict], page: str) -> None:
    """A run's measured models (``RunStore.variants``): accuracy, size (KiB, MiB), FLOPs and CPU latency of each."""
    st.subheader(tr("compress.table_title"))
    table = pd.DataFrame([{
        "accuracy_pct": 100 * r["accuracy"], "agreement_pct": 100 * r["agreement"], "size": nbytes(r["bytes"]),
        "params": r["params"], "nonzero": r["nonzero_params"], "mflops": r["flops"] / 1e6,
        "latency_1": r["latency_ms_batch1"], "latency_64": r["latency_ms_batch64"],
        "notes": "; ".join(map(note_words, r["notes"])),
    } for r in rows], index=[variant_label(r) for r in rows])
    st.dataframe(table.rename(columns={c: tr(f"compress.col.{c}") for c in COLUMNS}), key=f"{page}_variants_table",
                 column_config={tr(f"compress.col.{c}"): st.column_config.NumberColumn(format=f)
                                for c, f in FORMATS.items()})
    st.caption(tr("compress.threads", repeats=rows[0].get("repeats", CompressRequest.repeats),
                  threads=rows[0]["threads"]))


def variant_downloads(run_id: str, rows: list[dict], page: str) -> None:
    """The run's students and every stored variant as files, for the browser that started the run: a button asks
    a worker for the file, the progress shows while it works, then the file is offered."""
    st.subheader(tr("compress.downloads"))
    record = runner().store.get(run_id)
    if record.owner is None or record.owner != browser_key():
        st.caption(tr("compress.downloads_not_yours"))
        return
    roles = ["student", "baseline"] if record.config.get("baseline", True) else ["student"]
    names = list(dict.fromkeys([*roles, *(r["name"] for r in rows if r["role"] != "teacher")]))
    labels = {r["name"]: variant_label(r) for r in rows}
    labels |= {role: said(f"compress.variant.role_{role}") for role in roles}
    name = st.selectbox(tr("compress.download_model"), names, format_func=worded(names, labels.__getitem__),
                        key=f"{page}_download_model")
    for column, what in zip(st.columns(len(EXPORT_FORMATS)), EXPORT_FORMATS):
        if column.button(tr(f"compress.prepare_{what}"), key=f"{page}_prepare_{what}"):
            try:
                runner().export(run_id, name, what, browser_key(), retry=True)
            except ValueError as err:
                column.error(tr("common.error", message=error_text(err)))
    busy = any(job.status in ("queued", "running") for job in _jobs(run_id, name))
    st.fragment(_files, run_every=1.0 if busy else None)(run_id, name, page, busy)


def _jobs(run_id: str, name: str) -> list:
    exports = runner().exports
    return [job for what in EXPORT_FORMATS if (job := exports.get((run_id, name, what))) is not None]


def _files(run_id: str, name: str, page: str, polling: bool) -> None:
    """Each format's job: its place in the queue or its progress, then its file and what was checked; the whole
    page redraws once a job it was polling has ended (so the polling stops)."""
    jobs = runner()
    if polling and not any(job.status in ("queued", "running") for job in _jobs(run_id, name)):
        st.rerun()
    stem = f"kdlab-{run_id}-{name.replace('/', '-')}"
    for column, what in zip(st.columns(len(EXPORT_FORMATS)), EXPORT_FORMATS):
        job = jobs.exports.get((run_id, name, what))
        if job is None:
            continue
        if job.status in ("queued", "running"):
            place = jobs.queue_position(job.id)
            done = min(max(jobs.progress(job.id) or 0.0, 0.0), 1.0)
            column.progress(done, text=tr("compress.export_queued", position=place) if place else
                            tr(f"compress.exporting_{what}"))
        elif job.status == "failed":
            column.warning(tr(f"compress.{what}_failed", message=job.error or ""))
        else:
            facts = job.facts()
            column.caption(tr(f"compress.{what}_ready", size=nbytes(facts["bytes"]),
                              agreement=percent(facts.get("agreement"), 2), samples=count(facts.get("samples"))))
            column.download_button(tr(f"compress.download_{what}"), lambda path=job.path: Path(path).read_bytes(),
                                   file_name=f"{stem}.{what}", mime="application/octet-stream", on_click="ignore",
                                   key=f"{page}_download_{what}")
