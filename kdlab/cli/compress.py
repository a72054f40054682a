"""``kdlab compress RUN_ID``: quantize, prune or factorise a finished run's students and measure every variant.

Bad knobs, an unknown or unfinished run, or a run without weights are refused before anything is loaded or written
(``ValueError`` -> one ``kdlab: error: …`` line and exit code 2 in ``kdlab.cli``). Progress goes to stderr; with
``--json`` the last line of stdout is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import sys

from ..runs.store import RunStore
from ..policy.settings import ServerSettings
from ..compress.config import FINETUNE_SOURCES, CompressRequest
from ..compress.quantize import note_text
from ..compress.record import compress_stored_run, stored_config
from ..compress.verdict import findings


def add_compress_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("compress", help="quantize, prune or factorise a finished run's students, "
                                                  "fine-tune them, and measure every variant")
    parser.add_argument("run_id")
    parser.add_argument("--int8", action="store_true", help="int8 weights (torchao, dynamic activations)")
    parser.add_argument("--prune", type=float, default=0.0, metavar="SPARSITY",
                        help="fraction of weights (or with --structured, of neurons/channels) removed, in [0, 1)")
    parser.add_argument("--structured", action="store_true", help="remove whole neurons/channels: layers shrink")
    parser.add_argument("--rank", type=int, default=None, help="truncated-SVD rank of Linear and 1x1 conv layers")
    parser.add_argument("--energy", type=float, default=None,
                        help="or the smallest rank keeping this fraction of the squared singular values")
    parser.add_argument("--finetune", type=int, default=0, metavar="EPOCHS",
                        help="recovery epochs for each pruned or factorised variant")
    parser.add_argument("--finetune-from", default="teacher", metavar="|".join(FINETUNE_SOURCES),
                        help="recover from the run's teacher (its T and α, terms.soft), the labels, or one of each")
    parser.add_argument("--finetune-lr", type=float, default=None, help="default: the run's learning rate")
    parser.add_argument("--roles", default="student,baseline", help="which students of the run (comma-separated)")
    parser.add_argument("--threads", type=int, default=CompressRequest.threads, help="torch threads while timing")
    parser.add_argument("--repeats", type=int, default=CompressRequest.repeats, help="timed calls per latency")
    parser.add_argument("--json", action="store_true", help="print every variant's numbers as one JSON line")


def request_from_args(args: argparse.Namespace) -> CompressRequest:
    request = CompressRequest(int8=args.int8, prune=args.prune, structured=args.structured, rank=args.rank,
                              energy=args.energy, finetune=args.finetune, finetune_from=args.finetune_from,
                              finetune_lr=args.finetune_lr, roles=tuple(r.strip() for r in args.roles.split(",")),
                              threads=args.threads, repeats=args.repeats)
    return request.validate(max_epochs=ServerSettings.for_cli().max_epochs)


class _Notes:
    def on_note(self, text: str) -> None:
        print(f"[compress] {text}", file=sys.stderr)


def command_compress(args: argparse.Namespace) -> int:
    request = request_from_args(args)
    store = RunStore()
    stored_config(store, args.run_id)  # unknown, unfinished or weightless: refused before any work
    variants = compress_stored_run(store, args.run_id, request, listeners=[_Notes()])
    print(f"{'model':44} {'accuracy':>9} {'bytes':>9} {'params':>8} {'non-zero':>8} {'FLOPs':>10} "
          f"{'ms @1':>7} {'ms @64':>7}")
    for v in variants:
        m = v.metrics
        print(f"{v.name:44} {m['accuracy']:9.2%} {m['bytes']:9,} {m['params']:8,} {m['nonzero_params']:8,} "
              f"{m['flops']:10,} {m['latency_ms_batch1']:7.3f} {m['latency_ms_batch64']:7.3f}")
        for note in m["notes"]:
            print(f"{'':46}{note_text(note)}")
    print(f"latency: median of {request.repeats} CPU calls after warm-up, {request.threads} torch thread(s); "
          f"stored with run {args.run_id}")
    if args.json:
        rows = [v.row() for v in variants]
        print(json.dumps({"run_id": args.run_id, "threads": request.threads, "repeats": request.repeats,
                          "variants": rows, "findings": findings(rows)}))
    return 0
