"""Does selection pay? The annotation loop simulated on the event corpus (issue 13, item 5).

The corpus's training split is the unlabelled pool: its labels stay hidden from the selector
and are revealed only for the records it hands to the "annotator". Each run starts from the
same random seed set, then adds rounds of ``--round`` records chosen

- by **uncertainty**: the ranking of ``cronaca select`` (:mod:`cronaca.inference.selection`:
  the mean binary entropy of the threshold-centred type scores, near-duplicates dropped by
  text key and 5-gram Jaccard), or
- at **random** (same seed set, same budget),

retrains, and scores macro-F1 on the fixed test split. Three seeds per arm; the curves'
mean and spread go to a PNG and ``benchmarks/results/annotation_loop.json``
(``selection_budget_ratio``: the annotations uncertainty needs to reach random's final mean
macro-F1, over random's, read off the mean curves with linear interpolation).

**The learner is the frozen-encoder floor** (:mod:`cronaca.training.baselines.frozen_floor`:
mean-pooled e5 embeddings, one class-balanced logistic regression per type, thresholds on the
dev split), retrained from scratch each round. It is the probe the fine-tuned event model
starts from; fine-tuning the 12-layer encoder at each of 2 × 3 × 15 points is days of CPU.
Each record is embedded once (whole, as the floor is trained and scored); the dev split is
labelled and fixed, outside the budget (a user needs one to set thresholds).

    pip install -c constraints.txt -e ".[bench]"   # matplotlib, for the plot
    python benchmarks/selection_benchmark.py
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from cronaca.inference.labels import EVENT_TYPES
from cronaca.inference.runtime import cpu_flags
from cronaca.inference.selection import choose, combined, event_uncertainty
from cronaca.training.base_models import resolve_base_model
from cronaca.training.baselines.frozen_floor import FrozenEncoderLabeller
from cronaca.training.config import load_config
from cronaca.training.data.event_corpus import by_split, load_event_corpus
from cronaca.training.evaluation.event_harness import predicted_sets
from cronaca.training.evaluation.events import score_events

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "annotation_loop.json"
PLOT = ROOT / "benchmarks" / "results" / "selection_curves.png"
ARMS = ("uncertainty", "random")


def test_macro(learner: FrozenEncoderLabeller, test) -> float:
    scores = learner.event_scores([r.text for r in test])
    predicted = predicted_sets(scores, learner.thresholds)
    return score_events([set(r.events) for r in test], predicted)["macro"]["f1"]


def uncertain(learner: FrozenEncoderLabeller, pool, left: list[int], n: int) -> list[int]:
    """``cronaca select``'s choice of ``n`` among the pool indices ``left`` (each record one
    unit: the document's only 'sentence')."""
    scores = learner.event_scores([pool[i].text for i in left])
    uncertainty = [
        combined(None, event_uncertainty([row], learner.thresholds)).score for row in scores
    ]
    ids = [pool[i].id for i in left]
    return [left[j] for j in choose(ids, [pool[i].text for i in left], uncertainty, n)]


def run_arm(arm: str, seed: int, learner, splits, seed_size: int, step: int, budget: int) -> list:
    """``[(annotations, test macro-F1)]`` after the seed set and after each round."""
    pool, dev, test = splits["train"], splits["dev"], splits["test"]
    order = list(range(len(pool)))
    random.Random(seed).shuffle(order)
    labelled, left = order[:seed_size], order[seed_size:]
    curve = []
    while True:
        learner.fit([pool[i] for i in labelled], dev)
        curve.append((len(labelled), round(test_macro(learner, test), 4)))
        if len(labelled) >= budget:
            return curve
        n = min(step, budget - len(labelled))
        chosen = uncertain(learner, pool, left, n) if arm == "uncertainty" else left[:n]
        taken = set(chosen)
        labelled += chosen
        left = [i for i in left if i not in taken]  # random takes the next of its shuffled order


def budget_to_reach(curve: list[tuple[int, float]], target: float) -> float | None:
    """The first annotation count where the (linearly interpolated) curve reaches ``target``."""
    for (n0, f0), (n1, f1) in zip(curve, curve[1:]):
        if f0 >= target:
            return float(n0)
        if f1 >= target:
            return n0 + (n1 - n0) * (target - f0) / (f1 - f0)
    return float(curve[-1][0]) if curve and curve[-1][1] >= target else None


def mean_curve(runs: list[list]) -> list[tuple[int, float]]:
    return [(points[0][0], float(np.mean([f for _, f in points]))) for points in zip(*runs)]


def plot(curves: dict, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for arm, runs in curves.items():
        n = [x for x, _ in runs[0]]
        values = np.array([[f for _, f in run] for run in runs])
        mean, low, high = values.mean(0), values.min(0), values.max(0)
        axes.plot(n, mean, marker="o", markersize=3, label=f"{arm} (mean of {len(runs)} seeds)")
        axes.fill_between(n, low, high, alpha=0.2)
    axes.set_xlabel("annotated records")
    axes.set_ylabel("test macro-F1")
    axes.set_title(title, fontsize=9)
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 17, 19])
    parser.add_argument("--seed-size", type=int, default=200)
    parser.add_argument("--round", type=int, default=200, help="records per round")
    parser.add_argument("--budget", type=int, default=3000, help="annotations at the end")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--plot", type=Path, default=PLOT)
    args = parser.parse_args(argv)
    try:
        import matplotlib  # noqa: F401  (fail before the minutes of embedding, not after)
    except ImportError:
        sys.exit('selection_benchmark: the plot needs matplotlib: pip install -e ".[bench]"')
    started = time.perf_counter()
    splits = by_split(load_event_corpus())
    base = resolve_base_model(load_config(ROOT / "configs/events.yaml").base_model)
    learner = FrozenEncoderLabeller.from_base(base, EVENT_TYPES)
    learner.embeddings([r.text for part in splits.values() for r in part])  # once, cached
    embedded = time.perf_counter() - started
    print(f"embedded {len(learner.cache)} texts in {embedded:.0f} s", flush=True)
    curves = {arm: [] for arm in ARMS}
    for seed in args.seeds:
        for arm in ARMS:
            curve = run_arm(arm, seed, learner, splits, args.seed_size, args.round, args.budget)
            curves[arm].append(curve)
            print(f"seed {seed} {arm}: " + " ".join(f"{n}:{f:.3f}" for n, f in curve), flush=True)
    means = {arm: mean_curve(runs) for arm, runs in curves.items()}
    target = means["random"][-1][1]
    needed = budget_to_reach(means["uncertainty"], target)
    ratio = None if needed is None else round(needed / means["random"][-1][0], 3)
    command = "python benchmarks/selection_benchmark.py " + " ".join(argv or sys.argv[1:])
    summary = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "command": command.strip(),
        "cpu_flags": cpu_flags(),
        "learner": "frozen-encoder floor (e5 mean pooling + per-type logistic regression)",
        "pool": len(splits["train"]),
        "dev": len(splits["dev"]),
        "test": len(splits["test"]),
        "seeds": args.seeds,
        "seed_size": args.seed_size,
        "round_size": args.round,
        "budget": args.budget,
        "random_final_macro_f1": round(target, 4),
        "uncertainty_final_macro_f1": round(means["uncertainty"][-1][1], 4),
        "uncertainty_annotations_to_random_final": None if needed is None else round(needed),
        "mean_curves": {arm: [[n, round(f, 4)] for n, f in curve] for arm, curve in means.items()},
        "curves": curves,
        "embedding_seconds": round(embedded, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }
    title = (
        f"Event types, frozen-encoder learner: uncertainty vs random, rounds of {args.round}, "
        f"seeds {args.seeds}"
    )
    args.plot.parent.mkdir(parents=True, exist_ok=True)
    plot(curves, args.plot, title)
    result = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else {}
    result["selection"] = summary
    result["selection_budget_ratio"] = ratio
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({"selection_budget_ratio": ratio, "random_final": target, "needed": needed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
