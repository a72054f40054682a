"""kdlab's distillation phase against the classic hand-written tutorial loop, on one workload, in one process.

The tutorial loop is the shape most KD tutorials teach: a ``DataLoader`` over a ``TensorDataset``, and on every
batch a teacher forward under ``torch.no_grad()``, a student forward, ``(1-α)·CE + α·T²·KL``, backward, step and a
``loss.item()`` for logging, with a test-set pass at each epoch end. kdlab runs the same student, the same loss,
the same batch size and learning rate, but keeps the data on the device, caches the teacher's logits once, and
reads metrics back only now and then.

Both sides distil from the SAME trained teacher module (kdlab trains and caches it first; that is not timed) and
start from the same student weights. Each side runs ``--repeats`` times in alternating order; medians are reported.

    python benchmarks/bench_distill.py                      # digits, cnn-large -> mlp-small, 20 epochs
    python benchmarks/bench_distill.py --synthetic --device cuda --json

The teacher cache lives in ``$KDLAB_HOME`` if set, else in a temporary folder removed at exit, so the benchmark
never writes into the user's cache unless asked to.
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
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing kdlab

from kdlab import DATASETS, RunConfig, Splits, run_distillation  # noqa: E402
from kdlab.data import register_dataset  # noqa: E402
from kdlab.evaluate import resolve_device  # noqa: E402
from kdlab.models import InputSpec, build_model  # noqa: E402

SYNTHETIC = "synthetic-28"


def synthetic_28(seed: int, n_train: int = 60_000, n_test: int = 10_000, noise: float = 0.8, **_) -> Splits:
    """MNIST-sized stand-in made on the spot: 10 smooth random 28×28 prototypes, each sample one of them shifted by
    up to ±2 pixels plus Gaussian pixel noise. Seeded, needs no download, and a small CNN learns it in an epoch."""
    gen = torch.Generator().manual_seed(seed)
    blur = torch.exp(-torch.arange(-4, 5, dtype=torch.float32) ** 2 / 8.0)
    kernel = (blur[:, None] * blur[None, :] / blur.sum() ** 2).view(1, 1, 9, 9)
    prototypes = F.conv2d(torch.randn(10, 1, 36, 36, generator=gen), kernel)[:, :, :28, :28]
    prototypes = (prototypes - prototypes.mean((2, 3), keepdim=True)) / prototypes.std((2, 3), keepdim=True)
    shifted = torch.stack([prototypes.roll((dy, dx), (2, 3)) for dy in range(-2, 3) for dx in range(-2, 3)])

    def draw(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        y = torch.randint(0, 10, (n,), generator=gen)
        shift = torch.randint(0, len(shifted), (n,), generator=gen)
        return shifted[shift, y] + noise * torch.randn(n, 1, 28, 28, generator=gen), y

    (x_train, y_train), (x_test, y_test) = draw(n_train), draw(n_test)
    return Splits(SYNTHETIC, x_train, y_train, x_test, y_test, [str(c) for c in range(10)], "image")


def tutorial_loop(teacher: torch.nn.Module, splits: Splits, config: RunConfig, device: torch.device) -> dict:
    """The classic per-batch KD loop, timed from the DataLoader's creation to the last epoch's evaluation."""
    student = build_model(config.student, InputSpec.of(splits), config.seed, config.student_kw).to(device)
    T, alpha = config.temperature, config.terms["soft"]
    torch.manual_seed(config.seed)
    _sync(device)
    started = time.perf_counter()
    train_loader = DataLoader(TensorDataset(splits.x_train, splits.y_train), batch_size=config.batch_size, shuffle=True)
    test_loader = DataLoader(TensorDataset(splits.x_test, splits.y_test), batch_size=config.batch_size)
    optimizer = torch.optim.Adam(student.parameters(), lr=config.lr)
    losses, accuracy = [], 0.0
    teacher.eval()
    for _ in range(config.epochs):
        student.train()
        running = 0.0
        for inputs, labels in train_loader:
            inputs, labels = inputs.to(device), labels.to(device)
            with torch.no_grad():
                teacher_logits = teacher(inputs).logits
            student_logits = student(inputs).logits
            soft = F.kl_div(F.log_softmax(student_logits / T, dim=1), F.softmax(teacher_logits / T, dim=1),
                            reduction="batchmean") * T * T
            loss = (1 - alpha) * F.cross_entropy(student_logits, labels) + alpha * soft
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item()
        losses.append(running / len(train_loader))
        student.eval()
        correct = 0
        with torch.no_grad():
            for inputs, labels in test_loader:
                inputs, labels = inputs.to(device), labels.to(device)
                correct += (student(inputs).logits.argmax(1) == labels).sum().item()
        accuracy = correct / len(splits.y_test)
    _sync(device)
    seconds = time.perf_counter() - started
    return {"samples_per_second": len(splits.y_train) * config.epochs / seconds, "seconds": seconds,
            "test_acc": accuracy, "final_loss": losses[-1]}


def kdlab_run(config: RunConfig, device: torch.device) -> dict:
    """One ``run_distillation`` call with the teacher already cached; the student phase is timed by kdlab itself."""
    _sync(device)
    started = time.perf_counter()
    summary = run_distillation(config).summary()
    _sync(device)
    wall = time.perf_counter() - started
    assert summary["teacher_cached"], "the teacher should have been cached by the warm-up run"
    return {"samples_per_second": summary["samples_per_second"], "seconds": summary["distill_seconds"],
            "test_acc": summary["student_acc"], "wall_seconds": wall}


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--epochs", type=int, default=20, help="student epochs on both sides (default 20)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per side; medians are reported (default 3)")
    parser.add_argument("--synthetic", action="store_true",
                        help=f"the 60,000-sample 28x28 {SYNTHETIC} workload instead of digits (meant for a GPU)")
    parser.add_argument("--limit", type=int, default=None,
                        help=f"{SYNTHETIC} only: this many training samples instead of 60,000 (a smoke check)")
    parser.add_argument("--teacher-epochs", type=int, default=None,
                        help="epochs to train the (untimed) teacher; default 20 for digits, 3 for synthetic")
    parser.add_argument("--json", action="store_true", help="print one JSON line with the numbers at the end")
    args = parser.parse_args(argv)
    if args.limit is not None and not args.synthetic:
        parser.error("--limit applies only to --synthetic")
    if min(args.epochs, args.repeats, args.limit or 1, args.teacher_epochs or 1) < 1:
        parser.error("--epochs, --repeats, --limit and --teacher-epochs must be >= 1")
    return args


def make_config(args: argparse.Namespace) -> RunConfig:
    dataset_kw = {}
    if args.synthetic:
        if SYNTHETIC not in DATASETS:
            register_dataset(SYNTHETIC, modality="image", num_classes=10,
                             summary="60,000 synthetic 28x28 images of 10 shifted noisy prototypes")(synthetic_28)
        if args.limit:
            dataset_kw = {"n_train": args.limit, "n_test": max(1, args.limit // 6)}
    teacher_epochs = args.teacher_epochs or (3 if args.synthetic else 20)
    return RunConfig(dataset=SYNTHETIC if args.synthetic else "digits", dataset_kw=dataset_kw, teacher="cnn-large",
                     student="mlp-small", epochs=args.epochs, teacher_epochs=teacher_epochs, temperature=4.0,
                     terms={"soft": 0.9}, batch_size=64, device=args.device, baseline=False).validate()


def main(argv=None) -> dict:
    args = parse_args(argv)
    config = make_config(args)
    device = resolve_device(config.device)
    print(f"torch {torch.__version__} | device {device}"
          f"{' (' + torch.cuda.get_device_name(device) + ')' if device.type == 'cuda' else ''}"
          f" | {torch.get_num_threads()} threads | KDLAB_HOME {os.environ['KDLAB_HOME']}")
    print(f"workload: {config.dataset}, teacher {config.teacher} -> student {config.student}, {config.epochs} epochs, "
          f"T={config.temperature}, alpha={config.terms['soft']}, batch {config.batch_size}, lr {config.lr}")

    started = time.perf_counter()
    warmup = run_distillation(replace(config, epochs=1))  # trains and caches the teacher; also warms kernels up
    teacher, splits = warmup.models["teacher"], warmup.splits
    print(f"teacher ready in {time.perf_counter() - started:.1f}s ({'cached' if warmup.teacher_cached else 'trained'},"
          f" test acc {warmup.teacher.test_acc:.3f}); {len(splits.y_train)} train / {len(splits.y_test)} test samples")

    kd_runs, tutorial_runs = [], []
    for repeat in range(args.repeats):
        order = ("kdlab", "tutorial") if repeat % 2 == 0 else ("tutorial", "kdlab")
        for side in order:
            if side == "kdlab":
                kd_runs.append(kdlab_run(config, device))
            else:
                tutorial_runs.append(tutorial_loop(teacher, splits, config, device))
            run = (kd_runs if side == "kdlab" else tutorial_runs)[-1]
            print(f"  repeat {repeat + 1} {side:8s} {run['samples_per_second']:10.0f} samples/s "
                  f"{run['seconds']:7.2f}s  acc {run['test_acc']:.3f}")

    kd = {key: _median(kd_runs, key) for key in kd_runs[0]}
    tutorial = {key: _median(tutorial_runs, key) for key in tutorial_runs[0]}
    samples = len(splits.y_train) * config.epochs
    kd_wall_sps = samples / kd["wall_seconds"]
    rows = [("kdlab (distill phase)", kd["samples_per_second"], kd["seconds"], kd["test_acc"]),
            ("kdlab (whole call)", kd_wall_sps, kd["wall_seconds"], kd["test_acc"]),
            ("tutorial loop", tutorial["samples_per_second"], tutorial["seconds"], tutorial["test_acc"])]
    print(f"\nmedian of {args.repeats} | {'side':22s} {'samples/s':>10s} {'seconds':>8s} {'test acc':>9s}")
    for name, sps, seconds, acc in rows:
        print(f"{'':12s}| {name:22s} {sps:10.0f} {seconds:8.2f} {acc:9.3f}")
    ratio = kd["samples_per_second"] / tutorial["samples_per_second"]
    ratio_wall = kd_wall_sps / tutorial["samples_per_second"]
    print(f"\nkdlab / tutorial: {ratio:.2f}x (distill phase), {ratio_wall:.2f}x (whole run_distillation call)")

    numbers = {"torch": torch.__version__, "device": str(device), "threads": torch.get_num_threads(),
               "dataset": config.dataset, "train_samples": len(splits.y_train), "epochs": config.epochs,
               "repeats": args.repeats, "kdlab": kd, "kdlab_wall_samples_per_second": kd_wall_sps,
               "tutorial": tutorial, "ratio": ratio, "ratio_wall": ratio_wall,
               "runs": {"kdlab": kd_runs, "tutorial": tutorial_runs}}
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
