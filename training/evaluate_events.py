"""One harness that scores any ``EventLabeller`` (a model, the keyword rules) on event records.

A record (a KIND sentence, ``WN_…`` id, or a news item, ``nib-…`` id: headline and description)
has a gold **set** of event types, possibly empty. A labeller's ``event_scores`` become a
predicted set through per-type thresholds (the labeller's own ``thresholds`` when it has them,
else 0.5; ``score >= threshold`` predicts the type).

What it measures, and how
- **Per type**, a record is one decision: true positive when the type is in both sets, and so
  on; precision, recall, F1 and support (records with the type in gold) per type.
- **Micro** F1 pools the six types' counts. **Macro** F1 is the mean of the per-type F1 over
  the types whose F1 is *defined*: F1 = 2·TP / (2·TP + FP + FN) is 0/0 only for a type that is
  neither in gold nor predicted anywhere in the scored records, and such a type is left out of
  the mean (``macro.n_types`` says how many were averaged). A type with no gold but with
  predictions scores 0 (all false positives) and counts; a type with gold but no predictions
  scores 0 and counts. So a labeller is never rewarded or punished for a type it rightly never
  predicts where it never occurs (KIND ``WN_dev`` has no ``strategic_development``), but is
  punished for predicting it there. Other 0/0 cases (precision with no prediction, recall with
  no gold) are 0, as in the entity harness.
- **Event versus no event**: the positive class is "at least one event type"; P/R/F1 over
  records, whatever the types.
- **Confusion** (:func:`confusion_table`): ``table[g][p]`` is the number of records with gold
  type ``g`` whose predicted set contains ``p`` (``p == g``: found); ``table[g]["none"]`` the
  number of records with gold ``g`` and an empty predicted set. The extra row ``"none"`` holds
  the records with an empty gold set: ``table["none"][p]`` how many got ``p`` anyway,
  ``table["none"]["none"]`` how many were rightly left empty. A record with several gold or
  predicted types counts once in every cell it touches, so rows need not sum to the support.
- **Confidence**: 95% percentile bootstrap intervals over records (:func:`bootstrap_events`,
  seeded), and a paired bootstrap (:func:`paired_bootstrap_events`) that resamples the same
  records for two labellers and gives the difference (macro-F1 first, also micro-F1,
  event-vs-none and per type), its interval and ``p_value``, the share of resamples where the
  first labeller is no better (a one-sided p-value). As in the entity harness
  (:mod:`cronaca.training.evaluate`), per-record counts are computed once and a resample is a
  matrix product of record multiplicities with them (chunked: bounded memory).
- **Per source**: every score overall, on the news items and on the KIND sentences.
- **Every error listed**: ``errors.jsonl`` holds every record whose predicted set differs from
  gold, per labeller, with its text, gold, prediction, false positive and negative types, the
  scores, the annotator's note and, for a labeller that can explain itself (the keyword rules),
  the cues that fired.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from cronaca.inference.decisions import decide
from cronaca.inference.decisions import resolve_thresholds as inference_thresholds
from cronaca.inference.labels import EVENT_TYPES
from cronaca.inference.protocols import EventLabeller

from . import reports
from .corpora import Sentence
from .evaluate import _ci, _floats, _multiplicities, _prf

NONE = "none"
# scope name -> record id prefix, for records that do not carry meta["source"]
SOURCES = {
    "news-in-brief": "nib-",
    "kind-wikinews": "WN_",
    "kind-fic-adg": ("FIC_", "ADG_"),
    "wikineural": "val:",
}
SCOPES = ("overall", *SOURCES)


# --- counting -----------------------------------------------------------------------------------


def label_matrix(sets: Sequence[set[str]], labels: Sequence[str] = EVENT_TYPES) -> np.ndarray:
    """``[n_records, n_labels]`` 0/1 matrix: is label ``j`` in set ``i``."""
    matrix = np.zeros((len(sets), len(labels)), dtype=np.int64)
    index = {label: j for j, label in enumerate(labels)}
    for i, labels_of_record in enumerate(sets):
        for label in labels_of_record:
            if label not in index:
                raise ValueError(f"record {i}: unknown event type {label!r}")
            matrix[i, index[label]] = 1
    return matrix


def record_counts(
    gold: Sequence[set[str]], pred: Sequence[set[str]], labels: Sequence[str] = EVENT_TYPES
) -> np.ndarray:
    """Per-record counts ``[n_records, 3 * k + 3]``: true positives, predictions and gold per
    type (``k`` columns each), then the same three for event versus no event. Every score is a
    function of their column sums (:func:`_scores_from_sums`)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sets but {len(pred)} predicted ones")
    g, p = label_matrix(gold, labels), label_matrix(pred, labels)
    g_any, p_any = g.max(1, initial=0), p.max(1, initial=0)
    return np.concatenate([g * p, p, g, np.stack([g_any * p_any, p_any, g_any], 1)], axis=1)


def _scores_from_sums(sums: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Scores from summed counts ``[..., 3 * k + 3]`` (one row, or one row per resample)."""
    tp, pred, gold = sums[..., :k], sums[..., k : 2 * k], sums[..., 2 * k : 3 * k]
    precision, recall, f1 = _prf(tp, pred, gold)
    defined = (pred + gold) > 0
    n_defined = defined.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):

        def macro(values: np.ndarray) -> np.ndarray:
            return np.where(n_defined > 0, (values * defined).sum(-1) / n_defined, np.nan)

        micro = _prf(tp.sum(-1), pred.sum(-1), gold.sum(-1))
        event = _prf(sums[..., 3 * k], sums[..., 3 * k + 1], sums[..., 3 * k + 2])
        return {
            "tp": tp,
            "pred": pred,
            "gold": gold,
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "defined": defined,
            "macro_precision": macro(precision),
            "macro_recall": macro(recall),
            "macro_f1": macro(f1),
            "n_defined": n_defined,
            "micro_precision": micro[0],
            "micro_recall": micro[1],
            "micro_f1": micro[2],
            "event_precision": event[0],
            "event_recall": event[1],
            "event_f1": event[2],
        }


# --- scores -------------------------------------------------------------------------------------


def confusion_table(
    gold: Sequence[set[str]], pred: Sequence[set[str]], labels: Sequence[str] = EVENT_TYPES
) -> dict[str, dict[str, int]]:
    """``table[gold type][predicted type or "none"]``, plus a ``"none"`` row for records with
    an empty gold set (definition in the module docstring)."""
    columns = (*labels, NONE)
    table = {row: dict.fromkeys(columns, 0) for row in columns}
    for g, p in zip(gold, pred, strict=True):
        for row in g or {NONE}:
            for column in p or {NONE}:
                table[row][column] += 1
    return table


def score_events(
    gold: Sequence[set[str]], pred: Sequence[set[str]], labels: Sequence[str] = EVENT_TYPES
) -> dict[str, Any]:
    """Per type P/R/F1/support, micro and macro F1 over ``labels``, event-versus-no-event
    P/R/F1, exact-match accuracy and the confusion table (conventions in the module
    docstring)."""
    k = len(labels)
    s = _scores_from_sums(record_counts(gold, pred, labels).sum(0), k)
    per_type = {
        label: {
            "precision": float(s["precision"][j]),
            "recall": float(s["recall"][j]),
            "f1": float(s["f1"][j]),
            "support": int(s["gold"][j]),
            "predicted": int(s["pred"][j]),
            "true_positives": int(s["tp"][j]),
            "defined": bool(s["defined"][j]),
        }
        for j, label in enumerate(labels)
    }
    exact = [set(g) == set(p) for g, p in zip(gold, pred)]
    return _json_ready(
        {
            "n_records": len(gold),
            "per_type": per_type,
            "micro": {
                "precision": s["micro_precision"],
                "recall": s["micro_recall"],
                "f1": s["micro_f1"],
                "support": int(s["gold"].sum()),
                "predicted": int(s["pred"].sum()),
                "true_positives": int(s["tp"].sum()),
            },
            "macro": {
                "precision": s["macro_precision"],
                "recall": s["macro_recall"],
                "f1": s["macro_f1"],
                "n_types": int(s["n_defined"]),
            },
            "event_vs_none": {
                "precision": s["event_precision"],
                "recall": s["event_recall"],
                "f1": s["event_f1"],
                "support": sum(1 for g in gold if g),
                "predicted": sum(1 for p in pred if p),
            },
            "exact_match": float(np.mean(exact)) if exact else 0.0,
            "confusion": confusion_table(gold, pred, labels),
        }
    )


def _json_ready(value: Any) -> Any:
    """numpy to Python numbers and NaN to ``None``, recursively (strict JSON)."""
    value = _floats(value)
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, np.ndarray):
        return _json_ready(value.tolist())
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# --- bootstrap ----------------------------------------------------------------------------------


def _resampled_sums(counts: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``[n, columns]``: the column sums of ``n`` bootstrap resamples of the records (rows)."""
    parts = [weights @ counts for weights in _multiplicities(counts.shape[0], n, seed)]
    return np.concatenate(parts).reshape(n, counts.shape[1])


def _interval(values: np.ndarray, confidence: float) -> list[float] | None:
    """Percentile interval of the defined (non-NaN) values; ``None`` if there are none."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return None
    tail = (1 - confidence) / 2 * 100
    return [float(x) for x in np.percentile(values, [tail, 100 - tail])]


def bootstrap_events(
    gold: Sequence[set[str]],
    pred: Sequence[set[str]],
    labels: Sequence[str] = EVENT_TYPES,
    n: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Percentile bootstrap intervals over records: micro F1, macro F1, event-vs-none F1 and
    per-type F1 (a resample where a type's or the macro's F1 is undefined is left out of that
    interval)."""
    if len(gold) == 0 or n <= 0:
        return {"n": 0, "seed": seed, "confidence": confidence}
    k = len(labels)
    draws = _scores_from_sums(_resampled_sums(record_counts(gold, pred, labels), n, seed), k)
    per_type_f1 = np.where(draws["defined"], draws["f1"], np.nan)
    return {
        "n": n,
        "seed": seed,
        "confidence": confidence,
        "micro": {"f1": _interval(draws["micro_f1"], confidence)},
        "macro": {"f1": _interval(draws["macro_f1"], confidence)},
        "event_vs_none": {"f1": _interval(draws["event_f1"], confidence)},
        "per_type": {
            label: {"f1": _interval(per_type_f1[:, j], confidence)}
            for j, label in enumerate(labels)
        },
    }


def paired_bootstrap_events(
    gold: Sequence[set[str]],
    pred_a: Sequence[set[str]],
    pred_b: Sequence[set[str]],
    labels: Sequence[str] = EVENT_TYPES,
    n: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Labeller ``a`` minus labeller ``b`` on the same resampled records: for macro F1 (the
    headline), micro F1, event-vs-none F1 and each type's F1, the two scores on all records,
    their ``difference``, its percentile interval ``ci`` and ``p_value``, the share of
    resamples where ``a`` is not better (``a <= b``; resamples where either is undefined are
    left out)."""
    k = len(labels)
    counts_a, counts_b = record_counts(gold, pred_a, labels), record_counts(gold, pred_b, labels)
    full_a = _scores_from_sums(counts_a.sum(0), k)
    full_b = _scores_from_sums(counts_b.sum(0), k)
    width = counts_a.shape[1]
    if len(gold) and n > 0:
        sums = _resampled_sums(np.concatenate([counts_a, counts_b], axis=1), n, seed)
        draws_a = _scores_from_sums(sums[:, :width], k)
        draws_b = _scores_from_sums(sums[:, width:], k)
    else:
        draws_a = draws_b = None

    def summary(point_a, point_b, a, b) -> dict[str, Any]:
        result = {"a": point_a, "b": point_b, "difference": point_a - point_b}
        if a is None:
            return {**result, "ci": None, "p_value": None}
        difference = np.asarray(a, float) - np.asarray(b, float)
        valid = difference[~np.isnan(difference)]
        return {
            **result,
            "ci": _interval(difference, confidence),
            "p_value": float(np.mean(valid <= 0)) if valid.size else None,
        }

    def draw(draws, key, j=None):
        if draws is None:
            return None
        if j is None:
            return draws[key]
        return np.where(draws["defined"][:, j], draws[key][:, j], np.nan)

    def point(full, key, j=None):
        return full[key] if j is None else (full[key][j] if full["defined"][j] else np.nan)

    result: dict[str, Any] = {"n": n, "seed": seed, "confidence": confidence}
    for name, key in (("macro_f1", "macro_f1"), ("micro_f1", "micro_f1")):
        result[name] = summary(
            point(full_a, key), point(full_b, key), draw(draws_a, key), draw(draws_b, key)
        )
    result["event_vs_none_f1"] = summary(
        full_a["event_f1"], full_b["event_f1"], draw(draws_a, "event_f1"), draw(draws_b, "event_f1")
    )
    result["per_type_f1"] = {
        label: summary(
            point(full_a, "f1", j),
            point(full_b, "f1", j),
            draw(draws_a, "f1", j),
            draw(draws_b, "f1", j),
        )
        for j, label in enumerate(labels)
    }
    return _json_ready(result)


# --- running a labeller -------------------------------------------------------------------------


def resolve_thresholds(
    labeller: EventLabeller,
    thresholds: float | Mapping[str, float] | None = None,
    labels: Sequence[str] = EVENT_TYPES,
) -> dict[str, float]:
    """Per-type thresholds: ``thresholds`` (one number for all types, or a mapping over the
    rest), else the labeller's own ``thresholds``, else 0.5 (the one rule of inference)."""
    own = getattr(labeller, "thresholds", None) or {}
    return inference_thresholds(labels, {k: v for k, v in own.items() if k in labels}, thresholds)


def predicted_sets(
    scores: Sequence[Mapping[str, float]], thresholds: Mapping[str, float]
) -> list[set[str]]:
    """Each text's predicted set: :func:`decide`, the rule the Predictor applies too."""
    out = []
    for i, row in enumerate(scores):
        try:
            out.append(set(decide(row, thresholds)))
        except ValueError as error:
            raise ValueError(f"text {i}: {error}") from None
    return out


def run_labeller(
    labeller: EventLabeller, texts: Sequence[str], batch_size: int = 256, progress: bool = True
) -> tuple[list[dict[str, float]], float]:
    """``event_scores`` of every text in batches (a progress bar), and the seconds it took."""
    scores: list[dict[str, float]] = []
    started = time.perf_counter()
    with tqdm(total=len(texts), desc=labeller.name, unit="text", disable=not progress) as bar:
        for first in range(0, len(texts), batch_size):
            batch = list(texts[first : first + batch_size])
            result = labeller.event_scores(batch)
            if len(result) != len(batch):
                raise ValueError(f"{labeller.name}: {len(result)} results for {len(batch)} texts")
            scores += [dict(row) for row in result]
            bar.update(len(batch))
    return scores, time.perf_counter() - started


def source_of(record: Sentence) -> str | None:
    """The record's source: ``meta["source"]`` as the corpus loader sets it, else read from
    the id's prefix (``nib-…`` news, ``WN_…`` KIND Wikinews, ...), else ``None``."""
    if record.meta.get("source"):
        return record.meta["source"]
    for source, prefix in SOURCES.items():
        if record.id.startswith(prefix):
            return source
    return None


def _scope_indices(records: Sequence[Sentence]) -> dict[str, list[int]]:
    scopes = {"overall": list(range(len(records)))}
    for source in SOURCES:
        scopes[source] = [i for i, r in enumerate(records) if source_of(r) == source]
    return {scope: ids for scope, ids in scopes.items() if ids}


def error_records(
    name: str,
    records: Sequence[Sentence],
    gold: Sequence[set[str]],
    pred: Sequence[set[str]],
    scores: Sequence[Mapping[str, float]],
    labeller: EventLabeller | None = None,
) -> list[dict[str, Any]]:
    """Every record whose predicted set differs from gold, in record order."""
    explain = getattr(labeller, "explain", None)
    errors = []
    for record, g, p, s in zip(records, gold, pred, scores, strict=True):
        if g == p:
            continue
        error = {
            "labeller": name,
            "id": record.id,
            "source": source_of(record),
            "gold": [t for t in EVENT_TYPES if t in g],
            "predicted": [t for t in EVENT_TYPES if t in p],
            "false_positives": [t for t in EVENT_TYPES if t in p - g],
            "false_negatives": [t for t in EVENT_TYPES if t in g - p],
            "scores": {t: float(v) for t, v in s.items()},
            "text": record.text,
            "note": record.meta.get("note", ""),
        }
        if callable(explain):
            error["evidence"] = [
                {"type": m.label, "text": m.text, "start": m.start, "end": m.end}
                for m in explain(record.text)
                if m.blocked is None
            ]
        errors.append(error)
    return errors


# --- the harness --------------------------------------------------------------------------------


def evaluate_events(
    labeller: EventLabeller,
    records: Sequence[Sentence],
    out_dir: str | Path,
    compare: EventLabeller | None = None,
    thresholds: float | Mapping[str, float] | None = None,
    *,
    compare_thresholds: float | Mapping[str, float] | None = None,
    split_name: str | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
    batch_size: int = 256,
    show_progress: bool = True,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Score ``labeller`` (and ``compare``) on the labelled records, overall and per source;
    write ``metrics.json``, ``report.md``, ``per_type_f1.png`` and ``errors.jsonl`` into
    ``out_dir``; return the metrics. Records without event annotation (``events is None``) are
    left out and counted."""
    labelled = [r for r in records if r.events is not None]
    if not labelled:
        raise ValueError("no record has event annotations")
    gold = [set(r.events) for r in labelled]
    texts = [r.text for r in labelled]
    scopes = _scope_indices(labelled)
    metrics: dict[str, Any] = {
        "split": split_name or _split_name(labelled),
        "n_records": len(labelled),
        "n_unlabelled_left_out": len(records) - len(labelled),
        "n_records_per_scope": {scope: len(ids) for scope, ids in scopes.items()},
        "labels": list(EVENT_TYPES),
        "bootstrap": {"n": n_bootstrap, "seed": seed, "confidence": 0.95, "unit": "record"},
        "conventions": {
            "prediction": "a type is predicted when its score >= its threshold",
            "macro": "mean F1 over the types whose F1 is defined (in gold or predicted)",
            "event_vs_none": "positive class: the record has at least one event type",
            "confusion": "row gold type (or none), column predicted type (or none): records",
        },
        **(extra or {}),
    }
    runs = []
    candidates = [("labeller", labeller, thresholds)]
    if compare is not None:
        candidates.append(("compare", compare, compare_thresholds))
    for role, candidate, role_thresholds in candidates:
        resolved = resolve_thresholds(candidate, role_thresholds)
        scores, seconds = run_labeller(candidate, texts, batch_size, show_progress)
        pred = predicted_sets(scores, resolved)
        result: dict[str, Any] = {"name": candidate.name, "thresholds": resolved}
        started = time.perf_counter()
        for scope, ids in scopes.items():
            if not ids:
                continue
            g, p = [gold[i] for i in ids], [pred[i] for i in ids]
            result[scope] = score_events(g, p)
            result[scope]["ci"] = _json_ready(
                bootstrap_events(g, p, EVENT_TYPES, n_bootstrap, seed)
            )
        result["timings"] = {
            "label_seconds": seconds,
            "records_per_second": len(labelled) / max(seconds, 1e-9),
            "score_seconds": time.perf_counter() - started,
        }
        info = getattr(candidate, "info", None)
        if info:
            result["info"] = _json_ready(info)
        result["n_errors"] = sum(g != p for g, p in zip(gold, pred))
        metrics[role] = result
        runs.append((candidate, pred, scores))
    if compare is not None:
        (_, pred_a, _), (_, pred_b, _) = runs
        metrics["paired_bootstrap"] = {
            scope: paired_bootstrap_events(
                [gold[i] for i in ids],
                [pred_a[i] for i in ids],
                [pred_b[i] for i in ids],
                EVENT_TYPES,
                n_bootstrap,
                seed,
            )
            for scope, ids in scopes.items()
            if ids
        }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    metrics = _json_ready(metrics)
    (out / "metrics.json").write_text(
        json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "report.md").write_text(render_report(metrics), encoding="utf-8")
    plot_per_type_f1(metrics, out / "per_type_f1.png")
    names = _names(metrics)
    with open(out / "errors.jsonl", "w", encoding="utf-8") as file:
        for name, (candidate, pred, scores) in zip(names, runs):
            for error in error_records(name, labelled, gold, pred, scores, candidate):
                file.write(json.dumps(error, ensure_ascii=False) + "\n")
    return metrics


def _split_name(records: Sequence[Sentence]) -> str:
    splits = sorted({str(r.meta.get("split")) for r in records if r.meta.get("split")})
    return "+".join(splits) or "records"


# --- report and plot ----------------------------------------------------------------------------


def _names(metrics: dict[str, Any]) -> list[str]:
    """Display names of the labellers, made distinct when two share one."""
    names = [metrics[role]["name"] for role in ("labeller", "compare") if role in metrics]
    if len(names) == 2 and names[0] == names[1]:
        names = [f"{names[0]} (A)", f"{names[1]} (B)"]
    return names


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _scope_table(scores: dict[str, Any]) -> list[str]:
    ci = scores.get("ci", {})
    lines = [
        "| type | support | predicted | P | R | F1 | 95% CI (F1) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, row in scores["per_type"].items():
        f1 = row["f1"] if row["defined"] else None
        interval = ci.get("per_type", {}).get(label, {}).get("f1")
        lines.append(
            f"| {label} | {row['support']} | {row['predicted']} | {row['precision']:.3f} "
            f"| {row['recall']:.3f} | {_number(f1)} | {_ci(interval) if f1 is not None else '–'} |"
        )
    micro, macro, event = scores["micro"], scores["macro"], scores["event_vs_none"]
    lines += [
        f"| **micro** | {micro['support']} | {micro['predicted']} | {micro['precision']:.3f} "
        f"| {micro['recall']:.3f} | **{micro['f1']:.3f}** | {_ci(ci.get('micro', {}).get('f1'))} |",
        f"| **macro** ({macro['n_types']} types) | | | {_number(macro['precision'])} "
        f"| {_number(macro['recall'])} | **{_number(macro['f1'])}** "
        f"| {_ci(ci.get('macro', {}).get('f1'))} |",
        f"| **event vs none** | {event['support']} | {event['predicted']} "
        f"| {event['precision']:.3f} | {event['recall']:.3f} | **{event['f1']:.3f}** "
        f"| {_ci(ci.get('event_vs_none', {}).get('f1'))} |",
        "",
        f"Exact match (predicted set = gold set): {scores['exact_match']:.3f} "
        f"of {scores['n_records']} records.",
    ]
    return lines


def _confusion_lines(table: dict[str, dict[str, int]]) -> list[str]:
    columns = list(next(iter(table.values())))
    lines = [
        "| gold \\ predicted | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for row, cells in table.items():
        lines.append(f"| {row} | " + " | ".join(str(cells[c]) for c in columns) + " |")
    return lines


def _comparison_lines(metrics: dict[str, Any], names: list[str]) -> list[str]:
    lines = [
        f"| scope | metric | {names[0]} | {names[1]} | difference | 95% CI "
        f"| p ({names[0]} ≤ {names[1]}) |",
        "|---|---|---:|---:|---:|---|---:|",
    ]
    for scope, paired in metrics["paired_bootstrap"].items():
        rows = [
            ("**macro F1**", paired["macro_f1"]),
            ("micro F1", paired["micro_f1"]),
            ("event vs none F1", paired["event_vs_none_f1"]),
        ]
        if scope == "overall":
            rows += [(f"F1 {label}", row) for label, row in paired["per_type_f1"].items()]
        for metric, row in rows:
            difference = "–" if row["difference"] is None else f"{row['difference']:+.3f}"
            p_value = "–" if row["p_value"] is None else f"{row['p_value']:.3f}"
            lines.append(
                f"| {scope} | {metric} | {_number(row['a'])} | {_number(row['b'])} "
                f"| {difference} | {_ci(row['ci'])} | {p_value} |"
            )
    macro = metrics["paired_bootstrap"]["overall"]["macro_f1"]
    if macro["difference"] is not None and macro["p_value"] is not None:
        lines += [
            "",
            f"Overall macro-F1 {names[0]} − {names[1]}: {macro['difference']:+.4f} "
            f"(95% CI {_ci(macro['ci'])}); {names[0]} is no better than {names[1]} in "
            f"{macro['p_value']:.1%} of {metrics['bootstrap']['n']} paired resamples of records.",
        ]
    return lines


def render_report(metrics: dict[str, Any]) -> str:
    """The Markdown report: per labeller one table per scope (overall, news items, KIND
    sentences) and the overall confusion table, then the paired comparison."""
    names = _names(metrics)
    boot = metrics["bootstrap"]
    counts = metrics["n_records_per_scope"]
    lines = [
        f"# Event-type evaluation on {metrics['split']}",
        "",
        f"{metrics['n_records']} records: "
        + ", ".join(f"{counts[s]} {s}" for s in SOURCES if s in counts)
        + ". A type is predicted "
        "when its score reaches its threshold. Macro F1 averages the types whose F1 is defined "
        "(present in gold or predicted; `–` marks the others); event vs none scores "
        '"at least one type" per record. 95% percentile bootstrap intervals over records '
        f"({boot['n']} resamples, seed {boot['seed']}).",
        "",
    ]
    for role, name in zip(("labeller", "compare"), names):
        result = metrics[role]
        thresholds = ", ".join(f"{k} {v:g}" for k, v in result["thresholds"].items())
        lines += [f"## {name}", "", f"Thresholds: {thresholds}.", ""]
        for scope in SCOPES:
            if scope in result:
                lines += [
                    f"### {scope} ({result[scope]['n_records']} records)",
                    "",
                    *_scope_table(result[scope]),
                    "",
                ]
        lines += [
            "### confusion (overall)",
            "",
            "Records with gold type *row* whose predicted set contains *column*; `none` "
            "column: nothing predicted; `none` row: records with no gold event.",
            "",
            *_confusion_lines(result["overall"]["confusion"]),
            "",
            f"Labelling: {result['timings']['label_seconds']:.2f} s "
            f"({result['timings']['records_per_second']:.1f} records/s). "
            f"{result['n_errors']} records with a predicted set different from gold.",
            "",
        ]
    note = "Every record whose predicted set differs from gold is listed in `errors.jsonl`."
    lines += reports.closing_sections(metrics, names, _comparison_lines, note)
    return "\n".join(lines)


def plot_per_type_f1(metrics: dict[str, Any], path: str | Path) -> None:
    """F1 per type, micro, macro and event vs none with 95% intervals, one panel per scope,
    labellers side by side."""
    roles = [role for role in ("labeller", "compare") if role in metrics]
    scopes = [scope for scope in SCOPES if scope in metrics[roles[0]]]
    groups = [*metrics["labels"], "micro", "macro", "event_vs_none"]
    fig, axes = reports.pyplot().subplots(
        len(scopes), 1, figsize=(2 + 1.25 * len(groups), 3.2 * len(scopes)), squeeze=False
    )
    for ax, scope in zip(axes[:, 0], scopes):
        series = [
            (name, *_f1_and_intervals(metrics[role][scope], groups))
            for role, name in zip(roles, _names(metrics))
        ]
        reports.grouped_bars(ax, groups, series, label_size=7)
        ax.set_xticks(np.arange(len(groups)), [g.replace("_", "\n") for g in groups], fontsize=8)
        ax.set_ylim(0, 1.1)
        ax.set_ylabel("F1")
        ax.set_title(f"{scope} ({metrics[roles[0]][scope]['n_records']} records)", fontsize=10)
    axes[0, 0].legend(loc="upper right", fontsize=8)
    fig.suptitle(f"Event-type F1 on {metrics['split']} (95% bootstrap CI)")
    reports.save(fig, path, dpi=110)


def _f1_and_intervals(scores: dict[str, Any], groups: list[str]) -> tuple[list, list]:
    """F1 (0 where undefined) and its interval for each type or average in ``groups``."""
    ci = scores.get("ci", {})
    values, intervals = [], []
    for group in groups:
        if group in scores["per_type"]:
            row = scores["per_type"][group]
            values.append(row["f1"] if row["defined"] else 0.0)
            intervals.append(ci.get("per_type", {}).get(group, {}).get("f1"))
        else:
            values.append(scores[group]["f1"] or 0.0)
            intervals.append(ci.get(group, {}).get("f1"))
    return values, intervals


# --- the ``cronaca evaluate-events`` sub-command ------------------------------------------------


def add_evaluate_events_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--split",
        choices=("train", "dev", "test"),
        default="dev",
        help="the split of the project's event corpus to score on (default: dev)",
    )
    parser.add_argument(
        "--labeller",
        default="keywords",
        metavar="SPEC",
        help="'keywords' (the rule baseline) or a model directory (default: keywords)",
    )
    parser.add_argument("--compare", metavar="SPEC", help="a second labeller, compared pairwise")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: runs/eval/events-SPLIT-NAME)",
    )
    parser.add_argument(
        "--bootstrap", type=int, default=1000, metavar="N", help="bootstrap resamples (1000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (0)")
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="one decision threshold for every type of --labeller (default: its own, else 0.5)",
    )
    parser.add_argument("--batch-size", type=int, default=256, help="texts per labeller call")
    parser.add_argument("--device", default="auto", help="for model labellers: auto, cpu, cuda…")
    parser.add_argument(
        "--events-dir",
        type=Path,
        default=None,
        help="the stand-off event label files (default: data/events of the repository)",
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="the shared data folder")


def load_labeller(spec: str, device: str = "auto") -> EventLabeller:
    """``keywords`` or a model directory (loaded lazily with ``ModelEventLabeller``, so this
    module works without any model code)."""
    if spec == "keywords":
        from .baselines import KeywordEventLabeller

        return KeywordEventLabeller()
    path = Path(spec)
    if not path.is_dir():
        raise ValueError(f"labeller {spec!r} is neither 'keywords' nor a model directory")
    from cronaca.inference.event_labeller import ModelEventLabeller

    return ModelEventLabeller.from_pretrained(path, device=device, precision="fp32")


def load_split(
    split: str, events_dir: Path | None = None, data_dir: Path | None = None
) -> list[Sentence]:
    """The labelled records of one split of the project's event corpus."""
    from .event_corpus import EVENTS_DIR, by_split, load_event_corpus

    records = load_event_corpus(data_dir, events_dir or EVENTS_DIR)
    return by_split(records)[split]


def evaluate_events_command(args: argparse.Namespace) -> int:
    """``cronaca evaluate-events``: load the split and the labeller(s), run
    :func:`evaluate_events`, print the headline scores."""
    from .corpora import CorpusError

    try:
        records = load_split(args.split, args.events_dir, args.data_dir)
        started = time.perf_counter()
        labeller = load_labeller(args.labeller, args.device)
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        compare = load_labeller(args.compare, args.device) if args.compare else None
        compare_seconds = time.perf_counter() - started
    except (CorpusError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.split == "test":
        print("note: scoring the test split; report it once, never tune on it", file=sys.stderr)
    out = args.out or Path("runs") / "eval" / f"events-{args.split}-{Path(labeller.name).name}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        metrics = evaluate_events(
            labeller,
            records,
            out,
            compare,
            args.threshold,
            split_name=args.split,
            n_bootstrap=args.bootstrap,
            seed=args.seed,
            batch_size=args.batch_size,
            extra={"load_seconds": {"labeller": load_seconds, "compare": compare_seconds}},
        )
    for role, name in zip(("labeller", "compare"), _names(metrics)):
        for scope in SCOPES:
            if scope not in metrics[role]:
                continue
            scores = metrics[role][scope]
            ci = scores["ci"].get("macro", {}).get("f1")
            print(
                f"{name} on {metrics['split']} {scope} ({scores['n_records']}): macro-F1 "
                f"{_number(scores['macro']['f1'])} {_ci(ci)}, micro-F1 "
                f"{scores['micro']['f1']:.4f}, event-vs-none F1 {scores['event_vs_none']['f1']:.4f}"
            )
    if "paired_bootstrap" in metrics:
        macro = metrics["paired_bootstrap"]["overall"]["macro_f1"]
        p_value = "–" if macro["p_value"] is None else f"{macro['p_value']:.3f}"
        print(
            f"macro-F1 difference {macro['difference']:+.4f} {_ci(macro['ci'])}, "
            f"p(a <= b) = {p_value}"
        )
    print(f"report: {out / 'report.md'}")
    return 0


__all__ = [
    "add_evaluate_events_arguments",
    "bootstrap_events",
    "confusion_table",
    "evaluate_events",
    "evaluate_events_command",
    "load_labeller",
    "paired_bootstrap_events",
    "record_counts",
    "score_events",
]
