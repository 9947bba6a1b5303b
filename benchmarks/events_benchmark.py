"""Event-type benchmark: the fine-tuned classifier against the keyword rules and the frozen floor.

In one run, on the corpus's fixed splits:

1. the keyword baseline;
2. the frozen-encoder floor (mean-pooled e5 embeddings + one logistic regression per type,
   thresholds on dev);
3. the fine-tuned model, mean-pooling head started from a linear probe (``configs/events.yaml``,
   profile ``full``);
4. the same recipe without the probe start (``training.probe_init=false``), and with the
   ``[CLS]`` + pooler head (``pooling=cls_pooler``, random head), same seed;
5. the quick profile (the README's first command) against the keywords;
6. the unit: dev macro-F1 of the model reading each record whole vs sentence by sentence;
7. leave-one-source-out: the floor re-fitted without each source and the keywords, scored on
   that source (and the model too with ``--loso-model``: one training run per source, of the
   ``--loso-profile``, ``full`` by default).

Paired bootstrap over records for every comparison. Writes ``OUT/*/`` reports and the
headline figures into ``benchmarks/results/events.json``.

    python benchmarks/events_benchmark.py --out runs/bench-events

``--part main`` runs 1-6 and ``--part loso`` only 7, updating the leave-one-source-out keys of
the results file the main part wrote (its command is recorded beside the main one): on a
2-core machine the two halves can run on one core each.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from cronaca.inference.decisions import decide
from cronaca.inference.event_labeller import ModelEventLabeller
from cronaca.inference.labels import EVENT_TYPES
from cronaca.inference.runtime import cpu_flags
from cronaca.training.base_models import resolve_base_model
from cronaca.training.baselines.frozen_floor import FrozenEncoderLabeller
from cronaca.training.baselines.keywords import KeywordEventLabeller
from cronaca.training.config import load_config
from cronaca.training.data.event_corpus import by_split, load_event_corpus
from cronaca.training.evaluation.event_harness import evaluate_events
from cronaca.training.tasks.events import f1_per_type, multi_hot
from cronaca.training.tasks.train import train

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "events.json"


def macro(metrics: dict, role: str, scope: str = "overall") -> float:
    return metrics[role][scope]["macro"]["f1"]


def paired(metrics: dict, scope: str = "overall") -> dict:
    return metrics["paired_bootstrap"][scope]["macro_f1"]


REUSE = False  # --reuse: a run folder with a finished history.json is loaded, not retrained


def trained(
    config_overrides: list[str], profile: str, out: str, records=None
) -> ModelEventLabeller:
    config = load_config(
        ROOT / "configs/events.yaml", profile, [*config_overrides, f"output_dir={out}"]
    )
    if REUSE and (Path(out) / "history.json").exists():
        seconds = json.loads((Path(out) / "history.json").read_text())["train_seconds"]
        print(f"reused {out} (trained in {seconds:.0f} s)", flush=True)
    else:
        started = time.perf_counter()
        train(config, records=records)
        print(f"trained {out} in {time.perf_counter() - started:.0f} s", flush=True)
    return ModelEventLabeller.from_pretrained(Path(out) / "model", precision="fp32")


class Memo:
    """A labeller whose scores are computed once per text: each comparison below scores the
    same test split, and a model's forward passes are the run's cost."""

    def __init__(self, labeller):
        self.inner, self.name, self.labels = labeller, labeller.name, labeller.labels
        self.thresholds, self.seen = labeller.thresholds, {}

    def event_scores(self, texts, batch_size: int = 32):
        new = [t for t in dict.fromkeys(texts) if t not in self.seen]
        self.seen |= dict(zip(new, self.inner.event_scores(new, batch_size))) if new else {}
        return [self.seen[t] for t in texts]


def unit_comparison(labeller: ModelEventLabeller, dev) -> dict:
    """Dev macro-F1 reading each record whole (the trained unit) vs per sentence (union)."""
    gold = np.asarray([multi_hot(r.events, EVENT_TYPES) for r in dev])
    whole = [
        set(decide(s, labeller.thresholds)) for s in labeller.event_scores([r.text for r in dev])
    ]
    split = [
        {label for sentence in sentences for label in sentence.labels}
        for sentences in labeller.sentence_events([r.text for r in dev])
    ]
    result = {}
    for name, predicted in (("whole_record", whole), ("sentence_union", split)):
        matrix = np.asarray([multi_hot(p, EVENT_TYPES) for p in predicted])
        result[name] = float(f1_per_type(gold, matrix).mean())
    return result


def leave_one_source_out(records, floor_base: str, model_args=None) -> dict:
    """Per source: train on every other source's train split, score on this source's test."""
    keywords = KeywordEventLabeller()
    floor = FrozenEncoderLabeller.from_base(floor_base, EVENT_TYPES)
    sources = sorted({r.meta["source"] for r in records})
    table = {}
    for source in sources:
        rest = by_split([r for r in records if r.meta["source"] != source])
        held = [r for r in records if r.meta["source"] == source and r.meta["split"] == "test"]
        floor.fit(rest["train"], rest["dev"])
        row = {"n_test": len(held)}
        labellers = {"keywords": keywords, "floor": floor}
        if model_args is not None:
            labellers["model"] = model_args(source, rest)
        for name, labeller in labellers.items():
            m = evaluate_events(
                labeller,
                held,
                f"runs/bench-events/loso/{source}/{name}",
                show_progress=False,
                n_bootstrap=200,
            )
            row[name] = macro(m, "labeller")
        table[source] = row
        print(source, row, flush=True)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="runs/bench-events")
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument("--loso-model", action="store_true")
    parser.add_argument("--loso-profile", default="full", choices=("quick", "full"))
    parser.add_argument("--skip-pooler", action="store_true", help="no [CLS] + pooler run")
    parser.add_argument(
        "--skip-no-probe", action="store_true", help="no run without the probe start"
    )
    parser.add_argument(
        "--part",
        default="all",
        choices=("all", "main", "loso"),
        help="main: 1-6; loso: 7 only, into the results the main part wrote",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="load finished runs found in --out, not retrain"
    )
    args = parser.parse_args()
    global REUSE
    REUSE = args.reuse
    started = time.perf_counter()
    records = load_event_corpus()
    base = resolve_base_model(load_config(ROOT / "configs/events.yaml").base_model)
    result = {}
    if args.part != "loso":
        result = {
            "date": date.today().isoformat(),
            "command": " ".join(sys.argv),
            "cpu_flags": cpu_flags(),
            **main_part(args, records, base),
            "seconds": time.perf_counter() - started,
        }
    if args.part != "main":
        result |= loso_part(args, records, base)
        result |= {  # its own date and CPU: the two parts may run on different machines
            "loso_date": date.today().isoformat(),
            "loso_cpu_flags": cpu_flags(),
            "loso_command": " ".join(sys.argv),
            "loso_seconds": time.perf_counter() - started,
        }
    write_results(result, len(records))
    print(json.dumps(result, indent=2))


LOSO_KEYS = (
    "loso",
    "loso_floor_min_margin_over_keywords",
    "loso_min_margin_over_keywords",
    "loso_model_profile",
    "loso_n_records",
    "loso_date",
    "loso_cpu_flags",
    "loso_command",
    "loso_seconds",
)


def write_results(result: dict, n_records: int) -> None:
    """Merge one part's keys into the results file: a main part keeps the leave-one-source-out
    keys already there when they were measured on the same corpus (same record count), a loso
    part keeps the main part's keys."""
    old = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    if "test_macro_f1" in result:
        same_corpus = old.get("loso_n_records") == n_records
        kept = {k: old[k] for k in LOSO_KEYS if k in old and same_corpus}
        merged = {**result, **kept} if "loso" not in result else result
    else:
        merged = {**old, **result}
    RESULTS.write_text(json.dumps(merged, indent=2) + "\n")


def main_part(args, records, base) -> dict:
    """Items 1-6: the headline comparisons on the test split."""
    out = Path(args.out)
    splits = by_split(records)
    test = splits["test"]
    keywords = KeywordEventLabeller()
    floor = FrozenEncoderLabeller.from_base(base, EVENT_TYPES).fit(splits["train"], splits["dev"])
    print("floor fitted", flush=True)
    model = trained(args.overrides, "full", str(out / "mean"))
    no_probe = pooler = None
    if not args.skip_no_probe:
        no_probe = trained(
            [*args.overrides, "training.probe_init=false"], "full", str(out / "no-probe")
        )
    if not args.skip_pooler:
        pooler = trained(
            [*args.overrides, "pooling=cls_pooler", "training.probe_init=false"],
            "full",
            str(out / "pooler"),
        )
    quick = trained([], "quick", str(out / "quick"))

    model, quick, floor, keywords = (Memo(x) for x in (model, quick, floor, keywords))
    runs = {
        "model_vs_keywords": evaluate_events(model, test, out / "model-vs-keywords", keywords),
        "model_vs_floor": evaluate_events(model, test, out / "model-vs-floor", floor),
        "quick_vs_keywords": evaluate_events(quick, test, out / "quick-vs-keywords", keywords),
    }
    if no_probe is not None:
        no_probe = Memo(no_probe)
        runs["probe_vs_no_probe"] = evaluate_events(model, test, out / "probe-vs-none", no_probe)
    if pooler is not None:
        pooler = Memo(pooler)
        runs["mean_vs_pooler"] = evaluate_events(model, test, out / "mean-vs-pooler", pooler)
        if no_probe is not None:
            runs["no_probe_vs_pooler"] = evaluate_events(
                no_probe, test, out / "no-probe-vs-pooler", pooler
            )
    main_run = runs["model_vs_keywords"]

    def compared(name: str, key: str):  # None where --skip-pooler / --skip-no-probe
        if name not in runs:
            return None
        return macro(runs[name], "compare") if key == "macro" else paired(runs[name])["ci"]

    return {
        "test_macro_f1": macro(main_run, "labeller"),
        "keywords_macro_f1": macro(main_run, "compare"),
        "paired_macro_diff": paired(main_run)["difference"],
        "paired_macro_diff_ci_low": paired(main_run)["ci"][0],
        "paired_macro_diff_ci_high": paired(main_run)["ci"][1],
        "event_vs_none_f1": main_run["labeller"]["overall"]["event_vs_none"]["f1"],
        "per_type_f1": {
            t: main_run["labeller"]["overall"]["per_type"][t]["f1"] for t in EVENT_TYPES
        },
        "floor_macro_f1": macro(runs["model_vs_floor"], "compare"),
        "model_minus_floor_ci": paired(runs["model_vs_floor"])["ci"],
        "pooler_macro_f1": compared("mean_vs_pooler", "macro"),
        "mean_minus_pooler_ci": compared("mean_vs_pooler", "ci"),
        "no_probe_minus_pooler_ci": compared("no_probe_vs_pooler", "ci"),
        "no_probe_macro_f1": compared("probe_vs_no_probe", "macro"),
        "probe_minus_no_probe_ci": compared("probe_vs_no_probe", "ci"),
        "quick_macro_f1": macro(runs["quick_vs_keywords"], "labeller"),
        "quick_keywords_macro_f1": macro(runs["quick_vs_keywords"], "compare"),
        "dev_unit": unit_comparison(model.inner, splits["dev"]),
        "per_source_test_macro_f1": {
            scope: main_run["labeller"][scope]["macro"]["f1"]
            for scope in main_run["n_records_per_scope"]
            if scope != "overall" and scope in main_run["labeller"]
        },
        "n_test": len(test),
        "corpus_positives": {t: sum(t in r.events for r in records) for t in EVENT_TYPES},
        "n_records": len(records),
    }


def loso_part(args, records, base) -> dict:
    """Item 7: leave one source out (the model too with ``--loso-model``)."""
    loso_model = None
    if args.loso_model:

        def loso_model(source, rest):
            kept = rest["train"] + rest["dev"]
            out = str(Path(args.out) / "loso" / source)
            return trained(args.overrides, args.loso_profile, out, kept)

    loso = leave_one_source_out(records, base, loso_model)
    margins = [row["floor"] - row["keywords"] for row in loso.values()]
    model_margins = [row["model"] - row["keywords"] for row in loso.values() if "model" in row]
    return {
        "loso": loso,
        "loso_floor_min_margin_over_keywords": min(margins),
        # None without --loso-model (one training run per source)
        "loso_min_margin_over_keywords": min(model_margins) if model_margins else None,
        "loso_model_profile": args.loso_profile if args.loso_model else None,
        "loso_n_records": len(records),
    }


if __name__ == "__main__":
    main()
