"""``python -m kdlab list``: every dataset, model, preset and loss term, read from the registries."""
from __future__ import annotations

import argparse
import json

from ..data import DATASETS
from ..losses import terms
from ..models import MODELS, PRESETS


def add_list_parser(commands) -> None:
    listing = commands.add_parser("list", help="list datasets, models, presets and loss terms")
    listing.add_argument("--json", action="store_true", help="print everything as one JSON object")


def catalog() -> dict[str, list[dict]]:
    """Everything that exists, from the registries: what ``kdlab list`` prints and ``list --json`` returns."""
    return {
        "datasets": [{"name": n, **{k: DATASETS.get(n).meta[k] for k in ("modality", "num_classes", "summary")}}
                     for n in DATASETS.names()],
        "models": [{"name": n, "modalities": list(MODELS.get(n).meta["modalities"]), "summary": MODELS.get(n).meta[
            "summary"]} for n in MODELS.names()],
        "presets": [{"name": n, "model": PRESETS.get(n).factory[0], "knobs": PRESETS.get(n).factory[1],
                     "summary": PRESETS.get(n).meta["summary"]} for n in PRESETS.names()],
        "loss_terms": [spec.describe() for spec in terms()],
    }


def _short(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def command_list(args: argparse.Namespace) -> int:
    everything = catalog()
    if args.json:
        print(json.dumps(everything, ensure_ascii=False))
        return 0
    rows = {
        "datasets": [(d["name"], f"[{d['modality']}, {d['num_classes']} classes] {d['summary']}")
                     for d in everything["datasets"]],
        "models": [(m["name"], f"[{', '.join(m['modalities'])}] {m['summary']}") for m in everything["models"]],
        "presets": [(p["name"], f"{p['model']} {p['knobs']}  {p['summary']}") for p in everything["presets"]],
        "loss terms": [(t["name"], f"[{t['knowledge']}, weight {t['weight']}, method {t['method']}] "
                                   f"{t['explain']['en']} ({t['paper']})"
                        + "".join(f"\n{'':24}{key}={_short(k['default'])}: {k['help']['en']}"
                                  for key, k in t["knobs"].items()))
                       for t in everything["loss_terms"]],
    }
    for title, entries in rows.items():
        print(f"{title}:")
        for name, text in entries:
            print(f"  {name:20} {text}")
    return 0
