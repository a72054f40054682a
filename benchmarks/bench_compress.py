"""Issue 13's "Done when" numbers on digits with the default pair (cnn-large -> mlp-small, 20 epochs each):

- int8 of the MLP student: >= 3x smaller on disk (its safetensors file), <= 1 point of accuracy lost;
- 50 % structured pruning + 3 epochs of fine-tuning from the teacher: <= 2 points lost, and faster at batch 64
  than the unpruned student (median CPU latency, 1 torch thread, ``--repeats`` timed calls after warm-up);
- the ONNX export of the student agrees with PyTorch on >= 99.5 % of the test predictions (onnxruntime, CPU).

One run is distilled and recorded in a temporary run store (the teacher cache is ``$KDLAB_HOME``'s, or a temporary
one), then compressed exactly as ``python -m kdlab compress RUN --int8 --prune 0.5 --structured --finetune 3
--finetune-from both`` does, so the labels-only fine-tuning is printed next to the teacher's.

    python benchmarks/bench_compress.py
    python benchmarks/bench_compress.py --repeats 500 --threads 1 --json
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=300, help="timed calls per latency (median reported)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--finetune-lr", type=float, default=None, help="default: CompressRequest's")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    home = None if os.environ.get("KDLAB_HOME") else tempfile.TemporaryDirectory()
    if home is not None:
        os.environ["KDLAB_HOME"] = home.name

    from kdlab import RunConfig
    from kdlab.compress.config import CompressRequest
    from kdlab.compress.record import compress_stored_run, model_file
    from kdlab.runs.recording import run_recorded
    from kdlab.runs.store import RunStore

    with tempfile.TemporaryDirectory() as folder:
        store = RunStore(Path(folder) / "runs.sqlite")
        config = RunConfig(device="cpu").validate()  # the default pair on digits
        run_id = store.create(config.to_dict(), "bench", source="cli", status="running")
        run_recorded(store, run_id, config)
        request = CompressRequest(int8=True, prune=0.5, structured=True, finetune=3, finetune_from="both",
                                  roles=("student",), threads=args.threads, repeats=args.repeats,
                                  **({"finetune_lr": args.finetune_lr} if args.finetune_lr else {})).validate()
        rows = {v.name: v.metrics for v in compress_stored_run(store, run_id, request)}
        _, onnx_line = model_file(store, run_id, "onnx", "student")
    agreement = float(onnx_line.split("on ")[1].split("%")[0]) / 100

    print(f"digits, {config.teacher} -> {config.student}, {config.epochs} epochs; latency: median of "
          f"{args.repeats} calls, {args.threads} torch thread(s), CPU")
    print(f"{'model':46} {'accuracy':>9} {'bytes':>8} {'params':>7} {'ms @1':>7} {'ms @64':>7}")
    for name, m in rows.items():
        print(f"{name:46} {m['accuracy']:9.2%} {m['bytes']:8,} {m['params']:7,} {m['latency_ms_batch1']:7.3f} "
              f"{m['latency_ms_batch64']:7.3f}")
    student, int8 = rows["student"], rows["student/int8"]
    tuned = next(m for n, m in rows.items() if n.startswith("student/prune-50-structured+ft"))
    checks = {
        "int8 >= 3x smaller on disk": (student["bytes"] / int8["bytes"], student["bytes"] / int8["bytes"] >= 3),
        "int8 loses <= 1 point": (100 * (student["accuracy"] - int8["accuracy"]),
                                  student["accuracy"] - int8["accuracy"] <= 0.01),
        "prune 50% + 3 epochs from teacher loses <= 2 points": (
            100 * (student["accuracy"] - tuned["accuracy"]), student["accuracy"] - tuned["accuracy"] <= 0.02),
        "... and is faster at batch 64 (speed-up x)": (
            student["latency_ms_batch64"] / tuned["latency_ms_batch64"],
            tuned["latency_ms_batch64"] < student["latency_ms_batch64"]),
        "ONNX agrees with PyTorch on >= 99.5%": (100 * agreement, agreement >= 0.995),
    }
    print()
    for label, (value, passed) in checks.items():
        print(f"{'PASS' if passed else 'FAIL'}  {label:55} {value:8.2f}")
    print(f"ONNX: {onnx_line}")
    if home is not None:
        home.cleanup()
    report = {"rows": rows, "checks": {k: {"value": v, "passed": p} for k, (v, p) in checks.items()}}
    if args.json:
        print(json.dumps(report))
    return report


if __name__ == "__main__":
    main()
