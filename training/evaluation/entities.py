"""Entity scores: counting, seqeval's arithmetic on the counts, and their bootstrap.

The harness that runs a ``WordTagger`` and writes the files is :mod:`.entity_harness`; its
report, :mod:`.entity_report`.

What it measures, and why
- **seqeval, both readings.** Entity-level precision, recall and F1 in seqeval's strict IOB2 mode
  (the headline: an entity counts only if it is well formed, so an ``I-X`` that opens an entity
  is no entity) and in seqeval's lenient default mode (conlleval's reading, where it is), per
  type with micro, macro and weighted averages. Gold is scored raw (``on_invalid="keep"``), as
  the official scorer sees it.
- **Counted once, resampled cheaply.** Entities are extracted per sentence with seqeval's own
  code (``seqeval.scheme.Entities`` for strict, ``get_entities`` for lenient) into per-sentence
  arrays of true positives, predicted and gold counts per type; every score is a sum over those
  arrays, and :func:`check_against_seqeval` verifies on the full split that the sums reproduce
  ``seqeval.metrics.classification_report`` exactly. A bootstrap resample is then a matrix
  product of sentence multiplicities with the count arrays, not a seqeval run.
- **Confidence.** 95% percentile bootstrap intervals over sentences (:func:`bootstrap_ci`,
  :mod:`.stats`); a paired bootstrap (:func:`paired_bootstrap`) resamples the same sentences
  for two taggers and gives the F1 difference, its interval and the share of resamples where
  the first is no better (a one-sided p-value).
- **Every error listed.** ``errors.jsonl`` holds every strict false positive and false negative
  span with its character offsets, the sentence text and what it overlaps (wrong type, wrong
  boundary, spurious, missed), so an error analysis starts from a file, not from a rerun.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from seqeval.metrics import classification_report
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, Entities

from .report import json_ready
from .stats import bootstrap_sums, difference, interval, paired_bootstrap_sums, prf

MODES = ("strict", "lenient")
Span = tuple[str, int, int]  # (type, start token, end token exclusive)


# --- counting ---------------------------------------------------------------------------------


def extract_entities(tags: Sequence[Sequence[str]], mode: str) -> list[set[Span]]:
    """Entities of each sentence, as seqeval reads them in ``mode`` (``strict``: IOB2)."""
    if mode == "strict":
        per_sentence = Entities([list(t) for t in tags], IOB2).entities
        return [{(e.tag, e.start, e.end) for e in entities} for entities in per_sentence]
    if mode == "lenient":
        return [{(t, s, e + 1) for t, s, e in get_entities(list(seq))} for seq in tags]
    raise ValueError(f"mode must be one of {MODES}, not {mode!r}")


def type_confusion(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]
) -> dict[str, dict[str, int]]:
    """Strict spans by gold type (rows) and predicted type (columns), every cell present;
    ``none`` is a missed gold span (row) or a spurious predicted one (column). Off-diagonal
    cells of the same boundaries are type errors (ORG read as LOC: the one users feel)."""
    pairs = []
    for g, p in zip(extract_entities(gold, "strict"), extract_entities(pred, "strict")):
        g_at, p_at = {(s, e): t for t, s, e in g}, {(s, e): t for t, s, e in p}
        pairs += [(t, p_at.get(where, "none")) for where, t in g_at.items()]
        pairs += [("none", t) for where, t in p_at.items() if where not in g_at]
    names = [*sorted({t for pair in pairs for t in pair} - {"none"}), "none"]
    table = {row: dict.fromkeys(names, 0) for row in names}
    for row, column in pairs:
        table[row][column] += 1
    return table


@dataclass(frozen=True)
class EntityCounts:
    """Per-sentence entity counts in one mode: ``[n_sentences, n_types]`` integer arrays."""

    mode: str
    types: tuple[str, ...]  # sorted, as seqeval orders them: types in gold or predictions
    tp: np.ndarray
    pred: np.ndarray
    gold: np.ndarray

    def __len__(self) -> int:
        return self.tp.shape[0]

    def stacked(self, types: Sequence[str]) -> np.ndarray:
        """``[n_sentences, 3 * len(types)]``: tp, pred, gold for ``types`` (zeros if absent)."""
        out = np.zeros((len(self), 3, len(types)), dtype=np.int64)
        for j, name in enumerate(types):
            if name in self.types:
                k = self.types.index(name)
                out[:, :, j] = np.stack([self.tp[:, k], self.pred[:, k], self.gold[:, k]], 1)
        return out.reshape(len(self), -1)


def _check_lengths(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> None:
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sentences but {len(pred)} predicted ones")
    for i, (g, p) in enumerate(zip(gold, pred)):
        if len(g) != len(p):
            raise ValueError(f"sentence {i}: {len(g)} gold tags but {len(p)} predicted tags")


def entity_counts(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], mode: str
) -> EntityCounts:
    """Count true positives, predictions and gold entities per sentence and type."""
    _check_lengths(gold, pred)
    gold_sets, pred_sets = extract_entities(gold, mode), extract_entities(pred, mode)
    types = tuple(sorted({e[0] for s in (*gold_sets, *pred_sets) for e in s}))
    index = {name: j for j, name in enumerate(types)}
    arrays = np.zeros((3, len(gold), len(types)), dtype=np.int64)
    for i, (g, p) in enumerate(zip(gold_sets, pred_sets)):
        for row, entities in enumerate((g & p, p, g)):
            for entity in entities:
                arrays[row, i, index[entity[0]]] += 1
    return EntityCounts(mode, types, *arrays)


# --- scores -----------------------------------------------------------------------------------


def score_counts(counts: EntityCounts) -> dict[str, Any]:
    """Per type, micro, macro and weighted P/R/F1 from summed counts (seqeval's arithmetic)."""
    tp, pred, gold = counts.tp.sum(0), counts.pred.sum(0), counts.gold.sum(0)
    p, r, f = prf(tp, pred, gold)
    per_type = {
        name: {
            "precision": float(p[j]),
            "recall": float(r[j]),
            "f1": float(f[j]),
            "support": int(gold[j]),
            "predicted": int(pred[j]),
            "true_positives": int(tp[j]),
        }
        for j, name in enumerate(counts.types)
    }
    micro_p, micro_r, micro_f = (float(x) for x in prf(tp.sum(), pred.sum(), gold.sum()))
    weights = gold / gold.sum() if gold.sum() else np.zeros(len(gold))
    n = max(len(counts.types), 1)  # with no entity at all, the averages of nothing are 0
    return {
        "mode": counts.mode,
        "per_type": per_type,
        "micro": {
            "precision": micro_p,
            "recall": micro_r,
            "f1": micro_f,
            "support": int(gold.sum()),
            "predicted": int(pred.sum()),
            "true_positives": int(tp.sum()),
        },
        "macro": {"precision": p.sum() / n, "recall": r.sum() / n, "f1": f.sum() / n},
        "weighted": {"precision": p @ weights, "recall": r @ weights, "f1": f @ weights},
    }


def score_tags(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, Any]:
    """``{"strict": scores, "lenient": scores}`` of IOB2 tag sequences (:func:`score_counts`)."""
    return {mode: json_ready(score_counts(entity_counts(gold, pred, mode))) for mode in MODES}


_SEQEVAL_NAMES = {"precision": "precision", "recall": "recall", "f1": "f1-score"}


def check_against_seqeval(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], scores: dict[str, Any]
) -> None:
    """Raise ``AssertionError`` unless ``scores`` (from :func:`score_tags`) equal seqeval's own
    ``classification_report`` in both modes, to 1e-12."""
    gold, pred = [list(t) for t in gold], [list(t) for t in pred]
    for mode in MODES:
        options = {"mode": "strict", "scheme": IOB2} if mode == "strict" else {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # undefined metrics for absent types are 0, as ours
            report = classification_report(gold, pred, output_dict=True, **options)
        ours = scores[mode]
        expected = {name: ours["per_type"][name] for name in ours["per_type"]}
        for average in ("micro", "macro", "weighted"):
            expected[f"{average} avg"] = ours[average]
        if set(report) != set(expected):
            raise AssertionError(f"{mode}: seqeval reports {sorted(report)}, we {sorted(expected)}")
        for key, theirs in report.items():
            for metric, name in _SEQEVAL_NAMES.items():
                if abs(expected[key][metric] - theirs[name]) > 1e-12:
                    raise AssertionError(
                        f"{mode} {key} {metric}: ours {expected[key][metric]!r}, "
                        f"seqeval {theirs[name]!r}"
                    )
            if "support" in expected[key] and expected[key]["support"] != theirs["support"]:
                raise AssertionError(f"{mode} {key} support differs from seqeval")


# --- bootstrap ----------------------------------------------------------------------------------


def _f1_draws(sums: np.ndarray) -> dict[str, np.ndarray]:
    """Micro, macro and per-type F1 (and micro P/R) of each resample's summed counts
    ``[n, 3 * n_types]`` (tp, pred, gold per type, as :meth:`EntityCounts.stacked`)."""
    total = sums.reshape(sums.shape[0], 3, -1)  # [resample, (tp, pred, gold), type]
    tp, pred, gold = total[:, 0], total[:, 1], total[:, 2]
    per_f = prf(tp, pred, gold)[2]
    micro = prf(tp.sum(1), pred.sum(1), gold.sum(1))
    return {
        "per_type_f1": per_f,
        "macro_f1": per_f.mean(1) if per_f.shape[1] else np.zeros(sums.shape[0]),
        "micro_precision": micro[0],
        "micro_recall": micro[1],
        "micro_f1": micro[2],
    }


def bootstrap_ci(
    counts: EntityCounts, n: int = 1000, seed: int = 0, confidence: float = 0.95
) -> dict[str, Any]:
    """Percentile bootstrap intervals over sentences: micro P/R/F1, macro F1 and per-type F1."""
    if len(counts) == 0 or n <= 0:
        return {"n": 0, "seed": seed, "confidence": confidence}
    draws = _f1_draws(bootstrap_sums(counts.stacked(counts.types), n, seed))
    return {
        "n": n,
        "seed": seed,
        "confidence": confidence,
        "micro": {
            metric: interval(draws[f"micro_{metric}"], confidence)
            for metric in ("precision", "recall", "f1")
        },
        "macro": {"f1": interval(draws["macro_f1"], confidence)},
        "per_type": {
            name: {"f1": interval(draws["per_type_f1"][:, j], confidence)}
            for j, name in enumerate(counts.types)
        },
    }


def paired_bootstrap(
    counts_a: EntityCounts,
    counts_b: EntityCounts,
    n: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """F1 of ``a`` minus F1 of ``b`` (micro and per type) on the same resampled sentences: the
    difference on the full split, its percentile interval and ``p_value``, the share of
    resamples where ``a`` is not better (``a <= b``)."""
    if len(counts_a) != len(counts_b) or counts_a.mode != counts_b.mode:
        raise ValueError("paired bootstrap needs counts of the same sentences in the same mode")
    types = tuple(sorted(set(counts_a.types) | set(counts_b.types)))
    full_a, full_b = score_counts(counts_a), score_counts(counts_b)
    stacked_a, stacked_b = counts_a.stacked(types), counts_b.stacked(types)
    sums_a, sums_b = paired_bootstrap_sums(stacked_a, stacked_b, n, seed)
    draws_a, draws_b = _f1_draws(sums_a), _f1_draws(sums_b)

    def type_f1(scores: dict, name: str) -> float:
        return scores["per_type"].get(name, {"f1": 0.0})["f1"]

    def compared(average: str) -> dict[str, Any]:
        key = f"{average}_f1"
        a, b = full_a[average]["f1"], full_b[average]["f1"]
        return difference(a, b, draws_a[key], draws_b[key], confidence)

    return {
        "mode": counts_a.mode,
        "n": n,
        "seed": seed,
        "confidence": confidence,
        "micro_f1": compared("micro"),
        "macro_f1": compared("macro"),
        "per_type_f1": {
            name: difference(
                type_f1(full_a, name),
                type_f1(full_b, name),
                draws_a["per_type_f1"][:, j],
                draws_b["per_type_f1"][:, j],
                confidence,
            )
            for j, name in enumerate(types)
        },
    }


def char_span_scores(
    gold: Sequence[set[tuple[int, int, str]]], pred: Sequence[set[tuple[int, int, str]]]
) -> dict[str, Any]:
    """Exact character-span P/R/F1 (micro and per type) of ``(start, end, type)`` sets, one
    set per text: what a user of ``cronaca predict`` gets, whatever its tokenisation."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold texts but {len(pred)} predicted")

    def prf(keep) -> dict[str, float]:
        g = {(i, *s) for i, spans in enumerate(gold) for s in spans if keep(s)}
        p = {(i, *s) for i, spans in enumerate(pred) for s in spans if keep(s)}
        tp = len(g & p)
        precision, recall = tp / max(len(p), 1), tp / max(len(g), 1)
        f1 = 2 * tp / max(len(g) + len(p), 1)
        return {"precision": precision, "recall": recall, "f1": f1, "support": len(g)}

    types = sorted({s[2] for spans in (*gold, *pred) for s in spans})
    return {
        "micro": prf(lambda s: True),
        "per_type": {t: prf(lambda s, t=t: s[2] == t) for t in types},
    }
