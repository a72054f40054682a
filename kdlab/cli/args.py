"""What every command that runs distillations shares: the flags of one run's config (``add_run_flags``), the
config they describe, admitted (``config_from_args``), usage errors (``CliError``) and progress on stderr."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from ..config import DATA_MODES, DEVICES, FUSIONS, RunConfig
from ..config import parse_knobs as config_parse_knobs
from ..data import DATASETS, run_defaults
from ..data.tokenizers import CORPUS_TOKENIZERS
from ..data.uploads import import_data_file
from ..fit import TrainEvent
from ..losses import terms
from ..migrate import migrate_config
from ..models.hf import PREFIX as HF_PREFIX
from ..runs.teacher_runs import RUN_PREFIX
from ..policy.admission import admit
from ..policy.settings import ServerSettings
from ..teacher_outputs import DEFAULT_BUDGET_BYTES, MIB

DEFAULTS = RunConfig()
# settings a dataset may suggest (``register_dataset(run_defaults=...)``): a flag not given takes the dataset's value,
# else RunConfig's, so `distill --dataset tinylang` trains a language model with a language model's settings
DATASET_TUNED = ("temperature", "epochs", "teacher_epochs", "batch_size", "lr", "teacher_lr", "train_fraction")
# (and ``terms``: a weight neither --term nor its older name's flag gives is the dataset's, else RunConfig's)


def _default(name: str) -> str:
    return f"default: the dataset's, else {getattr(DEFAULTS, name)}"


class CliError(Exception):
    """A usage error, reported on one line with exit code 2."""


def parse_knobs(text: str) -> dict[str, Any]:
    """``"hidden=64,depth=1"`` -> ``{"hidden": 64, "depth": 1}`` (``kdlab.config.parse_knobs``, as a usage error)."""
    try:
        return config_parse_knobs(text)
    except ValueError as err:
        raise CliError(str(err)) from None


def parse_classes(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(c) for c in text.split(",") if c.strip())
    except ValueError:
        raise CliError(f"--exclude-classes takes class indices like 3,5; got {text!r}") from None


def parse_term_knob(text: str) -> tuple[str, dict[str, Any]]:
    """``"dkd:nckd=8,tckd=1"`` -> ``("dkd", {"nckd": 8, "tckd": 1})``."""
    name, sep, knobs = text.partition(":")
    if not (sep and name.strip()):
        raise CliError(f"--term-kw takes NAME:key=value, e.g. dkd:nckd=8; got {text!r}")
    return name.strip(), parse_knobs(knobs)


def parse_names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


def parse_numbers(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(n) for n in text.split(",") if n.strip())
    except ValueError:
        raise CliError(f"expected numbers separated by commas, e.g. 2,1; got {text!r}") from None


def add_run_flags(parser: argparse.ArgumentParser) -> None:
    """The flags of one run's config, shared by every command that runs distillations (``config_from_args``)."""
    d = DEFAULTS
    parser.add_argument("--dataset", default=d.dataset)
    parser.add_argument("--teacher", default=d.teacher,
                        help="a model or preset name (see `kdlab list`), run:RUN_ID for a finished run's "
                             "distilled student (born-again networks, teacher-assistant chains), or "
                             "hf:FOLDER_OR_NAME for a Hugging Face causal language model, used as it is")
    parser.add_argument("--teachers", type=parse_names, default=None,
                        help="several teachers, e.g. cnn-large,mlp-large: their soft targets are fused; feature terms "
                             "follow the first (overrides --teacher)")
    parser.add_argument("--fusion", default=d.fusion, help=f"how teachers combine: {', '.join(FUSIONS)}")
    parser.add_argument("--teacher-weights", type=parse_numbers, default=(), help="for --fusion weights, e.g. 2,1")
    parser.add_argument("--student", default=d.student)
    parser.add_argument("--teacher-kw", type=parse_knobs, default={}, help="knobs, e.g. width=16,stages=2")
    parser.add_argument("--student-kw", type=parse_knobs, default={}, help="knobs, e.g. hidden=64,depth=1")
    parser.add_argument("--dataset-kw", type=parse_knobs, default={}, help="knobs, e.g. n=500,noise=0.3")
    parser.add_argument("--temperature", "-T", type=float, default=None, help=_default("temperature"))
    for spec in terms():  # the weights the formula names by a letter keep a flag of their older name: --alpha
        if spec.alias:
            parser.add_argument(f"--{spec.alias}", type=float, default=None,
                                help=f"{spec.weight_letter}, the weight of {spec.label['en']}: --term {spec.name}=W "
                                     f"(default: the dataset's, else {d.terms.get(spec.name, 0.0):g})")
    own = ", ".join(spec.name for spec in terms() if not spec.complement)
    parser.add_argument("--term", action="append", type=parse_knobs, default=[],
                        help=f"a loss term and its weight, e.g. dkd=1 (terms: {own})")
    parser.add_argument("--term-kw", action="append", type=parse_term_knob, default=[],
                        help="a loss term's knobs, e.g. dkd:nckd=8 (see `kdlab list`)")
    parser.add_argument("--epochs", type=int, default=None, help=_default("epochs"))
    parser.add_argument("--teacher-epochs", type=int, default=None, help=_default("teacher_epochs"))
    parser.add_argument("--batch-size", type=int, default=None, help=_default("batch_size"))
    parser.add_argument("--lr", type=float, default=None, help=_default("lr"))
    parser.add_argument("--teacher-lr", type=float, default=None, help=_default("teacher_lr"))
    parser.add_argument("--seed", type=int, default=d.seed)
    parser.add_argument("--device", default=d.device, help=f"one of {', '.join(DEVICES)}")
    parser.add_argument("--train-fraction", type=float, default=None, help=_default("train_fraction"))
    parser.add_argument("--train-limit", type=int, default=None)
    parser.add_argument("--exclude-classes", type=parse_classes, default=())
    parser.add_argument("--label-noise", type=float, default=d.label_noise,
                        help="share of the students' transfer-set labels flipped to a wrong class, e.g. 0.4")
    parser.add_argument("--mixup", type=float, default=d.mixup,
                        help="mix the students' inputs in pairs: α of Beta(α, α), e.g. 0.2 (0: off)")
    parser.add_argument("--data-mode", default=d.data_mode, choices=DATA_MODES,
                        help="what a language-model student reads: the corpus, text the teacher wrote (teacher: "
                             "sequence-level KD) or, for a share of each batch, its own text scored by the teacher "
                             "(on-policy: GKD)")
    parser.add_argument("--on-policy-share", type=float, default=d.on_policy_share,
                        help=f"λ of --data-mode on-policy: the share of each batch the student writes itself "
                             f"(default {d.on_policy_share})")
    parser.add_argument("--tokenizer", default=d.tokenizer, choices=tuple(CORPUS_TOKENIZERS),
                        help="a text's tokens: characters, or bpe, a byte-level BPE trained on the corpus (a Hugging "
                             "Face teacher brings its own)")
    parser.add_argument("--data-file", default=None,
                        help="your own data: a CSV (numeric columns and a label column) or a zip of class folders")
    parser.add_argument("--data-root", default=None, help="folder with MNIST/CIFAR/aclImdb (default $KDLAB_DATA)")
    parser.add_argument("--download", action="store_true", help="download torchvision datasets if missing")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain-CE baseline student")
    parser.add_argument("--teacher-cache-mb", type=int, default=DEFAULT_BUDGET_BYTES // MIB,
                        help="memory for the teacher's cached outputs; beyond it they are reduced or recomputed")


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The run the flags describe, through the app's one gate (``admit``) with the caps the command line obeys:
    none unless ``kdlab.toml`` opts in (``ServerSettings.for_cli``), since the shell runs on the user's machine."""
    terms_: dict[str, float] = {}
    for knobs in args.term:
        terms_.update(knobs)
    terms_kw: dict[str, dict[str, Any]] = {}
    for name, knobs in args.term_kw:
        terms_kw.setdefault(name, {}).update(knobs)
    teachers = args.teachers or (args.teacher,)
    teacher_run = teachers[0].removeprefix(RUN_PREFIX) if teachers[0].startswith(RUN_PREFIX) else None
    if teacher_run is not None:  # its architecture comes from the run, at admission
        teachers = (DEFAULTS.teacher, *teachers[1:])
    teacher_kw = args.teacher_kw
    if teachers[0].startswith(HF_PREFIX):  # the model hf, reading the folder or hub name given
        teacher_kw = {**teacher_kw, "source": teachers[0].removeprefix(HF_PREFIX)}
        teachers = ("hf", *teachers[1:])
    settings = ServerSettings.for_cli()
    dataset = import_data_file(args.data_file, settings.upload_limits) if args.data_file else args.dataset
    suggested = run_defaults(dataset) if dataset in DATASETS else {}  # an unknown name: validate says so
    for name in DATASET_TUNED:
        if getattr(args, name) is None:
            setattr(args, name, suggested.get(name, getattr(DEFAULTS, name)))
    given = migrate_config({"terms": terms_, **{spec.alias: getattr(args, spec.alias) for spec in terms()
                                                if spec.alias and getattr(args, spec.alias) is not None}})
    weights = {**migrate_config(suggested).get("terms", {}), **given["terms"]}
    config = RunConfig(
        dataset=dataset, teacher=teachers[0], teacher_run=teacher_run, extra_teachers=teachers[1:],
        fusion=args.fusion,
        teacher_weights=args.teacher_weights, student=args.student, teacher_kw=teacher_kw,
        student_kw=args.student_kw, dataset_kw=args.dataset_kw, temperature=args.temperature, terms=weights,
        terms_kw=terms_kw, epochs=args.epochs, teacher_epochs=args.teacher_epochs,
        batch_size=args.batch_size, lr=args.lr, teacher_lr=args.teacher_lr, seed=args.seed, device=args.device,
        train_fraction=args.train_fraction, train_limit=args.train_limit, exclude_classes=args.exclude_classes,
        label_noise=args.label_noise, mixup=args.mixup, data_mode=args.data_mode, on_policy_share=args.on_policy_share,
        tokenizer=args.tokenizer,
        data_root=args.data_root, download=args.download, baseline=not args.no_baseline,
    )
    return admit(config, settings).config


def cache_budget(args: argparse.Namespace) -> int:
    if args.teacher_cache_mb < 1:
        raise CliError(f"--teacher-cache-mb must be >= 1, got {args.teacher_cache_mb}")
    return args.teacher_cache_mb * MIB


class EpochPrinter:
    """Prints one line per epoch, and the trainer's notes, to stderr, so stdout stays clean for ``--json``."""

    def on_epoch_end(self, event: TrainEvent) -> None:
        shown = " ".join(f"{k}={v:.4g}" for k, v in event.metrics.items())
        print(f"[{event.phase:8}] epoch {event.epoch:3d} {event.progress:4.0%}  {shown}", file=sys.stderr)

    def on_note(self, text: str) -> None:
        print(f"[note    ] {text}", file=sys.stderr)
