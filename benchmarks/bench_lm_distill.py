"""kdlab's language-model distillation phase against a hand-written nanoGPT-style KD loop, on one workload, in one
process; and the teacher's training time.

The hand loop is how nanoGPT trains, with a teacher added: the token tensors on the device, a shuffled batch of
sequences per step, an eval-mode teacher forward under ``torch.no_grad()``, a student forward, ``(1-α)·CE +
α·T²·KL`` per real token (padding left out), ``zero_grad(set_to_none=True)``, backward, AdamW step, ``loss.item()``
every ``LOG_EVERY`` steps, and at each epoch's end the validation loss. kdlab runs the same student, loss, batch,
context and learning rate, caching the teacher's answers once and reading metrics back only now and then.

Both sides distil from the SAME trained teacher (kdlab trains and caches it first: that time is printed, not part
of the ratio) and start from the same student weights. Each side runs ``--repeats`` times in alternating order;
medians are reported. Tokens are real next-token targets (padding does not count), the same on both sides.

    python benchmarks/bench_lm_distill.py                   # tinylang, gpt-small -> gpt-tiny, 5 epochs, 3 repeats
    python benchmarks/bench_lm_distill.py --device cuda --json

The teacher cache lives in ``$KDLAB_HOME`` if set, else in a temporary folder removed at exit.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing kdlab

from kdlab import RunConfig, run_distillation  # noqa: E402
from kdlab.data import IGNORE_INDEX, Splits  # noqa: E402
from kdlab.evaluate import autocast, resolve_device  # noqa: E402
from kdlab.models import InputSpec, build_model  # noqa: E402

LOG_EVERY = 10  # nanoGPT's log_interval: the loop reads its loss back this often


def hand_loop(teacher: torch.nn.Module, splits: Splits, config: RunConfig, device: torch.device) -> dict:
    """The nanoGPT-style KD loop, timed from its first batch to the last epoch's validation loss."""
    student = build_model(config.student, InputSpec.of(splits), config.seed, config.student_kw).to(device)
    x, y = splits.x_train.to(device), splits.y_train.to(device)
    x_val, y_val = splits.x_test.to(device), splits.y_test.to(device)
    T, alpha = config.temperature, config.terms["soft"]
    optimizer = torch.optim.AdamW(student.parameters(), lr=config.lr, weight_decay=1e-4)
    generator = torch.Generator().manual_seed(config.seed)
    teacher.eval()
    _sync(device)
    started = time.perf_counter()
    step, val_loss = 0, float("nan")
    for _ in range(config.epochs):
        student.train()
        order = torch.randperm(len(x), generator=generator).to(device)
        for start in range(0, len(x), config.batch_size):
            index = order[start:start + config.batch_size]
            inputs, targets = x[index], y[index]
            with torch.no_grad(), autocast(device):
                teacher_logits = teacher(inputs).logits
            with autocast(device):
                logits = student(inputs).logits
            real = targets != IGNORE_INDEX
            s, t = logits[real].float(), teacher_logits[real].float()
            soft = F.kl_div(F.log_softmax(s / T, -1), F.log_softmax(t / T, -1), log_target=True,
                            reduction="batchmean") * T * T
            loss = (1 - alpha) * F.cross_entropy(s, targets[real]) + alpha * soft
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            if step % LOG_EVERY == 0:
                loss.item()
        student.eval()
        with torch.no_grad(), autocast(device):
            val_loss = F.cross_entropy(student(x_val).logits.float().transpose(1, 2), y_val,
                                       ignore_index=IGNORE_INDEX).item()
    _sync(device)
    seconds = time.perf_counter() - started
    tokens = int((y != IGNORE_INDEX).sum()) * config.epochs
    return {"tokens_per_second": tokens / seconds, "seconds": seconds, "perplexity": float(torch.tensor(val_loss).exp())}


def kdlab_run(config: RunConfig, tokens_per_epoch: int, device: torch.device) -> dict:
    """One ``run_distillation`` with the teacher cached; kdlab times its student phase itself (``distill_seconds``,
    its single pass caching the teacher's answers included)."""
    _sync(device)
    started = time.perf_counter()
    summary = run_distillation(config).summary()
    wall = time.perf_counter() - started
    assert summary["teacher_cached"], "the teacher should have been cached by the warm-up run"
    seconds = summary["distill_seconds"]
    return {"tokens_per_second": tokens_per_epoch * config.epochs / seconds, "seconds": seconds,
            "perplexity": summary["student_perplexity"], "wall_seconds": wall}


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--epochs", type=int, default=5, help="student epochs on both sides (default 5)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per side; medians are reported (default 3)")
    parser.add_argument("--sentences", type=int, default=2000, help="tinylang sentences, a tenth validates")
    parser.add_argument("--teacher-epochs", type=int, default=8, help="the teacher's epochs (tinylang's default)")
    parser.add_argument("--json", action="store_true", help="print one JSON line with the numbers at the end")
    args = parser.parse_args(argv)
    if min(args.epochs, args.repeats, args.teacher_epochs) < 1 or args.sentences < 10:
        parser.error("--epochs, --repeats and --teacher-epochs must be >= 1, --sentences >= 10")
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    # the whole train split is the transfer set (tinylang's runs take a tenth): enough steps to time
    config = RunConfig(dataset="tinylang", dataset_kw={"n": args.sentences}, teacher="gpt-small", student="gpt-tiny",
                       epochs=args.epochs, teacher_epochs=args.teacher_epochs, temperature=1.0, terms={"soft": 0.9},
                       batch_size=32, lr=3e-3, teacher_lr=3e-3, train_fraction=1.0, device=args.device,
                       baseline=False).validate()
    device = resolve_device(config.device)
    load = os.getloadavg()
    print(f"torch {torch.__version__} | device {device}"
          f"{' (' + torch.cuda.get_device_name(device) + ')' if device.type == 'cuda' else ''}"
          f" | {torch.get_num_threads()} threads | load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
          f" | KDLAB_HOME {os.environ['KDLAB_HOME']}")
    print(f"workload: tinylang ({args.sentences} sentences), teacher {config.teacher} -> student {config.student}, "
          f"{config.epochs} epochs, T={config.temperature}, soft weight {config.terms['soft']}, batch "
          f"{config.batch_size}, lr {config.lr}")

    started = time.perf_counter()
    warmup = run_distillation(replace(config, epochs=1))  # trains and caches the teacher; warms kernels up
    teacher, splits = warmup.models["teacher"], warmup.splits
    trained = "trained" if not warmup.teacher_cached else "cached"
    print(f"teacher {trained}: {warmup.teacher.seconds:.1f} s of training ({warmup.teacher.params:,} parameters, "
          f"{config.teacher_epochs} epochs; the warm-up call took {time.perf_counter() - started:.1f} s), perplexity "
          f"{warmup.language['teacher']['perplexity']:.3f}; {len(splits.x_train)} train / {len(splits.x_test)} "
          f"validation sequences of {splits.x_train.shape[1]} positions")
    tokens_per_epoch = int((splits.y_train != IGNORE_INDEX).sum())

    kd_runs, hand_runs = [], []
    for repeat in range(args.repeats):
        for side in (("kdlab", "hand") if repeat % 2 == 0 else ("hand", "kdlab")):
            runs = kd_runs if side == "kdlab" else hand_runs
            runs.append(kdlab_run(config, tokens_per_epoch, device) if side == "kdlab"
                        else hand_loop(teacher, splits, config, device))
            run = runs[-1]
            print(f"  repeat {repeat + 1} {side:6s} {run['tokens_per_second']:10.0f} tokens/s {run['seconds']:7.2f} s"
                  f"  perplexity {run['perplexity']:.3f}")

    kd = {key: statistics.median(run[key] for run in kd_runs) for key in kd_runs[0]}
    hand = {key: statistics.median(run[key] for run in hand_runs) for key in hand_runs[0]}
    ratio = kd["tokens_per_second"] / hand["tokens_per_second"]
    print(f"\nmedian of {args.repeats} | {'side':22s} {'tokens/s':>10s} {'seconds':>8s} {'perplexity':>10s}")
    for name, run in (("kdlab (distill phase)", kd), ("nanoGPT-style loop", hand)):
        print(f"{'':12s}| {name:22s} {run['tokens_per_second']:10.0f} {run['seconds']:8.2f} {run['perplexity']:10.3f}")
    print(f"\nkdlab / hand loop: {ratio:.2f}x tokens per second (distill phase; target >= 0.8x)")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    numbers = {"torch": torch.__version__, "device": str(device), "threads": torch.get_num_threads(),
               "teacher_seconds": warmup.teacher.seconds, "teacher_trained": not warmup.teacher_cached,
               "tokens_per_epoch": tokens_per_epoch, "epochs": config.epochs, "repeats": args.repeats,
               "kdlab": kd, "hand": hand, "ratio": ratio, "load_average_end": load,
               "runs": {"kdlab": kd_runs, "hand": hand_runs}}
    if args.json:
        print(json.dumps(numbers))
    return numbers


if __name__ == "__main__":
    if os.environ.get("KDLAB_HOME"):
        main()
    else:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that a killed run still removes its folder
        with tempfile.TemporaryDirectory(prefix="kdlab-bench-") as home:
            os.environ["KDLAB_HOME"] = home
            main()
