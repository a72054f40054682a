"""``python -m kdlab generate RUN_ID --prompt TEXT``: what a finished language-model run's student, teacher or
baseline writes after a prompt, sampled at a temperature from a seed (``kdlab.language.generate_text``)."""
from __future__ import annotations

import argparse
import sys

from ..data.tokenizers import tokenizer_of
from ..language import generate_text
from ..runs.loading import load_run
from ..runs.store import RunStore
from ..teachers import TeacherNotCached
from .args import CliError, EpochPrinter

ROLES = ("student", "teacher", "baseline")


def add_generate_parser(commands) -> None:
    parser = commands.add_parser("generate", help="text written by a finished language-model run's models")
    parser.add_argument("run_id", help="a finished run on a text corpus (see `kdlab runs list`)")
    parser.add_argument("--prompt", default="", help="the text to continue (default: a sentence from its start)")
    parser.add_argument("--model", choices=ROLES, default="student", help="which of the run's models writes")
    parser.add_argument("--temperature", "-T", type=float, default=1.0,
                        help="sampling temperature: the softmax of the soft targets' T (0: the likeliest token)")
    parser.add_argument("--seed", type=int, default=0, help="the same seed writes the same text")
    parser.add_argument("--tokens", type=int, default=100, help="tokens written at most (a sentence may end first)")


def command_generate(args: argparse.Namespace) -> int:
    store = RunStore()
    try:
        run = load_run(store, args.run_id)
    except TeacherNotCached as missing:  # the shell may train: the teacher cache key rebuilds the same teacher
        from ..train import prepare_teacher  # training code only when it is needed

        print(f"[note    ] training the run's teacher first: {missing}", file=sys.stderr)
        prepare_teacher(missing.config, listeners=[EpochPrinter()])
        run = load_run(store, args.run_id)
    if run.splits.modality != "sequence":
        raise CliError(f"run {args.run_id} trained on {run.config.dataset}, which is not a text corpus: only "
                       "language models write text")
    if args.model not in run.models:
        raise CliError(f"run {args.run_id} has no {args.model} (it was run without a baseline)")
    text = generate_text(run.models[args.model], tokenizer_of(run.splits), args.prompt, args.tokens,
                         args.temperature, args.seed)
    print((args.prompt + text).rstrip("\n"))
    return 0
