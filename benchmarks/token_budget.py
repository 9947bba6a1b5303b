"""The CPU's token budget per forward pass (``runtime.CPU_BATCH_TOKENS``): the Predictor's
time, F1 and peak memory on the same texts at several budgets, for each CPU path.

Texts: the first ``--sentences`` KIND WN_test sentences joined into 20-sentence articles
(natural spelling, as in :mod:`inference_benchmark`), scored with the same harness. Each
(path, budget) runs in a fresh subprocess (its peak RSS is its own); the time is the best of
``--repeats`` predict calls after a warm-up. The result goes into
``benchmarks/results/inference.json`` under ``token_budget``.

    OMP_NUM_THREADS=1 python benchmarks/token_budget.py --model runs/ner-kind-quick/model
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from cronaca.inference.runtime import cpu_flags

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
RESULTS = ROOT / "benchmarks" / "results" / "inference.json"
PATHS = {
    "onnx-int8": ("onnx", "int8"),
    "torch-fp32": ("torch", "fp32"),
    "torch-bf16": ("torch", "bf16"),
}


def worker(args) -> dict:
    from inference_benchmark import load_texts, score

    from cronaca.inference import runtime
    from cronaca.inference.predictor import Predictor

    runtime.CPU_BATCH_TOKENS = args.budget  # what batch_token_budget() returns on the CPU
    texts, words, gold = load_texts(Path(args.data_dir), args.sentences, "articles", 20, "natural")
    kind, precision = PATHS[args.path]
    predictor = Predictor.from_pretrained(
        entities=args.model, device="cpu", precision=precision, runtime=kind
    )
    predictor.predict(texts[:5])
    seconds = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        documents = predictor.predict(texts, batch_size=args.batch_size)
        seconds.append(time.perf_counter() - started)
    entities = [[(e.start, e.end, e.label) for e in d.entities] for d in documents]
    return {
        "seconds": min(seconds),
        "f1": score({"entities": entities}, words, gold),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="runs/ner-kind-quick/model")
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--budgets", default="16384,2048,512,256")
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--budget", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return

    import torch

    rows: dict[str, dict] = {}
    for path in args.paths.split(","):
        for budget in (int(b) for b in args.budgets.split(",")):
            command = [
                sys.executable,
                __file__,
                "--worker",
                "--path",
                path,
                "--budget",
                str(budget),
            ]
            for name in ("model", "data_dir", "sentences", "batch_size", "repeats"):
                command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            rows.setdefault(path, {})[str(budget)] = row = json.loads(output.splitlines()[-1])
            print(path, budget, row, flush=True)
    for by_budget in rows.values():  # speed-up over the widest budget of the same path
        widest = by_budget[str(max(int(b) for b in by_budget))]["seconds"]
        for row in by_budget.values():
            row["speedup_vs_widest"] = round(widest / row["seconds"], 3)
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results["token_budget"] = {
        "date": date.today().isoformat(),
        "command": " ".join(["python", *sys.argv]),
        "threads": torch.get_num_threads(),
        "cpu_flags": cpu_flags(),
        "texts": f"{args.sentences} WN_test sentences as 20-sentence articles, natural spelling",
        "rows": rows,
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
