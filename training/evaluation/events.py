"""Event-type scores: counting, scores, confusion and their bootstrap, for any labeller's sets.

The harness that runs an ``EventLabeller`` and writes the files is :mod:`.event_harness`; its
report, :mod:`.event_report`.

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
  first labeller is no better (a one-sided p-value). As in the entity harness,
  per-record counts are computed once and a resample is a matrix product of record
  multiplicities with them (:mod:`.stats`).
- **Per source**: every score overall, on the news items and on the KIND sentences.
- **Every error listed**: ``errors.jsonl`` holds every record whose predicted set differs from
  gold, per labeller, with its text, gold, prediction, false positive and negative types, the
  scores, the annotator's note and, for a labeller that can explain itself (the keyword rules),
  the cues that fired.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from cronaca.inference.labels import EVENT_TYPES

from .report import json_ready
from .stats import bootstrap_sums, difference, interval, paired_bootstrap_sums, prf

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
    precision, recall, f1 = prf(tp, pred, gold)
    defined = (pred + gold) > 0
    n_defined = defined.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):

        def macro(values: np.ndarray) -> np.ndarray:
            return np.where(n_defined > 0, (values * defined).sum(-1) / n_defined, np.nan)

        micro = prf(tp.sum(-1), pred.sum(-1), gold.sum(-1))
        event = prf(sums[..., 3 * k], sums[..., 3 * k + 1], sums[..., 3 * k + 2])
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
    return json_ready(
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


# --- bootstrap ----------------------------------------------------------------------------------


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
    draws = _scores_from_sums(bootstrap_sums(record_counts(gold, pred, labels), n, seed), k)
    per_type_f1 = np.where(draws["defined"], draws["f1"], np.nan)
    return {
        "n": n,
        "seed": seed,
        "confidence": confidence,
        "micro": {"f1": interval(draws["micro_f1"], confidence)},
        "macro": {"f1": interval(draws["macro_f1"], confidence)},
        "event_vs_none": {"f1": interval(draws["event_f1"], confidence)},
        "per_type": {
            label: {"f1": interval(per_type_f1[:, j], confidence)} for j, label in enumerate(labels)
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
    draws_a = draws_b = None
    if len(gold) and n > 0:
        sums_a, sums_b = paired_bootstrap_sums(counts_a, counts_b, n, seed)
        draws_a, draws_b = _scores_from_sums(sums_a, k), _scores_from_sums(sums_b, k)

    def compared(key: str, j: int | None = None) -> dict[str, Any]:
        return difference(
            _point(full_a, key, j),
            _point(full_b, key, j),
            _draw(draws_a, key, j),
            _draw(draws_b, key, j),
            confidence,
        )

    result: dict[str, Any] = {"n": n, "seed": seed, "confidence": confidence}
    result["macro_f1"], result["micro_f1"] = compared("macro_f1"), compared("micro_f1")
    result["event_vs_none_f1"] = compared("event_f1")
    result["per_type_f1"] = {label: compared("f1", j) for j, label in enumerate(labels)}
    return json_ready(result)


def _point(full: dict[str, np.ndarray], key: str, j: int | None) -> float:
    """A score on all records; a type's F1 is NaN where it is undefined."""
    if j is None:
        return full[key]
    return full[key][j] if full["defined"][j] else np.nan


def _draw(draws: dict[str, np.ndarray] | None, key: str, j: int | None) -> np.ndarray | None:
    """A score in every resample; a type's F1 is NaN in the resamples where it is undefined."""
    if draws is None:
        return None
    if j is None:
        return draws[key]
    return np.where(draws["defined"][:, j], draws[key][:, j], np.nan)
