"""Choosing what ``runtime="auto"`` runs on a CPU without bfloat16: ONNX Runtime fp32 or int8,
on the dev splits (never the test sets).

For the entity model, strict micro-F1 on KIND WN_dev (tagged on the gold words: the harness
path, so the differences are the runtime's alone); for the event-type model, macro-F1 on the
event corpus's dev split with the model's own thresholds. Each of PyTorch fp32, ONNX fp32 and
ONNX int8 runs on the same texts; the choice, per task, is the fastest of them whose dev F1
stays within 0.5 points of PyTorch fp32. It is what ``cronaca.inference.runtime.NO_BF16_AUTO``
is set to (by hand, from this output).

    python benchmarks/onnx_dev.py --entities runs/ner-kind-quick/model \\
        --events runs/events-quick/model
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "inference.json"
SETTINGS = {
    "torch-fp32": ("torch", "fp32"),
    "onnx-fp32": ("onnx", "fp32"),
    "onnx-int8": ("onnx", "int8"),
}
TOLERANCE = 0.005  # F1 points / 100


def entity_f1(model_dir: str, settings: tuple[str, str], dev) -> tuple[float, float]:
    from cronaca.inference.tagger import ModelTagger
    from cronaca.training.evaluation.entities import score_tags

    runtime, precision = settings
    tagger = ModelTagger.from_pretrained(model_dir, "cpu", precision, runtime=runtime)
    started = time.perf_counter()
    tags = tagger.tag_words([s.text for s in dev], [s.offsets for s in dev])
    seconds = time.perf_counter() - started
    return score_tags([list(s.tags) for s in dev], tags)["strict"]["micro"]["f1"], seconds


def event_f1(model_dir: str, settings: tuple[str, str], dev) -> tuple[float, float]:
    from cronaca.inference.event_labeller import ModelEventLabeller
    from cronaca.training.evaluation.event_harness import predicted_sets
    from cronaca.training.evaluation.events import score_events

    runtime, precision = settings
    labeller = ModelEventLabeller.from_pretrained(model_dir, "cpu", precision, runtime=runtime)
    started = time.perf_counter()
    scores = labeller.event_scores([r.text for r in dev])
    seconds = time.perf_counter() - started
    predicted = predicted_sets(scores, labeller.thresholds)
    macro = score_events([set(r.events) for r in dev], predicted)["macro"]["f1"]
    return macro, seconds


TASKS = {"entities": "entities_wn_dev_strict_f1", "events": "events_dev_macro_f1"}


def choices(rows: dict, tasks=tuple(TASKS)) -> dict[str, str]:
    """Per task, the fastest setting whose dev F1 is within ``TOLERANCE`` of PyTorch fp32."""
    chosen = {}
    for task in tasks:
        key = TASKS[task]
        reference = rows["torch-fp32"][key]
        within = [name for name, row in rows.items() if reference - row[key] <= TOLERANCE]
        chosen[task] = min(within, key=lambda name: rows[name][f"{task}_seconds"])
    return chosen


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entities", default="runs/ner-kind-quick/model")
    parser.add_argument("--events", default="runs/events-quick/model")
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument(
        "--tasks",
        default=",".join(TASKS),
        help="a comma list of entities, events; a task left out keeps its earlier rows",
    )
    args = parser.parse_args(argv)
    tasks = [task for task in args.tasks.split(",") if task]
    if unknown := sorted(set(tasks) - set(TASKS)):
        parser.error(f"--tasks: unknown {unknown}; known: {', '.join(TASKS)}")

    import torch

    from cronaca.training.data.columns import read_conll
    from cronaca.training.data.event_corpus import by_split, load_event_corpus

    wn_dev = args.data_dir / "kind/evalita-2023/WN_dev.tsv"
    entity_dev = list(read_conll(wn_dev)) if "entities" in tasks else []
    event_dev = by_split(load_event_corpus(args.data_dir))["dev"] if "events" in tasks else []
    results = json.loads(args.results.read_text()) if args.results.is_file() else {}
    rows = {name: dict(row) for name, row in results.get("onnx_dev", {}).get("rows", {}).items()}
    for name, settings in SETTINGS.items():
        row = rows.setdefault(name, {})
        if "entities" in tasks:
            f1, seconds = entity_f1(args.entities, settings, entity_dev)
            row["entities_wn_dev_strict_f1"] = round(f1, 4)
            row["entities_seconds"] = round(seconds, 1)
        if "events" in tasks:
            macro, event_seconds = event_f1(args.events, settings, event_dev)
            row["events_dev_macro_f1"] = round(macro, 4)
            row["events_seconds"] = round(event_seconds, 1)
        print(name, row, flush=True)
    choice = choices(rows, tasks)
    command = "python benchmarks/onnx_dev.py " + " ".join(argv or sys.argv[1:])
    earlier = results.get("onnx_dev", {})
    results["onnx_dev"] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "command": command.strip(),
        "tasks_run": tasks,  # the other task's rows, and its earlier date, are kept
        "earlier": {k: earlier[k] for k in ("date", "command", "threads") if k in earlier},
        "threads": torch.get_num_threads(),
        "entity_dev_sentences": len(entity_dev) or earlier.get("entity_dev_sentences"),
        "event_dev_records": len(event_dev) or earlier.get("event_dev_records"),
        "rows": rows,
        "auto_choice": earlier.get("auto_choice", {}) | choice,
    }
    args.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print("auto on a CPU without bf16:", choice)
    return 0


if __name__ == "__main__":
    sys.exit(main())
