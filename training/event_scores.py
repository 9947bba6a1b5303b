"""Scoring event-type labellers: the entity harness's counting and bootstrap, applied to sets.

A record (a KIND sentence or a news item) has a gold set of types and a predicted set. Per
type, a record counts one true positive, predicted and gold as the sets say, so the entity
harness's ``EntityCounts`` (per-record counts per type) and its bootstrap serve unchanged:
per-type P/R/F1, micro and macro F1 over the six types (macro: a type with no gold and no
prediction in the split scores 0 and still counts in the mean), and event-versus-no-event F1
(the positive class is "at least one type"). Confusion: for each gold type, how many of its
records were predicted with each type, or with none.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cronaca.inference.labels import EVENT_TYPES

from .evaluate import EntityCounts, _floats, bootstrap_ci, paired_bootstrap, score_counts

EVENT = "event"  # the pseudo-type of event-versus-no-event scoring
SOURCES = {"news-in-brief": "nib-", "kind-wn": "WN_"}


def event_counts(
    gold: Sequence[set[str]], pred: Sequence[set[str]], types: Sequence[str] = EVENT_TYPES
) -> EntityCounts:
    g = np.asarray([[t in labels for t in types] for labels in gold], dtype=np.int64)
    p = np.asarray([[t in labels for t in types] for labels in pred], dtype=np.int64)
    g, p = g.reshape(len(gold), len(types)), p.reshape(len(pred), len(types))
    return EntityCounts("events", tuple(types), g * p, p, g)


def any_event_counts(gold: Sequence[set[str]], pred: Sequence[set[str]]) -> EntityCounts:
    return event_counts(
        [{EVENT} if g else set() for g in gold], [{EVENT} if p else set() for p in pred], (EVENT,)
    )


def confusion(gold: Sequence[set[str]], pred: Sequence[set[str]]) -> dict[str, dict[str, int]]:
    table = {t: {u: 0 for u in (*EVENT_TYPES, "none")} for t in EVENT_TYPES}
    for g, p in zip(gold, pred):
        for t in g:
            for u in p or {"none"}:
                table[t][u] += 1
    return table


def score_events(gold, pred, n_bootstrap: int = 1000, seed: int = 0) -> dict[str, Any]:
    counts, any_event = event_counts(gold, pred), any_event_counts(gold, pred)
    return _floats(
        {
            "n_records": len(gold),
            **score_counts(counts),
            "event_vs_none": score_counts(any_event)["micro"],
            "ci": bootstrap_ci(counts, n_bootstrap, seed),
            "event_vs_none_ci": bootstrap_ci(any_event, n_bootstrap, seed)["micro"],
            "confusion": confusion(gold, pred),
        }
    )


def predicted_sets(labeller, texts: Sequence[str]) -> tuple[list[set[str]], list[dict]]:
    scores = labeller.event_scores(list(texts))
    thresholds = getattr(labeller, "thresholds", {})
    return [{t for t, v in s.items() if v >= thresholds.get(t, 0.5)} for s in scores], scores


def evaluate_events(
    labeller, records, out_dir: str | Path, compare=None, n_bootstrap: int = 1000, seed: int = 0
) -> dict[str, Any]:
    """Score ``labeller`` (and ``compare``) overall and per source; write metrics.json,
    report.md and errors.jsonl (every record whose predicted set differs from gold)."""
    gold = [set(r.events) for r in records]
    metrics: dict[str, Any] = {"n_records": len(records)}
    runs = []
    for role, candidate in (("labeller", labeller), ("compare", compare)):
        if candidate is None:
            continue
        pred, scores = predicted_sets(candidate, [r.text for r in records])
        result = {"name": candidate.name, "overall": score_events(gold, pred, n_bootstrap, seed)}
        for source, prefix in SOURCES.items():
            keep = [i for i, r in enumerate(records) if r.id.startswith(prefix)]
            if keep:
                result[source] = score_events(
                    [gold[i] for i in keep], [pred[i] for i in keep], n_bootstrap, seed
                )
        metrics[role] = result
        runs.append((candidate.name, pred, scores))
    if compare is not None:
        a, b = (event_counts(gold, pred) for _, pred, _ in runs)
        metrics["paired_bootstrap"] = _floats(paired_bootstrap(a, b, n_bootstrap, seed))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    (out / "report.md").write_text(render_report(metrics))
    with open(out / "errors.jsonl", "w", encoding="utf-8") as file:
        for name, pred, scores in runs:
            for record, g, p, s in zip(records, gold, pred, scores):
                if g != p:
                    file.write(
                        json.dumps(
                            {
                                "labeller": name,
                                "id": record.id,
                                "gold": sorted(g),
                                "predicted": sorted(p),
                                "scores": s,
                                "text": record.text,
                            },
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
    return metrics


def _row(name: str, s: dict) -> str:
    per_type = " | ".join(f"{s['per_type'][t]['f1']:.3f}" for t in EVENT_TYPES)
    ci = s["ci"].get("macro", {}).get("f1", [float("nan")] * 2)
    return (
        f"| {name} | {s['n_records']} | {per_type} | **{s['macro']['f1']:.3f}** "
        f"[{ci[0]:.3f}, {ci[1]:.3f}] | {s['micro']['f1']:.3f} | "
        f"{s['event_vs_none']['f1']:.3f} |"
    )


def render_report(metrics: dict[str, Any]) -> str:
    header = (
        "| labeller | records | "
        + " | ".join(EVENT_TYPES)
        + " | macro F1 [95% CI] | micro F1 | event vs none F1 |"
    )
    lines = ["# Event-type evaluation", "", header, "|---" * (len(EVENT_TYPES) + 5) + "|"]
    for scope in ("overall", *SOURCES):
        for role in ("labeller", "compare"):
            if role in metrics and scope in metrics[role]:
                lines.append(_row(f"{metrics[role]['name']} ({scope})", metrics[role][scope]))
    if "paired_bootstrap" in metrics:
        macro = metrics["paired_bootstrap"]["macro_f1"]
        lines += [
            "",
            f"Paired bootstrap, macro-F1 {metrics['labeller']['name']} − "
            f"{metrics['compare']['name']}: {macro['difference']:+.3f} "
            f"[{macro['ci'][0]:+.3f}, {macro['ci'][1]:+.3f}], p = {macro['p_value']:.3f}",
        ]
    return "\n".join(lines) + "\n"


def load_labeller(spec: str, device: str = "auto"):
    """``keywords`` (the rule baseline) or a model directory."""
    if spec == "keywords":
        from .keywords import KeywordEventLabeller

        return KeywordEventLabeller()
    from cronaca.inference.event_labeller import ModelEventLabeller

    return ModelEventLabeller.from_pretrained(spec, device)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--labeller", default="keywords", help="'keywords' or a model directory")
    parser.add_argument("--compare", help="a second labeller, compared pairwise")
    parser.add_argument("--split", choices=("train", "dev", "test"), default="dev")
    parser.add_argument("--out", help="output folder (default: runs/eval/events-SPLIT)")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--data-dir", help="the shared data folder")


def command(args: argparse.Namespace) -> int:
    from .event_corpus import by_split, load_event_corpus

    records = by_split(load_event_corpus(args.data_dir))[args.split]
    compare = load_labeller(args.compare) if args.compare else None
    out = args.out or f"runs/eval/events-{args.split}"
    metrics = evaluate_events(load_labeller(args.labeller), records, out, compare, args.bootstrap)
    print(render_report(metrics))
    print(f"written: {out}/metrics.json, report.md, errors.jsonl")
    return 0
