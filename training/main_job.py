"""The main job behind ``cronaca run``: the whole pipeline on one profile, in order.

1. convert the embedded base encoder (once);
2. load and validate every shared corpus;
3. fine-tune the entity model (configs/ner-kind.yaml) and score it against the gazetteer
   baseline on KIND WN_test (held out: evaluation only) and on the news test split of the
   project's conflict-news entity corpus;
4. fine-tune the event-type model (configs/events.yaml) and score it against the keyword
   baseline on the event corpus's test split;
5. annotate the example text and write the result as JSONL.

``quick`` ends in minutes on a laptop CPU (small samples, two epochs of small batches: a smoke
run, its models far from the full ones); ``full`` is the benchmark configuration (see
BENCHMARKS.md).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from .base_models import DEFAULT_BASE_MODEL, resolve_base_model
from .config import load_config
from .data.corpora import corpus_summary, shared_data_dir

ROOT = Path(__file__).resolve().parents[1]
KIND_FILES = [
    f"{domain}_{split}.tsv" for domain in ("WN", "FIC", "ADG") for split in ("train", "dev", "test")
]
WIKINEURAL_FILES = ["val.conllu", "test.conllu"]
EXAMPLE = Path("examples") / "conflict-news-it.txt"


def _step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def validate_corpora(data_dir: Path) -> None:
    """Load every shared corpus through the readers; a bad file stops the job with file:line."""
    for name in KIND_FILES:
        print(" ", corpus_summary(data_dir / "kind" / "evalita-2023" / name))
    for name in WIKINEURAL_FILES:
        # silver data with a fourth type: MISC is dropped to O on purpose, and counted
        print(" ", corpus_summary(data_dir / "wikineural-it" / name, label_map={"MISC": None}))
    print(" ", corpus_summary(data_dir / "news-in-brief-it" / "items-2025-12_2026-01.jsonl"))


def entities_step(profile: str, data_dir: Path, out: Path) -> Path:
    from .baselines.registry import load_gazetteer
    from .evaluation.entity_harness import evaluate, load_tagger, read_gold
    from .tasks.common import load_files
    from .tasks.train import train

    config = load_config(ROOT / "configs" / "ner-kind.yaml", profile)
    config.data.dir = str(data_dir)
    train(config)
    model_dir = Path(config.output_dir) / "model"
    tagger = load_tagger(str(model_dir))
    # the gazetteer knows the entity strings of the model's own training set
    gazetteer = load_gazetteer(train_sentences=load_files(config.data.train, config))
    tests = {
        "WN_test": data_dir / "kind" / "evalita-2023" / "WN_test.tsv",
        "news-test": Path("news-entities:test"),  # spans on word boundaries: exact spans
    }
    for name, path in tests.items():
        test = read_gold(path, [], data_dir)
        metrics = evaluate(tagger, test, out / f"ner-{name}", gazetteer, split_name=name)
        for role in ("tagger", "compare"):
            micro = metrics[role]["strict"]["micro"]
            print(f"  {name} strict micro-F1, {metrics[role]['name']}: {micro['f1']:.3f}")
        print(f"  report: {out / f'ner-{name}' / 'report.md'}")
    return model_dir


def events_step(profile: str, data_dir: Path, out: Path) -> Path:
    from .data.event_corpus import by_split, load_event_corpus
    from .evaluation.event_harness import evaluate_events, load_labeller
    from .tasks.train import train

    config = load_config(ROOT / "configs" / "events.yaml", profile)
    config.data.dir = str(data_dir)
    train(config)
    model_dir = Path(config.output_dir) / "model"
    test = by_split(load_event_corpus(data_dir))["test"]
    metrics = evaluate_events(
        load_labeller(str(model_dir)), test, out / "events-test", load_labeller("keywords")
    )
    for role in ("labeller", "compare"):
        overall = metrics[role]["overall"]
        print(f"  test macro-F1, {metrics[role]['name']}: {overall['macro']['f1']:.3f}")
    print(f"  report: {out / 'events-test' / 'report.md'}")
    return model_dir


def annotate_example(entities: Path, events: Path, data_dir: Path, out: Path) -> None:
    """``cronaca predict`` on the example text, with the models just trained."""
    from cronaca.inference.batch_job import read_inputs, run_job
    from cronaca.inference.predictor import Predictor

    path = out / "conflict-news-it.annotated.jsonl"
    path.unlink(missing_ok=True)  # a fresh run, not a resumed one: the models are new
    predictor = Predictor.from_pretrained(entities, events)
    run_job(predictor, read_inputs(data_dir / EXAMPLE), path, show_progress=False)
    (record,) = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for entity in record["entities"][:15]:
        print(f"  {entity['label']:4s} {entity['start']:5d}-{entity['end']:<5d} {entity['text']}")
    print(
        f"  … {len(record['entities'])} entities; events: "
        + ", ".join(f"{e['label']} {e['score']:.2f}" for e in record["events"])
    )
    print(f"  written: {path}")


def main_job(profile: str = "quick", data_dir: str | None = None) -> int:
    data = Path(data_dir) if data_dir else shared_data_dir()
    if not data.is_dir():
        raise SystemExit(f"cronaca run: shared data folder {data} not found (use --data-dir)")
    out = Path("runs") / f"main-{profile}"
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    _step(f"1/5 base encoder: {DEFAULT_BASE_MODEL}")
    print(" ", resolve_base_model(DEFAULT_BASE_MODEL))
    _step(f"2/5 corpora in {data}")
    validate_corpora(data)
    _step(f"3/5 entities: fine-tune ({profile}), then model vs gazetteer on WN_test and news")
    entities = entities_step(profile, data, out)
    _step(f"4/5 event types: fine-tune ({profile}), then model vs keywords on the test split")
    events = events_step(profile, data, out)
    _step("5/5 annotate the example text")
    annotate_example(entities, events, data, out)
    print(f"\ncronaca run --profile {profile}: done in {time.perf_counter() - started:.0f} s")
    return 0
