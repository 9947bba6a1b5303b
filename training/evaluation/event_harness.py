"""The event-type harness: run any ``EventLabeller`` (a model, the keyword rules) on labelled
records, score it overall and per source (:mod:`.events`), list its errors, write the files
(:mod:`.event_report`), and the ``cronaca evaluate-events`` command behind them.

A labeller's ``event_scores`` become a predicted set through per-type thresholds (the
labeller's own ``thresholds`` when it has them, else 0.5; ``score >= threshold`` predicts the
type): :func:`~cronaca.inference.decisions.decide`, the rule the Predictor applies too.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from cronaca.inference.decisions import decide
from cronaca.inference.decisions import resolve_thresholds as inference_thresholds
from cronaca.inference.labels import EVENT_TYPES
from cronaca.inference.protocols import EventLabeller

from ..baselines.registry import load_keywords
from ..data.records import Sentence
from . import event_report
from .events import SCOPES, SOURCES, bootstrap_events, paired_bootstrap_events, score_events
from .report import ci_text, json_ready, number, write_outputs

if TYPE_CHECKING:
    from argparse import Namespace

CONVENTIONS = {
    "prediction": "a type is predicted when its score >= its threshold",
    "macro": "mean F1 over the types whose F1 is defined (in gold or predicted)",
    "event_vs_none": "positive class: the record has at least one event type",
    "confusion": "row gold type (or none), column predicted type (or none): records",
}

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


def event_errors(
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
    scopes = _scope_indices(labelled)
    metrics: dict[str, Any] = {
        "split": split_name or _split_name(labelled),
        "n_records": len(labelled),
        "n_unlabelled_left_out": len(records) - len(labelled),
        "n_records_per_scope": {scope: len(ids) for scope, ids in scopes.items()},
        "labels": list(EVENT_TYPES),
        "bootstrap": {"n": n_bootstrap, "seed": seed, "confidence": 0.95, "unit": "record"},
        "conventions": CONVENTIONS,
        **(extra or {}),
    }
    candidates = [("labeller", labeller, thresholds), ("compare", compare, compare_thresholds)]
    runs, texts = [], [r.text for r in labelled]
    for role, candidate, role_thresholds in candidates[: 1 if compare is None else 2]:
        resolved = resolve_thresholds(candidate, role_thresholds)
        scores, seconds = run_labeller(candidate, texts, batch_size, show_progress)
        pred = predicted_sets(scores, resolved)
        metrics[role] = _scored(candidate, resolved, gold, pred, scopes, seconds, n_bootstrap, seed)
        runs.append((candidate, pred, scores))
    if compare is not None:
        metrics["paired_bootstrap"] = {
            scope: paired_bootstrap_events(
                *_take(ids, gold, runs[0][1], runs[1][1]), EVENT_TYPES, n_bootstrap, seed
            )
            for scope, ids in scopes.items()
        }
    metrics = json_ready(metrics)
    errors = [
        error
        for name, (candidate, pred, scores) in zip(event_report.labeller_names(metrics), runs)
        for error in event_errors(name, labelled, gold, pred, scores, candidate)
    ]
    render, plot = event_report.render_report, event_report.plot_per_type_f1
    write_outputs(out_dir, metrics, render, plot, errors)
    return metrics


def _take(ids: Sequence[int], *columns: Sequence) -> list[list]:
    """The items at ``ids`` of each column (a scope's records)."""
    return [[column[i] for i in ids] for column in columns]


def _scored(
    labeller: EventLabeller,
    thresholds: dict[str, float],
    gold: Sequence[set[str]],
    pred: Sequence[set[str]],
    scopes: Mapping[str, Sequence[int]],
    seconds: float,
    n_bootstrap: int,
    seed: int,
) -> dict[str, Any]:
    """One labeller's scores and intervals in every scope, its timings, info and error count."""
    result: dict[str, Any] = {"name": labeller.name, "thresholds": thresholds}
    started = time.perf_counter()
    for scope, ids in scopes.items():
        g, p = _take(ids, gold, pred)
        result[scope] = score_events(g, p)
        result[scope]["ci"] = bootstrap_events(g, p, EVENT_TYPES, n_bootstrap, seed)
    result["timings"] = {
        "label_seconds": seconds,
        "records_per_second": len(gold) / max(seconds, 1e-9),
        "score_seconds": time.perf_counter() - started,
    }
    info = getattr(labeller, "info", None)
    if info:
        result["info"] = info
    result["n_errors"] = sum(g != p for g, p in zip(gold, pred))
    return result


def _split_name(records: Sequence[Sentence]) -> str:
    splits = sorted({str(r.meta.get("split")) for r in records if r.meta.get("split")})
    return "+".join(splits) or "records"


# --- the ``cronaca evaluate-events`` sub-command ------------------------------------------------


def load_labeller(spec: str, device: str = "auto") -> EventLabeller:
    """``keywords`` or a model directory (loaded lazily with ``ModelEventLabeller``, or
    ``JointModel`` for a joint model, so this module works without any model code)."""
    if spec == "keywords":
        return load_keywords(spec)
    path = Path(spec)
    if not path.is_dir():
        raise ValueError(f"labeller {spec!r} is neither 'keywords' nor a model directory")
    from cronaca.inference.settings import is_joint_model

    if is_joint_model(path):
        from cronaca.inference.joint import JointModel as loader
    else:
        from cronaca.inference.event_labeller import ModelEventLabeller as loader
    return loader.from_pretrained(path, device=device, precision="fp32")


def load_split(
    split: str, events_dir: Path | None = None, data_dir: Path | None = None
) -> list[Sentence]:
    """The labelled records of one split of the project's event corpus."""
    from ..data.event_corpus import EVENTS_DIR, by_split, load_event_corpus

    records = load_event_corpus(data_dir, events_dir or EVENTS_DIR)
    return by_split(records)[split]


def evaluate_events_command(args: Namespace) -> int:
    """``cronaca evaluate-events``: load the split and the labeller(s), run
    :func:`evaluate_events`, print the headline scores."""
    from ..data.records import CorpusError

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
    for role, name in zip(("labeller", "compare"), event_report.labeller_names(metrics)):
        for scope in SCOPES:
            if scope not in metrics[role]:
                continue
            scores = metrics[role][scope]
            ci = scores["ci"].get("macro", {}).get("f1")
            print(
                f"{name} on {metrics['split']} {scope} ({scores['n_records']}): macro-F1 "
                f"{number(scores['macro']['f1'])} {ci_text(ci)}, micro-F1 "
                f"{scores['micro']['f1']:.4f}, event-vs-none F1 {scores['event_vs_none']['f1']:.4f}"
            )
    if "paired_bootstrap" in metrics:
        macro = metrics["paired_bootstrap"]["overall"]["macro_f1"]
        p_value = "–" if macro["p_value"] is None else f"{macro['p_value']:.3f}"
        print(
            f"macro-F1 difference {macro['difference']:+.4f} {ci_text(macro['ci'])}, "
            f"p(a <= b) = {p_value}"
        )
    print(f"report: {out / 'report.md'}")
    return 0
