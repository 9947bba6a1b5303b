"""The entity harness: run any ``WordTagger`` (a model, a rule baseline) on a split, score it
(:mod:`.entities`), list its errors, write the files (:mod:`.entity_report`), and the
``cronaca evaluate`` command behind them.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from cronaca.inference.context import with_context
from cronaca.inference.protocols import WordTagger

from ..baselines.registry import load_gazetteer, rule_name
from ..data.corpora import kind_file
from ..data.documents import document_ids
from ..data.records import Sentence
from . import entity_report
from .entities import (
    MODES,
    EntityCounts,
    Span,
    bootstrap_ci,
    check_against_seqeval,
    entity_counts,
    extract_entities,
    paired_bootstrap,
    score_counts,
    type_confusion,
)
from .report import ci_text, json_ready, write_outputs

if TYPE_CHECKING:
    from argparse import Namespace


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
    # a model trained with document context reads each sentence inside its document, as in
    # training: widened once, in file order, so batch edges do not cut a sentence's context
    texts, words = [s.text for s in sentences], [s.offsets for s in sentences]
    if getattr(tagger, "context", 0):
        texts, words = with_context(texts, words, document_ids(sentences), tagger.context)
    with tqdm(total=len(sentences), desc=tagger.name, unit="sent", disable=not progress) as bar:
        for first in starts:
            batch = sentences[first : first + batch_size]
            tags = tagger.tag_words(
                texts[first : first + batch_size], words[first : first + batch_size]
            )
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


def entity_errors(
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
    run.scores = {mode: json_ready(score_counts(run.counts[mode])) for mode in MODES}
    if verify:
        check_against_seqeval(gold, run.pred, run.scores)
    run.scores["type_confusion"] = type_confusion(gold, run.pred)
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
        **_run_metrics(runs, n_bootstrap, seed),
    }
    metrics = json_ready(metrics)
    errors = [e for run in runs for e in entity_errors(run.name, annotated, run.pred)]
    write_outputs(
        out_dir, metrics, entity_report.render_report, entity_report.plot_per_type_f1, errors
    )
    return metrics


def _run_metrics(runs: Sequence[TaggerRun], n_bootstrap: int, seed: int) -> dict[str, Any]:
    """Each tagger's scores under its role, and their paired comparison when there are two."""
    metrics: dict[str, Any] = {}
    for role, run in zip(("tagger", "compare"), runs):
        metrics[role] = {"name": run.name, **run.scores, "ci": run.ci, "timings": run.timings}
        if run.info:
            metrics[role]["info"] = run.info
    if len(runs) == 2:
        metrics["paired_bootstrap"] = {
            mode: paired_bootstrap(runs[0].counts[mode], runs[1].counts[mode], n_bootstrap, seed)
            for mode in MODES
        }
    return metrics


# --- the ``cronaca evaluate`` sub-command -----------------------------------------------------


def load_tagger(
    spec: str, train_paths: Sequence[Path] | None = None, device: str = "auto"
) -> WordTagger:
    """``gazetteer[:sources]`` (:func:`~cronaca.training.baselines.registry.load_gazetteer`) or
    a model directory (loaded lazily with ``ModelTagger``, or ``JointModel`` for a joint model,
    so this module needs no model code)."""
    if rule_name(spec) == "gazetteer":
        return load_gazetteer(spec, train_paths)
    path = Path(spec)
    if not path.is_dir():
        raise ValueError(f"tagger {spec!r} is neither 'gazetteer[:sources]' nor a model directory")
    from cronaca.inference.settings import is_joint_model

    if is_joint_model(path):
        from cronaca.inference.joint import JointModel as loader
    else:
        from cronaca.inference.tagger import ModelTagger as loader
    # scored in float32 on any machine, so reports compare across CPUs; BENCHMARKS.md shows
    # the faster precisions (bf16, int8) agree with it
    return loader.from_pretrained(path, device=device, precision="fp32")


def read_gold(path: Path, drop_labels: Sequence[str], data_dir: Path | None = None):
    from ..data.corpora import read_corpus
    from ..data.entity_corpus import is_corpus_name, load_named

    if is_corpus_name(str(path)):  # news-entities:test, the project's news corpus
        return load_named(str(path), data_dir)

    # gold is scored exactly as the official scorer reads it: invalid IOB2 kept as it is
    label_map = {label: None for label in drop_labels}
    return read_corpus(path, label_map=label_map, on_invalid="keep")


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    return function(), time.perf_counter() - started


def evaluate_command(args: Namespace) -> int:
    """``cronaca evaluate``: load the split and the tagger(s), run :func:`evaluate`, print the
    headline scores."""
    from ..data.records import CorpusError

    split_path = args.split or kind_file("WN_dev.tsv")
    try:
        sentences = read_gold(split_path, args.drop_label)
        tagger, load_seconds = timed(lambda: load_tagger(args.tagger, args.train, args.device))
        compare, compare_seconds = (
            timed(lambda: load_tagger(args.compare, args.train, args.device))
            if args.compare
            else (None, 0.0)
        )
    except (CorpusError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    split_name = str(split_path.stem).replace(":", "-")
    out = args.out or Path("runs") / "eval" / f"{split_name}-{Path(tagger.name).name}"
    extra = {"load_seconds": {"tagger": load_seconds, "compare": compare_seconds}}
    metrics = evaluate(
        tagger,
        sentences,
        out,
        compare,
        split_name=split_name,
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
                f"{ci_text(interval)}, lenient {lenient['f1']:.4f}"
            )
    if "paired_bootstrap" in metrics:
        micro = metrics["paired_bootstrap"]["strict"]["micro_f1"]
        print(
            f"difference {micro['difference']:+.4f} {ci_text(micro['ci'])}, "
            f"p(a <= b) = {micro['p_value']:.3f}"
        )
    print(f"report: {out / 'report.md'}")
    return 0
