"""``python -m kdlab lessons verify``: run every lesson's preset over seeds (and a disjoint holdout set) and check
its claim; exit 0 when every claim holds."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..checks import parse_seeds
from ..lessons import LESSONS
from ..lessons_verify import MEASURED_PATH, check_not_fewer_seeds, save_measured, verify


def add_lessons_parser(commands) -> None:
    lessons = commands.add_parser("lessons", help="the classroom lessons: verify their claims")
    actions = lessons.add_subparsers(dest="lessons_command", required=True, parser_class=type(lessons))
    run = actions.add_parser("verify", help="run every lesson's preset over seeds and check its claim")
    run.add_argument("--seeds", default="0,1,2", help="seeds to run, e.g. 0,1,2 (paired tests pool over them)")
    run.add_argument("--holdout", default=None,
                     help="a second, disjoint seed set every claim is checked on as well, e.g. 3,4,5")
    run.add_argument("--lesson", action="append", default=None, choices=[e.key for e in LESSONS],
                     help="only this lesson (repeatable)")
    run.add_argument("--fast", action="store_true", help="only the lessons the test suite verifies")
    run.add_argument("--write", action="store_true",
                     help="keep the measurements (merged per lesson into --output); without it nothing is written")
    run.add_argument("--output", default=str(MEASURED_PATH), help="where --write keeps the measurements")
    run.add_argument("--force", action="store_true",
                     help="with --write, replace lessons that were measured on more seeds than this run")
    run.add_argument("--json", action="store_true", help="print the report as one JSON line at the end")


def _checks_line(checks: list[dict]) -> str:
    return ", ".join(f"{c['check']}={'ok' if c['holds'] else 'FAILS'}" for c in checks)


def command_lessons(args: argparse.Namespace) -> int:
    """Exit 0 when every claim holds, 1 when one does not (the report says which)."""
    keys = args.lesson or [e.key for e in LESSONS if e.fast or not args.fast]
    seeds = parse_seeds(args.seeds)
    holdout = parse_seeds(args.holdout, "--holdout") if args.holdout else None
    if args.write and not args.force:  # before minutes of training, not after
        check_not_fewer_seeds(keys, seeds + (holdout or []), Path(args.output))
    report = verify(keys, seeds, progress=lambda line: print(line, file=sys.stderr), holdout=holdout)
    if args.write:
        save_measured(report, Path(args.output))
    for key, entry in report["lessons"].items():
        parts = _checks_line(entry["checks"])
        if "holdout" in entry:
            parts += "; on the holdout: " + _checks_line(entry["holdout"]["checks"])
        print(f"{key:18} {'holds' if entry['holds'] else 'FAILS':6} {parts}")
    if args.json:
        print(json.dumps(report))
    return 0 if report["holds"] else 1
