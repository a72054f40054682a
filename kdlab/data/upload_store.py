"""Where uploads are kept (``$KDLAB_HOME/datasets``), who kept them, and how much disk they use.

An upload is one ``upload-<name>-<hash>.pt``; the same content uploaded twice is one file. Beside it,
``<name>.json`` lists its claims: the (workspace, browser) pairs that uploaded it. A workspace sees the uploads it
claims, a browser deletes only its own claim, and the file goes when its last claim does. An upload from the CLI
(``--data-file``) has no claim: it is kept for the CLI and listed by no page.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from ..tensor_files import atomic_file
from ..errors import UserError
from .base import DATASETS, kdlab_home

PREFIX = "upload-"
_CLAIMING = threading.Lock()  # sessions of one server claim and delete one at a time


@dataclass(frozen=True)
class Upload:
    """A kept upload as a page lists it: its dataset name, the file it came from, its size on disk."""

    name: str
    source: str
    nbytes: int
    mine: bool  # this browser claimed it in this workspace, so it may delete it


def datasets_dir() -> Path:
    return kdlab_home() / "datasets"


def kept_bytes() -> int:
    """Disk used by every kept upload, all workspaces together (``max_upload_total_mb`` caps it)."""
    folder = datasets_dir()
    return sum(p.stat().st_size for p in folder.glob(f"{PREFIX}*.pt")) if folder.is_dir() else 0


def _claims_path(name: str) -> Path:
    return datasets_dir() / f"{name}.json"


def _record(name: str) -> tuple[str, list[dict]]:
    """The upload's file name as sent and its claims (none for a missing or unreadable record)."""
    try:
        data = json.loads(_claims_path(name).read_text(encoding="utf-8"))
        return str(data["source"]), [c for c in data["claims"] if isinstance(c, dict)]
    except (OSError, ValueError, TypeError, KeyError):
        return name, []


def _write_record(name: str, source: str, claims: list[dict]) -> None:
    with atomic_file(_claims_path(name), "w") as handle:
        json.dump({"source": source, "claims": claims}, handle)


def claim(name: str, source: str, workspace: str, owner: str | None) -> None:
    """Record that ``owner`` (a browser key) uploaded ``name`` in ``workspace``: listed there, deletable by it."""
    with _CLAIMING:
        claims = _record(name)[1]
        entry = {"workspace": workspace, "owner": owner}
        if entry not in claims:
            _write_record(name, source, claims + [entry])


def claimed(workspace: str, owner: str | None) -> list[Upload]:
    """The uploads claimed in ``workspace``, oldest name first; ``mine`` where ``owner`` is one who claimed it."""
    folder = datasets_dir()
    found = []
    for path in sorted(folder.glob(f"{PREFIX}*.json")) if folder.is_dir() else []:
        name = path.stem
        source, claims = _record(name)
        here = [c for c in claims if c.get("workspace") == workspace]
        pt = folder / f"{name}.pt"
        if here and pt.is_file():
            found.append(Upload(name, source, pt.stat().st_size,
                                mine=owner is not None and any(c.get("owner") == owner for c in here)))
    return found


def delete_upload(name: str, workspace: str, owner: str | None) -> bool:
    """Drop ``owner``'s claim on ``name`` in ``workspace``; the file goes with the last claim (True then). A
    ValueError when it is not theirs: another browser's upload is not this one's to delete."""
    with _CLAIMING:
        source, claims = _record(name)
        mine = {"workspace": workspace, "owner": owner}
        if owner is None or mine not in claims:
            raise UserError("upload.not_owner", "the upload {name} is not this browser's in workspace {workspace}; "
                            "only the browser that uploaded it may delete it", name=name, workspace=workspace)
        rest = [c for c in claims if c != mine]
        if rest:
            _write_record(name, source, rest)
            return False
        (datasets_dir() / f"{name}.pt").unlink(missing_ok=True)
        _claims_path(name).unlink(missing_ok=True)
        if name in DATASETS.names():
            DATASETS.remove(name)
        return True
