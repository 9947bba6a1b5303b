"""One harness that scores any ``WordTagger`` (a model, a rule baseline) on a split.

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
- **Confidence.** 95% percentile bootstrap intervals over sentences (:func:`bootstrap_ci`); a
  paired bootstrap (:func:`paired_bootstrap`) resamples the same sentences for two taggers and
  gives the F1 difference, its interval and the share of resamples where the first is no better
  (a one-sided p-value).
- **Every error listed.** ``errors.jsonl`` holds every strict false positive and false negative
  span with its character offsets, the sentence text and what it overlaps (wrong type, wrong
  boundary, spurious, missed), so an error analysis starts from a file, not from a rerun.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from seqeval.metrics import classification_report
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, Entities
from tqdm.auto import tqdm

from cronaca.inference.protocols import WordTagger

from . import reports
from .corpora import Sentence

MODES = ("strict", "lenient")
Span = tuple[str, int, int]  # (type, start token, end token exclusive)
COUNTS_CHUNK = 4_000_000  # resamples x sentences per chunk: bounds bootstrap memory (~32 MB)


# --- counting ---------------------------------------------------------------------------------


def extract_entities(tags: Sequence[Sequence[str]], mode: str) -> list[set[Span]]:
    """Entities of each sentence, as seqeval reads them in ``mode`` (``strict``: IOB2)."""
    if mode == "strict":
        per_sentence = Entities([list(t) for t in tags], IOB2).entities
        return [{(e.tag, e.start, e.end) for e in entities} for entities in per_sentence]
    if mode == "lenient":
        return [{(t, s, e + 1) for t, s, e in get_entities(list(seq))} for seq in tags]
    raise ValueError(f"mode must be one of {MODES}, not {mode!r}")


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


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator``, 0 where the denominator is 0 (seqeval's zero_division)."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    return np.divide(numerator, denominator, out=np.zeros(numerator.shape), where=denominator > 0)


def _prf(tp, pred, gold) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    precision, recall = _divide(tp, pred), _divide(tp, gold)
    return precision, recall, _divide(2 * precision * recall, precision + recall)


def score_counts(counts: EntityCounts) -> dict[str, Any]:
    """Per type, micro, macro and weighted P/R/F1 from summed counts (seqeval's arithmetic)."""
    tp, pred, gold = counts.tp.sum(0), counts.pred.sum(0), counts.gold.sum(0)
    p, r, f = _prf(tp, pred, gold)
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
    micro_p, micro_r, micro_f = (float(x) for x in _prf(tp.sum(), pred.sum(), gold.sum()))
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
    return {mode: _floats(score_counts(entity_counts(gold, pred, mode))) for mode in MODES}


def _floats(value: Any) -> Any:
    """numpy scalars to Python numbers, recursively (for JSON)."""
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_floats(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value


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


def _multiplicities(n_sentences: int, n: int, seed: int) -> Iterator[np.ndarray]:
    """``[chunk, n_sentences]`` counts of each sentence in each of ``n`` resamples (drawn with
    replacement, ``n_sentences`` per resample), in chunks that bound the memory used."""
    rng = np.random.default_rng(seed)
    chunk = max(1, COUNTS_CHUNK // max(n_sentences, 1))
    for first in range(0, n, chunk):
        rows = min(chunk, n - first)
        draws = rng.integers(0, n_sentences, size=(rows, n_sentences))
        offsets = (np.arange(rows) * n_sentences)[:, None]
        yield np.bincount((draws + offsets).ravel(), minlength=rows * n_sentences).reshape(
            rows, n_sentences
        )


def _resampled_f1(stacked_list: Sequence[np.ndarray], n: int, seed: int) -> list[dict]:
    """For each ``[n_sentences, 3 * n_types]`` array, the micro, macro and per-type F1 (and
    micro P/R) of ``n`` resamples, all arrays resampled with the same sentence indices."""
    n_sentences = stacked_list[0].shape[0]
    sums = [[] for _ in stacked_list]
    for weights in _multiplicities(n_sentences, n, seed):
        for k, stacked in enumerate(stacked_list):
            sums[k].append(weights @ stacked)
    results = []
    for parts in sums:
        total = np.concatenate(parts).reshape(n, 3, -1)  # [resample, (tp, pred, gold), type]
        tp, pred, gold = total[:, 0], total[:, 1], total[:, 2]
        per_p, per_r, per_f = _prf(tp, pred, gold)
        micro = _prf(tp.sum(1), pred.sum(1), gold.sum(1))
        results.append(
            {
                "per_type_f1": per_f,
                "macro_f1": per_f.mean(1) if per_f.shape[1] else np.zeros(n),
                "micro_precision": micro[0],
                "micro_recall": micro[1],
                "micro_f1": micro[2],
            }
        )
    return results


def _interval(values: np.ndarray, confidence: float) -> list[float]:
    tail = (1 - confidence) / 2 * 100
    return [float(x) for x in np.percentile(values, [tail, 100 - tail])]


def bootstrap_ci(
    counts: EntityCounts, n: int = 1000, seed: int = 0, confidence: float = 0.95
) -> dict[str, Any]:
    """Percentile bootstrap intervals over sentences: micro P/R/F1, macro F1 and per-type F1."""
    if len(counts) == 0 or n <= 0:
        return {"n": 0, "seed": seed, "confidence": confidence}
    draws = _resampled_f1([counts.stacked(counts.types)], n, seed)[0]
    return {
        "n": n,
        "seed": seed,
        "confidence": confidence,
        "micro": {
            metric: _interval(draws[f"micro_{metric}"], confidence)
            for metric in ("precision", "recall", "f1")
        },
        "macro": {"f1": _interval(draws["macro_f1"], confidence)},
        "per_type": {
            name: {"f1": _interval(draws["per_type_f1"][:, j], confidence)}
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
    full = [score_counts(c) for c in (counts_a, counts_b)]
    draws_a, draws_b = _resampled_f1([c.stacked(types) for c in (counts_a, counts_b)], n, seed)

    def summary(point_a: float, point_b: float, a: np.ndarray, b: np.ndarray) -> dict:
        difference = a - b
        return {
            "a": point_a,
            "b": point_b,
            "difference": point_a - point_b,
            "ci": _interval(difference, confidence),
            "p_value": float(np.mean(difference <= 0)),
        }

    def type_f1(scores: dict, name: str) -> float:
        return scores["per_type"].get(name, {"f1": 0.0})["f1"]

    return {
        "mode": counts_a.mode,
        "n": n,
        "seed": seed,
        "confidence": confidence,
        "micro_f1": summary(
            full[0]["micro"]["f1"], full[1]["micro"]["f1"], draws_a["micro_f1"], draws_b["micro_f1"]
        ),
        "macro_f1": summary(
            full[0]["macro"]["f1"], full[1]["macro"]["f1"], draws_a["macro_f1"], draws_b["macro_f1"]
        ),
        "per_type_f1": {
            name: summary(
                type_f1(full[0], name),
                type_f1(full[1], name),
                draws_a["per_type_f1"][:, j],
                draws_b["per_type_f1"][:, j],
            )
            for j, name in enumerate(types)
        },
    }


# --- running a tagger and listing its errors ----------------------------------------------------


@dataclass
class TaggerRun:
    """One tagger's predictions on a split, with everything measured from them."""

    name: str
    pred: list[list[str]]
    seconds: float
    counts: dict[str, EntityCounts] = field(default_factory=dict)
    scores: dict[str, Any] = field(default_factory=dict)
    ci: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    info: dict[str, Any] | None = None  # what the tagger says about itself (``tagger.info``)


def run_tagger(
    tagger: WordTagger, sentences: Sequence[Sentence], batch_size: int = 256, progress=True
) -> TaggerRun:
    """Tag the sentences' words in batches (a progress bar per batch); checks every length."""
    pred: list[list[str]] = []
    started = time.perf_counter()
    starts = range(0, len(sentences), batch_size)
    with tqdm(total=len(sentences), desc=tagger.name, unit="sent", disable=not progress) as bar:
        for first in starts:
            batch = sentences[first : first + batch_size]
            tags = tagger.tag_words([s.text for s in batch], [s.offsets for s in batch])
            if len(tags) != len(batch):
                raise ValueError(f"{tagger.name}: {len(tags)} results for {len(batch)} texts")
            for sentence, row in zip(batch, tags):
                if len(row) != len(sentence.tokens):
                    raise ValueError(
                        f"{tagger.name}: {len(row)} tags for the {len(sentence.tokens)} words "
                        f"of {sentence.id}"
                    )
                pred.append(list(row))
            bar.update(len(batch))
    return TaggerRun(tagger.name, pred, time.perf_counter() - started)


def _describe(span: Span, others: set[Span], role: str) -> str:
    """How an error relates to the other side's entities: wrong type, boundary, overlap, none."""
    label, start, end = span
    overlapping = sorted(o for o in others if o[1] < end and start < o[2])
    for other in overlapping:
        if (other[1], other[2]) == (start, end):
            return f"wrong type ({role} {other[0]})"
    for other in overlapping:
        if other[0] == label:
            return f"boundary ({role} tokens {other[1]}-{other[2]})"
    if overlapping:
        other = overlapping[0]
        return f"overlap ({role} {other[0]} tokens {other[1]}-{other[2]})"
    return "spurious" if role == "gold" else "missed"


def error_records(
    name: str, sentences: Sequence[Sentence], pred: Sequence[Sequence[str]], mode: str = "strict"
) -> list[dict[str, Any]]:
    """Every false positive and false negative span of one tagger, in sentence order."""
    gold_sets = extract_entities([s.tags for s in sentences], mode)
    pred_sets = extract_entities(pred, mode)
    records = []
    for sentence, gold, predicted in zip(sentences, gold_sets, pred_sets):
        errors = [("FP", e, gold, "gold") for e in predicted - gold]
        errors += [("FN", e, predicted, "predicted") for e in gold - predicted]
        for kind, (label, start, end), others, role in sorted(errors, key=lambda x: x[1][1:]):
            char_start, char_end = sentence.offsets[start][0], sentence.offsets[end - 1][1]
            records.append(
                {
                    "tagger": name,
                    "sentence_id": sentence.id,
                    "error": kind,
                    "type": label,
                    "text": sentence.text[char_start:char_end],
                    "start": char_start,
                    "end": char_end,
                    "token_start": start,
                    "token_end": end,
                    "note": _describe((label, start, end), others, role),
                    "sentence": sentence.text,
                }
            )
    return records


# --- the harness --------------------------------------------------------------------------------


def _split_name(sentences: Sequence[Sentence]) -> str:
    path = getattr(sentences, "path", None)
    if path:
        return Path(path).stem
    first_id = sentences[0].id if sentences else ""
    return first_id.rpartition(":")[0] or "split"


def _measure(run: TaggerRun, gold, n_bootstrap: int, seed: int, verify: bool) -> None:
    started = time.perf_counter()
    run.counts = {mode: entity_counts(gold, run.pred, mode) for mode in MODES}
    run.scores = {mode: _floats(score_counts(run.counts[mode])) for mode in MODES}
    if verify:
        check_against_seqeval(gold, run.pred, run.scores)
    scored = time.perf_counter()
    run.ci = {mode: bootstrap_ci(run.counts[mode], n_bootstrap, seed) for mode in MODES}
    run.timings = {
        "tag_seconds": run.seconds,
        "score_seconds": scored - started,
        "bootstrap_seconds": time.perf_counter() - scored,
    }


def evaluate(
    tagger: WordTagger,
    sentences: Sequence[Sentence],
    out_dir: str | Path,
    compare: WordTagger | None = None,
    *,
    split_name: str | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
    batch_size: int = 256,
    show_progress: bool = True,
    verify: bool = True,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Score ``tagger`` (and ``compare``) on the annotated sentences; write ``metrics.json``,
    ``report.md``, ``per_type_f1.png`` and ``errors.jsonl`` into ``out_dir``; return the metrics.

    Sentences without entity annotation (``tags is None``) are left out and counted.
    ``verify`` checks the counted scores against seqeval's report on the full split.
    """
    split = split_name or _split_name(sentences)
    annotated = [s for s in sentences if s.tags is not None]
    if not annotated:
        raise ValueError(f"{split}: no sentence has entity annotations")
    gold = [list(s.tags) for s in annotated]
    runs = []
    for candidate in (tagger, compare) if compare is not None else (tagger,):
        run = run_tagger(candidate, annotated, batch_size, show_progress)
        _measure(run, gold, n_bootstrap, seed, verify)
        run.timings["sentences_per_second"] = len(annotated) / max(run.seconds, 1e-9)
        run.timings["words_per_second"] = sum(map(len, gold)) / max(run.seconds, 1e-9)
        run.info = getattr(candidate, "info", None)
        runs.append(run)
    metrics: dict[str, Any] = {
        "split": split,
        "split_path": getattr(sentences, "path", None),
        "n_sentences": len(annotated),
        "n_unannotated_left_out": len(sentences) - len(annotated),
        "n_words": sum(map(len, gold)),
        "bootstrap": {"n": n_bootstrap, "seed": seed, "confidence": 0.95, "unit": "sentence"},
        **(extra or {}),
    }
    for role, run in zip(("tagger", "compare"), runs):
        metrics[role] = {"name": run.name, **run.scores, "ci": run.ci, "timings": run.timings}
        if run.info:
            metrics[role]["info"] = _floats(run.info)
    if compare is not None:
        metrics["paired_bootstrap"] = {
            mode: paired_bootstrap(runs[0].counts[mode], runs[1].counts[mode], n_bootstrap, seed)
            for mode in MODES
        }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(_floats(metrics), indent=2, ensure_ascii=False))
    (out / "report.md").write_text(render_report(metrics))
    plot_per_type_f1(metrics, out / "per_type_f1.png")
    with open(out / "errors.jsonl", "w", encoding="utf-8") as file:
        for run in runs:
            for record in error_records(run.name, annotated, run.pred):
                file.write(json.dumps(record, ensure_ascii=False) + "\n")
    return metrics


# --- report and plot ----------------------------------------------------------------------------


def _names(metrics: dict[str, Any]) -> list[str]:
    """Display names of the taggers, made distinct when two share one (two ``model`` dirs)."""
    names = [metrics[role]["name"] for role in ("tagger", "compare") if role in metrics]
    if len(names) == 2 and names[0] == names[1]:
        names = [f"{names[0]} (A)", f"{names[1]} (B)"]
    return names


def _ci(interval: Sequence[float] | None) -> str:
    return f"[{interval[0]:.3f}, {interval[1]:.3f}]" if interval else "–"


def _tagger_table(result: dict[str, Any]) -> list[str]:
    strict, lenient, ci = result["strict"], result["lenient"], result["ci"]["strict"]
    lines = [
        "| type | support | P strict | R strict | F1 strict | 95% CI (strict F1) "
        "| P lenient | R lenient | F1 lenient | 95% CI (lenient F1) |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    types = sorted(set(strict["per_type"]) | set(lenient["per_type"]))
    rows = [(t, strict["per_type"].get(t), lenient["per_type"].get(t)) for t in types]
    rows += [("**micro**", strict["micro"], lenient["micro"])]
    rows += [("**macro**", strict["macro"], lenient["macro"])]
    for name, s, le in rows:
        key = name.strip("*")
        s = s or {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
        le = le or {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
        interval = (ci.get("per_type", {}).get(key) or ci.get(key) or {}).get("f1")
        lenient_ci = result["ci"]["lenient"]
        lenient_interval = (
            lenient_ci.get("per_type", {}).get(key) or lenient_ci.get(key) or {}
        ).get("f1")
        support = s.get("support", le.get("support", ""))
        lines.append(
            f"| {name} | {support} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
            f"| {_ci(interval)} | {le['precision']:.3f} | {le['recall']:.3f} | {le['f1']:.3f} "
            f"| {_ci(lenient_interval)} |"
        )
    return lines


def _comparison_table(metrics: dict[str, Any], names: list[str]) -> list[str]:
    lines = []
    for mode in MODES:
        paired = metrics["paired_bootstrap"][mode]
        lines += [
            f"### {mode}",
            "",
            f"| type | F1 {names[0]} | F1 {names[1]} | difference | 95% CI "
            f"| p ({names[0]} ≤ {names[1]}) |",
            "|---|---:|---:|---:|---|---:|",
        ]
        rows = [*paired["per_type_f1"].items(), ("**micro**", paired["micro_f1"])]
        for name, row in rows:
            lines.append(
                f"| {name} | {row['a']:.3f} | {row['b']:.3f} | {row['difference']:+.3f} "
                f"| {_ci(row['ci'])} | {row['p_value']:.3f} |"
            )
        lines.append("")
    micro = metrics["paired_bootstrap"]["strict"]["micro_f1"]
    lines.append(
        f"Strict micro-F1 {names[0]} − {names[1]}: {micro['difference']:+.4f} "
        f"(95% CI {_ci(micro['ci'])}); {names[0]} is no better than {names[1]} in "
        f"{micro['p_value']:.1%} of {metrics['bootstrap']['n']} paired resamples of sentences."
    )
    return lines


def render_report(metrics: dict[str, Any]) -> str:
    """The Markdown report: one table per tagger, then the comparison when there is one."""
    names = _names(metrics)
    boot = metrics["bootstrap"]
    lines = [
        f"# Entity evaluation on {metrics['split']}",
        "",
        f"{metrics['n_sentences']} sentences, {metrics['n_words']} words. seqeval entity-level "
        "scores: **strict** IOB2 (the headline) and seqeval's **lenient** default mode. "
        f"95% percentile bootstrap intervals over sentences ({boot['n']} resamples, "
        f"seed {boot['seed']}).",
        "",
    ]
    for role, name in zip(("tagger", "compare"), names):
        result = metrics[role]
        timings = result["timings"]
        lines += [
            f"## {name}",
            "",
            *_tagger_table(result),
            "",
            f"Tagging: {timings['tag_seconds']:.2f} s "
            f"({timings['sentences_per_second']:.1f} sentences/s).",
            "",
        ]
    note = "Every strict false positive and false negative span is listed in `errors.jsonl`."
    lines += reports.closing_sections(metrics, names, _comparison_table, note)
    return "\n".join(lines)


def plot_per_type_f1(metrics: dict[str, Any], path: str | Path) -> None:
    """Strict F1 per type and micro, with 95% intervals; taggers side by side."""
    roles = [role for role in ("tagger", "compare") if role in metrics]
    types = sorted({t for role in roles for t in metrics[role]["strict"]["per_type"]})
    groups = [*types, "micro"]
    series = []
    for role, name in zip(roles, _names(metrics)):
        scores, ci = metrics[role]["strict"], metrics[role]["ci"]["strict"]
        values = [scores["per_type"].get(t, {"f1": 0.0})["f1"] for t in types]
        intervals = [ci.get("per_type", {}).get(t, {}).get("f1") for t in types]
        series.append(
            (name, [*values, scores["micro"]["f1"]], [*intervals, ci.get("micro", {}).get("f1")])
        )
    fig, ax = reports.pyplot().subplots(figsize=(1.6 + 1.3 * len(groups), 4))
    reports.grouped_bars(ax, groups, series)
    ax.set_xticks(np.arange(len(groups)), groups)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("F1 (strict IOB2)")
    ax.set_title(f"Entity F1 per type on {metrics['split']} (95% bootstrap CI)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(roles), frameon=False)
    reports.save(fig, path)


# --- the ``cronaca evaluate`` sub-command -----------------------------------------------------


def _default_kind(name: str) -> Path:
    from .corpora import shared_data_dir

    return shared_data_dir() / "kind" / "evalita-2023" / name


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--split",
        type=Path,
        default=None,
        help="the corpus to score on (.tsv, .conllu, .jsonl); gold is scored raw "
        "(default: KIND WN_dev.tsv in the shared data folder)",
    )
    parser.add_argument(
        "--tagger",
        default="gazetteer",
        metavar="SPEC",
        help="'gazetteer' (the rule baseline; 'gazetteer:train,ucdp,kind' picks its sources) "
        "or a model directory (default: gazetteer)",
    )
    parser.add_argument("--compare", metavar="SPEC", help="a second tagger, compared pairwise")
    parser.add_argument(
        "--train",
        type=Path,
        nargs="+",
        default=None,
        metavar="PATH",
        help="training corpora for the gazetteer's entity strings (default: KIND WN_train.tsv)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: runs/eval/SPLIT-TAGGER)"
    )
    parser.add_argument(
        "--bootstrap", type=int, default=1000, metavar="N", help="bootstrap resamples (1000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (0)")
    parser.add_argument(
        "--batch-size", type=int, default=256, help="sentences per tagger call (256)"
    )
    parser.add_argument("--device", default="auto", help="for model taggers: auto, cpu, cuda…")
    parser.add_argument(
        "--drop-label",
        action="append",
        default=[],
        metavar="TYPE",
        help="map a gold entity type outside PER/ORG/LOC to O (e.g. MISC)",
    )


def load_tagger(
    spec: str, train_paths: Sequence[Path] | None = None, device: str = "auto"
) -> WordTagger:
    """``gazetteer[:sources]`` (sources among train, ucdp, kind; all by default) or a model
    directory (loaded lazily with ``ModelTagger``, so this module needs no model code)."""
    if spec == "gazetteer" or spec.startswith("gazetteer:"):
        return _gazetteer(spec, train_paths)
    path = Path(spec)
    if not path.is_dir():
        raise ValueError(f"tagger {spec!r} is neither 'gazetteer[:sources]' nor a model directory")
    from cronaca.inference.tagger import ModelTagger

    # scored in float32 on any machine, so reports compare across CPUs; BENCHMARKS.md shows
    # the faster precisions (bf16, int8) agree with it
    return ModelTagger.from_pretrained(path, device=device, precision="fp32")


def _gazetteer(spec: str, train_paths: Sequence[Path] | None) -> WordTagger:
    from .baselines import DEFAULT, SOURCES, GazetteerTagger
    from .corpora import read_corpus

    sources = set(spec.partition(":")[2].split(",")) - {""} or set(SOURCES)
    unknown = sources - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown gazetteer source(s) {sorted(unknown)}: use {', '.join(SOURCES)}")
    train = []
    if "train" in sources:
        for path in train_paths or [_default_kind("WN_train.tsv")]:
            train += list(read_corpus(path))
    tagger = GazetteerTagger.from_files(
        train,
        ucdp_csv=DEFAULT if "ucdp" in sources else None,
        kind_org=DEFAULT if "kind" in sources else None,
    )
    if sources != set(SOURCES):
        tagger.name = f"gazetteer:{','.join(s for s in SOURCES if s in sources)}"
    return tagger


def read_gold(path: Path, drop_labels: Sequence[str]):
    from .corpora import read_corpus

    options: dict[str, Any] = {}
    if path.suffix.lower() in (".tsv", ".conllu"):
        options["on_invalid"] = "keep"  # score gold exactly as the official scorer reads it
    if drop_labels:
        options["label_map"] = {label: None for label in drop_labels}
    return read_corpus(path, **options)


def _timed(function: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    return function(), time.perf_counter() - started


def evaluate_command(args: argparse.Namespace) -> int:
    """``cronaca evaluate``: load the split and the tagger(s), run :func:`evaluate`, print the
    headline scores."""
    from .corpora import CorpusError

    split_path = args.split or _default_kind("WN_dev.tsv")
    try:
        sentences = read_gold(split_path, args.drop_label)
        tagger, load_seconds = _timed(lambda: load_tagger(args.tagger, args.train, args.device))
        compare, compare_seconds = (
            _timed(lambda: load_tagger(args.compare, args.train, args.device))
            if args.compare
            else (None, 0.0)
        )
    except (CorpusError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out = args.out or Path("runs") / "eval" / f"{split_path.stem}-{Path(tagger.name).name}"
    extra = {"load_seconds": {"tagger": load_seconds, "compare": compare_seconds}}
    metrics = evaluate(
        tagger,
        sentences,
        out,
        compare,
        n_bootstrap=args.bootstrap,
        seed=args.seed,
        batch_size=args.batch_size,
        extra=extra,
    )
    for role in ("tagger", "compare"):
        if role in metrics:
            result = metrics[role]
            strict, lenient = result["strict"]["micro"], result["lenient"]["micro"]
            interval = result["ci"]["strict"].get("micro", {}).get("f1")
            print(
                f"{result['name']} on {metrics['split']}: strict micro-F1 {strict['f1']:.4f} "
                f"{_ci(interval)}, lenient {lenient['f1']:.4f}"
            )
    if "paired_bootstrap" in metrics:
        micro = metrics["paired_bootstrap"]["strict"]["micro_f1"]
        print(
            f"difference {micro['difference']:+.4f} {_ci(micro['ci'])}, "
            f"p(a <= b) = {micro['p_value']:.3f}"
        )
    print(f"report: {out / 'report.md'}")
    return 0
