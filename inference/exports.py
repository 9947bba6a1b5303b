"""Predictions as annotation-tool tasks: Label Studio pre-annotations, Doccano JSONL, and the
Label Studio labelling configuration that matches them.

**Label Studio** (``--format label-studio``): a JSON array of tasks, one task a line, what
Label Studio's import takes (the "basic Label Studio JSON format")::

    {"data": {"id": "a1", "text": "..."},
     "predictions": [{"model_version": "...", "score": 0.61, "result": [
        {"id": "e0", "from_name": "label", "to_name": "text", "type": "labels", "score": 0.97,
         "value": {"start": 3, "end": 7, "text": "JNIM", "labels": ["ORG"]}},
        {"id": "events", "from_name": "events", "to_name": "text", "type": "choices",
         "score": 0.93, "value": {"choices": ["battle"]}}]}],
     "meta": {"events": {"battle": {"score": 0.93, "sentence": 0, "start": 0, "end": 73,
                                    "text": "..."}}}}

The document id travels in ``data.id`` (Label Studio numbers tasks itself, and keeps ``data``
as imported), so the corrected export is read back under the same ids. A prediction's
``score`` is its least confident part (entity or event type): Label Studio sorts tasks by it.
Event types are one ``choices`` result per document; each type's score and its supporting
sentence (the one that scored it best) are in the task's ``meta``, as a multiple choice has one
score only. Offsets are Python string indices; the reader also accepts the UTF-16 offsets
Label Studio's browser writes for texts beyond the Basic Multilingual Plane.

**Doccano** (``--format doccano``): JSONL, ``{"id", "text", "label": [[start, end, type]],
"cats": [event types]}``: ``label`` is Doccano's sequence-labelling format; ``cats`` are the
categories of its text-classification layer.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import quoteattr

from tqdm.auto import tqdm

from .batch_job import Item, JobSummary, error_record, rounded
from .labels import ENTITY_TYPES, EVENT_TYPES, split_tag
from .predictor import GROUP_CHARACTERS, Predictor, character_groups
from .types import Document

FORMATS = ("cronaca", "label-studio", "doccano")
ENTITY_CONTROL = "label"  # <Labels name=...>: the from_name of entity results
EVENT_CONTROL = "events"  # <Choices name=...>: the from_name of the event-type result
TEXT_OBJECT = "text"  # <Text name=...>: every result's to_name, and the data key


def _rounded(score: float) -> float:
    return round(float(score), 4)  # as the cronaca format: readable, and no decision needs more


def _entity_results(document: Document) -> list[dict]:
    return [
        {
            "id": f"e{i}",
            "from_name": ENTITY_CONTROL,
            "to_name": TEXT_OBJECT,
            "type": "labels",
            "score": _rounded(entity.score),
            "value": {
                "start": entity.start,
                "end": entity.end,
                "text": entity.text,
                "labels": [entity.label],
            },
        }
        for i, entity in enumerate(document.entities)
    ]


def _event_support(document: Document) -> dict[str, dict]:
    """Each event type's score and the sentence that supports it best."""
    support = {}
    for event in document.events:
        sentence = document.sentences[event.sentence]
        support[event.label] = {
            "score": _rounded(event.score),
            "sentence": event.sentence,
            "start": sentence.start,
            "end": sentence.end,
            "text": document.text[sentence.start : sentence.end],
        }
    return support


def label_studio_task(doc_id, document: Document, model_version: str) -> dict:
    """One Label Studio task whose prediction holds the document's entities and event types."""
    result = _entity_results(document)
    if document.events:
        result.append(
            {
                "id": "events",
                "from_name": EVENT_CONTROL,
                "to_name": TEXT_OBJECT,
                "type": "choices",
                "score": _rounded(min(e.score for e in document.events)),
                "value": {"choices": [e.label for e in document.events]},
            }
        )
    scores = [r["score"] for r in result]
    prediction = {
        "model_version": model_version,
        "score": min(scores) if scores else 1.0,
        "result": result,
    }
    return {
        "data": {"id": doc_id, TEXT_OBJECT: document.text},
        "predictions": [prediction],
        "meta": {"events": _event_support(document)},
    }


def doccano_record(doc_id, document: Document) -> dict:
    """One Doccano JSONL record: entity spans in ``label``, event types in ``cats``."""
    return {
        "id": doc_id,
        "text": document.text,
        "label": [[e.start, e.end, e.label] for e in document.entities],
        "cats": [e.label for e in document.events],
    }


def export_record(fmt: str, doc_id, document: Document, model_version: str) -> dict:
    """One document in ``fmt``: ``cronaca`` (the predict record), ``label-studio``, ``doccano``."""
    if fmt == "label-studio":
        return label_studio_task(doc_id, document, model_version)
    if fmt == "doccano":
        return doccano_record(doc_id, document)
    if fmt == "cronaca":
        return {"id": doc_id, **rounded(document.to_dict())}
    raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def dump_records(handle: TextIO, fmt: str, records: Iterable[dict]) -> int:
    """Label Studio: a JSON array with one task a line (a reader's error then names a line);
    the other formats: JSONL. Returns how many records were written."""
    count = 0
    if fmt == "label-studio":
        handle.write("[")
    for record in records:
        line = json.dumps(record, ensure_ascii=False)
        if fmt == "label-studio":
            handle.write(("\n" if count == 0 else ",\n") + line)
        else:
            handle.write(line + "\n")
        count += 1
    if fmt == "label-studio":
        handle.write("\n]\n")
    return count


def write_export(path: str | os.PathLike, fmt: str, records: Iterable[dict]) -> int:
    """:func:`dump_records` into ``path`` atomically (aside, then renamed): a killed run
    leaves the previous file or the whole new one, never half a JSON array."""
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path}: is a folder; --output names a file")
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(path.name + ".part")
    with aside.open("w", encoding="utf-8", newline="\n") as handle:
        count = dump_records(handle, fmt, records)
    aside.replace(path)
    return count


def errors_path(output: str | os.PathLike) -> Path:
    """Where an export's error records go: beside it, ``OUTPUT.errors.jsonl``, since a task
    file must hold tasks only (an annotation tool would reject or import anything else)."""
    return Path(f"{output}.errors.jsonl")


def write_errors(output: str | os.PathLike, items: Sequence[Item]) -> Path | None:
    """The error records of this run beside ``output`` (a stale file of an earlier run is
    removed when there are none)."""
    path = errors_path(output)
    if not items:
        path.unlink(missing_ok=True)
        return None
    lines = [json.dumps(error_record(item), ensure_ascii=False) + "\n" for item in items]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def run_export(
    predictor: Predictor,
    items: Iterable[Item],
    output: str | os.PathLike,
    fmt: str,
    model_version: str,
    batch_size: int = 32,
    total: int | None = None,
    show_progress: bool = True,
) -> JobSummary:
    """``cronaca predict --format label-studio|doccano``: every readable item as a task into
    ``output`` (rewritten whole, not resumed), the unreadable ones into :func:`errors_path`."""
    summary, failed = JobSummary(), []
    started = time.perf_counter()

    def records() -> Iterator[dict]:
        with tqdm(total=total, desc="predict", unit="doc", disable=not show_progress) as bar:
            for group in character_groups(items, GROUP_CHARACTERS, lambda i: len(i.text or "")):
                readable = [item for item in group if item.error is None]
                failed.extend(item for item in group if item.error is not None)
                documents = predictor.predict([item.text for item in readable], batch_size)
                for item, document in zip(readable, documents, strict=True):
                    yield export_record(fmt, item.id, document, model_version)
                bar.update(len(group))

    summary.written = write_export(output, fmt, records())
    summary.errors = len(failed)
    write_errors(output, failed)
    summary.seconds = time.perf_counter() - started
    return summary


# ---------------------------------------------------------------- the labelling configuration


def label_config(
    entity_types: Sequence[str] = ENTITY_TYPES, event_types: Sequence[str] = EVENT_TYPES
) -> str:
    """The Label Studio labelling configuration (XML) whose control names are the
    ``from_name``/``to_name`` of :func:`label_studio_task`; either layer may be empty."""
    lines = ["<View>"]
    if entity_types:
        lines.append(f'  <Labels name="{ENTITY_CONTROL}" toName="{TEXT_OBJECT}">')
        lines += [f"    <Label value={quoteattr(t)}/>" for t in entity_types]
        lines.append("  </Labels>")
    lines.append(f'  <Text name="{TEXT_OBJECT}" value="${TEXT_OBJECT}"/>')
    if event_types:
        lines.append(
            f'  <Choices name="{EVENT_CONTROL}" toName="{TEXT_OBJECT}" choice="multiple" '
            'showInLine="true">'
        )
        lines += [f"    <Choice value={quoteattr(t)}/>" for t in event_types]
        lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def entity_types_of(bio_tags: Iterable[str]) -> list[str]:
    """``["O", "B-PER", "I-PER", ...]`` -> ``["PER", ...]``, in the model's own order."""
    types: list[str] = []
    for tag in bio_tags:
        entity_type = split_tag(tag)[1]
        if entity_type is not None and entity_type not in types:
            types.append(entity_type)
    return types


def model_labels(kind: str, model) -> list[str]:
    """The labels a model gives: from a saved directory's ``config.json`` (no weights loaded),
    or from a protocol object (a rule tagger without ``labels`` tags the three types)."""
    if isinstance(model, str | os.PathLike):
        config = json.loads((Path(model) / "config.json").read_text(encoding="utf-8"))
        id2label = config["id2label"]
        labels = [id2label[key] for key in sorted(id2label, key=int)]
    elif kind == "entities" and not hasattr(model, "labels"):
        return list(ENTITY_TYPES)
    else:
        labels = list(model.labels)
    return entity_types_of(labels) if kind == "entities" else labels
