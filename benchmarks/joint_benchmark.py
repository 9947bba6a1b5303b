"""The joint model against the two separate models: one encoder pass against two, and what
sharing the encoder costs each task (issue 12, item 1).

In one run, on the same machine and texts:

1. **F1**, the main job's test sets: entities on KIND WN_test and on the news test split
   (strict micro-F1), event types on the event corpus's test split (macro-F1), each with a
   paired bootstrap of joint − separate (the harnesses' own);
2. **throughput** of ``Predictor.predict``: the separate pair (``--entities`` + ``--events``)
   against the joint model, on the first ``--sentences`` WN_test sentences, one text per
   sentence and as articles of ``--article-sentences``; the two systems alternate for
   ``--repeats`` rounds after a warm-up, and the median round counts. Same precision for both
   (``--precision``, ``auto`` by default: bf16 on a CPU with AVX512-BF16/AMX, else fp32).

Headline figures go into ``benchmarks/results/inference.json`` (other keys kept):
``joint_throughput_ratio`` (joint over separate, sentences) and the F1 deltas.

    cronaca run --profile quick                        # runs/ner-kind-quick, runs/events-quick
    cronaca train configs/joint.yaml --profile quick   # runs/joint-quick
    python benchmarks/joint_benchmark.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "inference.json"
sys.path.insert(0, str(ROOT / "benchmarks"))


def f1_comparison(joint: str, entities: str, events: str, data_dir: Path, out: Path) -> dict:
    """Joint − separate on each test set, with the harnesses' paired bootstrap."""
    from cronaca.training.data.event_corpus import by_split, load_event_corpus
    from cronaca.training.evaluation.entity_harness import evaluate, load_tagger, read_gold
    from cronaca.training.evaluation.event_harness import evaluate_events, load_labeller

    result = {}
    tests = {
        "WN_test": data_dir / "kind" / "evalita-2023" / "WN_test.tsv",
        "news_test": Path("news-entities:test"),
    }
    joint_tagger, tagger = load_tagger(joint), load_tagger(entities)
    for name, path in tests.items():
        gold = read_gold(path, [], data_dir)
        m = evaluate(joint_tagger, gold, out / f"ner-{name}", tagger, split_name=name)
        paired = m["paired_bootstrap"]["strict"]["micro_f1"]
        result[name] = _pair(m, "tagger", ("strict", "micro", "f1"), paired)
    test = by_split(load_event_corpus(data_dir))["test"]
    m = evaluate_events(load_labeller(joint), test, out / "events-test", load_labeller(events))
    paired = m["paired_bootstrap"]["overall"]["macro_f1"]
    result["events_test"] = _pair(m, "labeller", ("overall", "macro", "f1"), paired)
    return result


def _pair(metrics: dict, role: str, path: tuple[str, ...], paired: dict) -> dict:
    """The joint model's score (``role``), the separate model's (``compare``), the bootstrap."""

    def value(side: str) -> float:
        node = metrics[side]
        for key in path:
            node = node[key]
        return round(float(node), 4)

    return {"joint": value(role), "separate": value("compare"), "paired_bootstrap": paired}


def throughput(systems: dict, texts: list[str], batch_size: int, repeats: int) -> dict:
    """Texts per second of each system's ``predict``: median of alternating rounds."""
    for predictor in systems.values():  # warm-up: allocator, thread pools, lazy imports
        predictor.predict(texts[: min(64, len(texts))], batch_size=batch_size)
    seconds = {name: [] for name in systems}
    for _ in range(repeats):
        for name, predictor in systems.items():
            started = time.perf_counter()
            predictor.predict(texts, batch_size=batch_size)
            seconds[name].append(time.perf_counter() - started)
    return {name: round(len(texts) / statistics.median(s), 2) for name, s in seconds.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--joint", default="runs/joint-quick/model")
    parser.add_argument("--entities", default="runs/ner-kind-quick/model")
    parser.add_argument("--events", default="runs/events-quick/model")
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--article-sentences", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--skip-f1", action="store_true", help="throughput only")
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "bench-joint")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    import torch
    from inference_benchmark import load_texts

    from cronaca.inference.predictor import Predictor
    from cronaca.inference.runtime import cpu_flags, resolve_precision

    started = time.perf_counter()
    f1 = None
    if not args.skip_f1:
        f1 = f1_comparison(args.joint, args.entities, args.events, args.data_dir, args.out)
        print(json.dumps(f1, indent=1), flush=True)
    load = {"device": args.device, "precision": args.precision}
    systems = {
        "separate": Predictor.from_models([args.entities, args.events], **load),
        "joint": Predictor.from_models([args.joint], **load),
    }
    speeds = {}
    for mode in ("sentences", "articles"):
        texts, _, _ = load_texts(
            args.data_dir, args.sentences, mode, args.article_sentences, "natural"
        )
        speeds[mode] = throughput(systems, texts, args.batch_size, args.repeats)
        speeds[mode]["ratio"] = round(speeds[mode]["joint"] / speeds[mode]["separate"], 3)
        print(mode, speeds[mode], flush=True)
    command = "python benchmarks/joint_benchmark.py " + " ".join(argv or sys.argv[1:])
    summary = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "command": command.strip(),
        "cpu_flags": cpu_flags(),
        "threads": torch.get_num_threads(),
        "device": args.device,
        "precision": resolve_precision(args.precision, torch.device(args.device)),
        "models": {"joint": args.joint, "entities": args.entities, "events": args.events},
        "sentences": args.sentences,
        "article_sentences": args.article_sentences,
        "texts_per_second": speeds,
        "f1": f1,
        "seconds": round(time.perf_counter() - started, 1),
    }
    results = json.loads(args.results.read_text()) if args.results.is_file() else {}
    results["joint"] = summary
    results["joint_throughput_ratio"] = speeds["sentences"]["ratio"]
    results["joint_articles_throughput_ratio"] = speeds["articles"]["ratio"]
    if f1 is not None:
        for name, row in f1.items():
            results[f"joint_minus_separate_{name}"] = round(row["joint"] - row["separate"], 4)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
