"""``python -m kdlab teachers prepare|list``: train the default teachers of the pages (and lessons) ahead of a class,
and list which are cached."""
from __future__ import annotations

import argparse

from ..data import kdlab_home
from ..teacher_warmup import PAGES, describe, needed
from ..teachers import teacher_path
from .args import EpochPrinter


def add_teachers_parser(commands) -> None:
    parser = commands.add_parser("teachers", help="train (or find cached) the teachers the app's pages and lessons "
                                                  "need by default, or list which are cached")
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    for action, text in (("prepare", "train every default teacher that is not cached yet"),
                         ("list", "say which default teachers are cached, and where")):
        sub = actions.add_parser(action, help=text)
        sub.add_argument("--lessons", action="store_true", help="every lesson's teachers too")
        sub.add_argument("--only", nargs="+", default=[], metavar="NAME",
                         help=f"only those of these pages or lessons ({', '.join(PAGES)} or a lesson's key)")


def command_teachers(args: argparse.Namespace) -> int:
    needs = needed(args.lessons, tuple(args.only))
    if args.action == "list":
        cached = [need for need in needs if teacher_path(need.config).exists()]
        for need in needs:
            print(f"{'cached ' if need in cached else 'missing'}  {describe(need)}")
        print(f"{len(cached)} of {len(needs)} cached in {kdlab_home() / 'teachers'}")
        return 0
    from ..train import prepare_teacher  # training code only for the command that trains

    for number, need in enumerate(needs, 1):
        state = "cached" if teacher_path(need.config).exists() else "training"
        print(f"[{number}/{len(needs)}] {state}: {describe(need)}", flush=True)
        prepare_teacher(need.config, listeners=[EpochPrinter()])
    print(f"{len(needs)} teacher{'s' if len(needs) != 1 else ''} cached in {kdlab_home() / 'teachers'}")
    return 0
