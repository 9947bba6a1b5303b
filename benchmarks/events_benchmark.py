"""Event-type benchmark: the fine-tuned classifier vs the keyword baseline on the test split.

Trains ``configs/events.yaml`` (profile ``full`` by default), scores the model and the keyword
baseline on the corpus's test split (overall and per source, bootstrap CIs, paired bootstrap)
and lists the event types found in the example text, sentence by sentence.

    python benchmarks/events_benchmark.py --profile full --out benchmarks/results/events
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from cronaca.inference.event_labeller import ModelEventLabeller
from cronaca.training.config import load_config
from cronaca.training.corpora import shared_data_dir
from cronaca.training.evaluate_events import evaluate_events, load_labeller, render_report
from cronaca.training.event_corpus import by_split, load_event_corpus
from cronaca.training.train import train

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="full")
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument("--out", default=str(ROOT / "benchmarks/results/events"))
    args = parser.parse_args()
    config = load_config(ROOT / "configs/events.yaml", args.profile, args.overrides)
    out = Path(args.out)
    started = time.perf_counter()
    history = train(config)
    seconds = time.perf_counter() - started
    model_dir = Path(config.output_dir) / "model"
    test = by_split(load_event_corpus(config.data.dir))["test"]
    metrics = evaluate_events(
        load_labeller(str(model_dir)), test, out / "test", load_labeller("keywords")
    )
    labeller = ModelEventLabeller.from_pretrained(model_dir)
    data = Path(config.data.dir) if config.data.dir else shared_data_dir()
    text = (data / "examples" / "conflict-news-it.txt").read_text(encoding="utf-8")
    (sentences,) = labeller.sentence_events([text])
    example = [
        {
            "sentence": text[s.start : s.end],
            "labels": list(s.labels),
            "scores": {k: round(v, 3) for k, v in s.scores.items() if v >= 0.2},
        }
        for s in sentences
    ]
    result = {
        "date": date.today().isoformat(),
        "command": sys.argv,
        "train_seconds": seconds,
        "history": history["history"],
        "thresholds": labeller.thresholds,
        "test": metrics,
        "example": example,
    }
    (out / "result.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(render_report(metrics))
    for row in example:
        print(row["labels"], "|", row["sentence"][:100])


if __name__ == "__main__":
    main()
