"""``kdlab runs …``: list, show, export, import and delete the runs recorded in ``$KDLAB_HOME/runs.sqlite``.

The same store the app reads, so a run distilled from the shell appears on the History page and vice versa, and a
run trained on another machine comes in with ``runs import``. Bad input raises ``ValueError``, which ``kdlab.cli``
turns into one ``kdlab: error: …`` line and exit code 2.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..compress.record import model_file
from ..policy.admission import admit
from ..policy.settings import ServerSettings
from ..tensor_files import atomic_file
from ..train import prepare_teacher
from ..runs.exchange import created_text, import_run, metrics_csv, run_json
from ..runs.store import ACTIVE, DEFAULT_WORKSPACE, RunRecord, RunStore

EXPORTS = ("metrics", "config", "weights", "onnx", "safetensors")


def add_runs_parser(commands: argparse._SubParsersAction) -> None:
    runs = commands.add_parser("runs", help="list, show, export, import or delete recorded runs")
    actions = runs.add_subparsers(dest="runs_command", required=True)
    listing = actions.add_parser("list", help="recorded runs, newest first")
    listing.add_argument("--workspace", default=None, help="only this workspace (default: all of them)")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    show = actions.add_parser("show", help="one run's config, results and status")
    show.add_argument("run_id")
    show.add_argument("--json", action="store_true", help="print the whole run record as JSON")
    export = actions.add_parser("export", help="write a run's metrics (CSV), config (JSON) or weights to a file")
    export.add_argument("run_id")
    export.add_argument("--what", choices=EXPORTS, required=True)
    export.add_argument("--output", required=True, help="the file to write")
    export.add_argument("--model", default="student", help="onnx/safetensors: student, baseline or a variant "
                        "stored by `kdlab compress` (e.g. student/int8)")
    importer = actions.add_parser("import", help="add a run trained elsewhere from its config and weights files")
    importer.add_argument("--config", required=True, help="the run's config JSON (runs export --what config)")
    importer.add_argument("--weights", required=True, help="its weights file (runs export --what weights)")
    importer.add_argument("--workspace", default=DEFAULT_WORKSPACE)
    delete = actions.add_parser("delete", help="delete a run with its metrics and weights")
    delete.add_argument("run_id")


def command_runs(args: argparse.Namespace) -> int:
    store = RunStore()
    store.mark_interrupted()  # runs whose process died show as interrupted, not forever 'running'
    return {"list": _list, "show": _show, "export": _export, "import": _import, "delete": _delete}[
        args.runs_command](store, args)


def run_row(record: RunRecord) -> dict:
    """What ``runs list --json`` prints per run."""
    config, summary = record.config, record.summary or {}
    return {"id": record.id, "workspace": record.workspace, "status": record.status,
            "dataset": config.get("dataset"), "teacher": config.get("teacher"), "student": config.get("student"),
            "created": created_text(record.created), "student_acc": summary.get("student_acc")}


def _percent(value) -> str:
    return "-" if value is None else f"{value:.2%}"


def _list(store: RunStore, args: argparse.Namespace) -> int:
    rows = [run_row(r) for r in store.list(args.workspace)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        print("no runs recorded" + (f" in workspace {args.workspace!r}" if args.workspace else ""))
    for r in rows:
        print(f"{r['id']}  {r['created']}  {r['status']:11} {r['workspace'][:16]:16} {r['dataset']:10} "
              f"{r['teacher']} -> {r['student']}  student {_percent(r['student_acc'])}")
    return 0


def _show(store: RunStore, args: argparse.Namespace) -> int:
    if args.json:
        print(run_json(store, args.run_id))
        return 0
    record = store.get(args.run_id)
    summary = record.summary or {}
    print(f"run {record.id}  [{record.status}]  workspace {record.workspace!r}  from {record.source}  "
          f"created {created_text(record.created)}  events {len(store.events(record.id))}")
    print("config: " + ", ".join(f"{k}={v}" for k, v in record.config.items()))
    if record.summary:
        for role in ("teacher", "baseline", "student"):
            if summary.get(f"{role}_acc") is not None:
                print(f"  {role:8} accuracy {_percent(summary[f'{role}_acc'])}  {summary[f'{role}_params']:,} params")
    if record.error:
        print(f"error: {record.error}")
    return 0


def _export(store: RunStore, args: argparse.Namespace) -> int:
    about = None
    if args.what == "metrics":
        data = metrics_csv(store, args.run_id).encode()
    elif args.what == "config":
        data = (json.dumps(store.get(args.run_id).config, indent=2, ensure_ascii=False) + "\n").encode()
    elif args.what in ("onnx", "safetensors"):
        data, about = model_file(store, args.run_id, args.what, args.model)
    else:
        data = store.weights_bytes(args.run_id)
    try:
        with atomic_file(Path(args.output)) as handle:
            handle.write(data)
    except OSError as err:
        raise ValueError(f"cannot write {args.output}: {err.strerror or err}") from None
    print(f"wrote {args.what} of run {args.run_id} to {args.output} ({len(data):,} bytes)"
          + (f": {about}" if about else ""))
    return 0


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise ValueError(f"cannot read the {what} file {path}: {err.strerror or err}") from None


def _import(store: RunStore, args: argparse.Namespace) -> int:
    settings = ServerSettings.for_cli()  # the same gate as `kdlab distill`'s
    run_id = import_run(store, _read(args.config, "config"), _read(args.weights, "weights"), args.workspace,
                        teacher_for=prepare_teacher,  # the shell may train a missing teacher
                        admit=lambda config: admit(config, settings))
    summary = store.get(run_id).summary
    print(f"imported as run {run_id}: student {_percent(summary['student_acc'])}, "
          f"teacher {_percent(summary['teacher_acc'])} (recomputed on the test set)")
    return 0


def _delete(store: RunStore, args: argparse.Namespace) -> int:
    record = store.get(args.run_id)
    if record.status in ACTIVE:
        raise ValueError(f"run {record.id} is still {record.status}; stop it before deleting it")
    store.delete(record.id)
    print(f"deleted run {record.id}")
    return 0
