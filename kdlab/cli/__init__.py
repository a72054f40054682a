"""``python -m kdlab``: distil from the shell (recorded in the run store), list what exists, manage runs.

Every bad input becomes one line ``kdlab: error: …`` and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from ..fit import TrainingDiverged
from .args import CliError, add_run_flags, config_from_args
from .catalog import add_list_parser, command_list
from .compress import add_compress_parser, command_compress
from .distill import add_distill_parser, command_distill
from .generate import add_generate_parser, command_generate
from .lessons import add_lessons_parser, command_lessons
from .methods import add_methods_parser, command_compare_methods
from .runs import add_runs_parser, command_runs
from .sweeps import add_sweep_parsers, command_sweep, command_tune
from .teachers import add_teachers_parser, command_teachers


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print the whole usage block first
        raise CliError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kdlab", description="Knowledge distillation lab: train a teacher, distil a student.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    add_distill_parser(commands)
    add_list_parser(commands)
    add_methods_parser(commands, add_run_flags)
    add_runs_parser(commands)
    add_compress_parser(commands)
    add_lessons_parser(commands)
    add_sweep_parsers(commands, add_run_flags, config_from_args)
    add_teachers_parser(commands)
    add_generate_parser(commands)
    return parser


COMMANDS = {"distill": command_distill, "list": command_list, "runs": command_runs,
            "compare-methods": command_compare_methods, "sweep": command_sweep, "tune": command_tune,
            "compress": command_compress, "lessons": command_lessons, "teachers": command_teachers,
            "generate": command_generate}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except (CliError, ValueError) as err:
        print(f"kdlab: error: {err}", file=sys.stderr)
        return 2
    except TrainingDiverged as err:
        print(f"kdlab: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kdlab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kdlab runs list | head -3`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 0
