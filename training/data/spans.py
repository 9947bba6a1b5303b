"""Span JSONL: Label Studio and Doccano exports, records with text and character spans.

**Annotation layers.** A file annotates entities (or events) when at least one of its records
carries entity spans (or event labels); every annotated record of that file then has that
layer, possibly empty. A Label Studio task with no (non-cancelled) annotation has neither.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cronaca.inference.labels import ENTITY_TYPES, OUTSIDE, TokenSpan, spans_to_tags
from cronaca.inference.words import word_spans

from .files import json_records, record_id_of
from .records import (
    Corpus,
    CorpusError,
    LabelMap,
    LoadReport,
    Sentence,
    checked_corpus,
    event_labels,
)


@dataclass(frozen=True)
class _RawSpan:
    start: int
    end: int
    label: str
    quoted: str | None = None  # the span's text as the tool exported it, to check offsets


@dataclass
class _Draft:
    """An exported record before tokenisation; ``None`` layers were not found in it."""

    line: int
    id: str
    text: str
    annotated: bool = True
    spans: list[_RawSpan] | None = None
    events: tuple[str, ...] | None = None


def _raw_span(path: Path, line: int, item: Any) -> list[_RawSpan]:
    """One exported span in any of the shapes the tools write, one _RawSpan per label."""
    if isinstance(item, list) and len(item) == 3:  # Doccano: [start, end, label]
        start, end, labels, quoted = item[0], item[1], [item[2]], None
    elif isinstance(item, dict) and "start_offset" in item:  # Doccano >= 1.0
        start, end, labels, quoted = (
            item["start_offset"],
            item.get("end_offset"),
            [item.get("label")],
            None,
        )
    elif isinstance(item, dict) and "labels" in item:  # Label Studio value / JSON-MIN
        start, end, labels, quoted = (
            item.get("start"),
            item.get("end"),
            item["labels"],
            item.get("text"),
        )
    else:
        raise CorpusError(path, line, f"not an entity span: {item!r}")
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(labels, list)):
        raise CorpusError(path, line, f"span needs integer start/end and a label: {item!r}")
    if not all(isinstance(label, str) for label in labels):
        raise CorpusError(path, line, f"span labels must be strings: {item!r}")
    return [_RawSpan(start, end, label, quoted) for label in labels]


def _raw_spans(path: Path, line: int, items: list[Any]) -> list[_RawSpan]:
    return [span for item in items for span in _raw_span(path, line, item)]


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def _flat_draft(path: Path, line: int, index: int, record: dict[str, Any]) -> _Draft:
    """Doccano (``label``, ``entities``, ``cats``) or Label Studio JSON-MIN (controls as keys)."""
    draft = _Draft(line, record_id_of(path, index, record), record.get("text"))
    # with "cats" holding the categories, an empty "label" can only be an empty span list
    spans_keys = ("label", "labels", "entities") if "cats" in record else ("entities",)
    for key, value in record.items():
        if key == "cats":  # Doccano's categories: event types, even when none apply
            draft.events = event_labels(path, line, value)
        elif key in ("label", "labels", "entities") and isinstance(value, list):
            if _is_str_list(value):  # text classification: event types
                draft.events = event_labels(path, line, value)
            elif value or key in spans_keys:  # else an empty "label" may be either layer
                draft.spans = (draft.spans or []) + _raw_spans(path, line, value)
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) and "labels" in v for v in value)
        ):
            draft.spans = (draft.spans or []) + _raw_spans(path, line, value)  # JSON-MIN labels
        elif isinstance(value, dict) and "choices" in value:  # JSON-MIN multiple choices
            draft.events = event_labels(path, line, value["choices"])
    return draft


def _label_studio_draft(
    path: Path, line: int, index: int, task: dict[str, Any], report: LoadReport
) -> _Draft:
    """A Label Studio task (JSON export): ``data.text`` and one non-cancelled annotation."""
    data = task.get("data") if isinstance(task.get("data"), dict) else {}
    # cronaca's pre-annotations carry the document id in data.id (Label Studio numbers the
    # tasks itself and keeps data as imported), so a corrected export keeps the ids
    draft = _Draft(
        line, record_id_of(path, index, data if "id" in data else task), data.get("text")
    )
    annotations = task.get("annotations", task.get("completions")) or []
    if not isinstance(annotations, list):
        raise CorpusError(path, line, f"task {draft.id}: 'annotations' must be a list")
    kept = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
    if len(kept) > 1:
        reason = f"task {draft.id} has {len(kept)} annotations: resolve them to one before loading"
        raise CorpusError(path, line, reason)
    draft.annotated = bool(kept)
    choices: list[Any] | None = None
    results = kept[0].get("result", []) if kept else []
    if not isinstance(results, list):
        raise CorpusError(path, line, f"task {draft.id}: 'result' must be a list")
    for result in results:
        if not isinstance(result, dict) or not isinstance(result.get("value", {}), dict):
            raise CorpusError(path, line, f"task {draft.id}: malformed result {result!r}")
        kind, value = result.get("type"), result.get("value", {})
        if kind == "labels":
            draft.spans = (draft.spans or []) + _raw_span(path, line, value)
        elif kind == "choices":
            found = value.get("choices") or []
            choices = (choices or []) + (found if isinstance(found, list) else [found])
        else:
            report.ignored[str(kind)] += 1
    draft.events = None if choices is None else event_labels(path, line, choices)
    return draft


def _utf16_to_index(text: str, position: int) -> int:
    """Label Studio's browser counts UTF-16 code units; Python counts code points."""
    return len(text.encode("utf-16-le")[: 2 * position].decode("utf-16-le", errors="ignore"))


def _fix_offsets(path: Path, line: int, text: str, span: _RawSpan) -> tuple[int, int]:
    start, end = span.start, span.end
    if span.quoted is not None and text[start:end] != span.quoted:
        start, end = _utf16_to_index(text, start), _utf16_to_index(text, end)
        if text[start:end] != span.quoted:
            covered = text[span.start : span.end]
            reason = f"span [{span.start}, {span.end}) covers {covered!r}, not {span.quoted!r}"
            raise CorpusError(path, line, reason)
    if not 0 <= start < end <= len(text):
        raise CorpusError(
            path,
            line,
            f"span [{start}, {end}) {span.label} is outside the text (length {len(text)})",
        )
    return start, end


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    return f"…{text[max(0, start - width) : start]}[{text[start:end]}]{text[end : end + width]}…"


class _SpanTagger:
    """Turns character spans into token spans for one file (label_map, boundaries, overlaps)."""

    def __init__(
        self,
        path: Path,
        entity_types: Iterable[str],
        label_map: LabelMap | None,
        report: LoadReport,
    ):
        self.path, self.entity_types = path, frozenset(entity_types)
        self.label_map, self.report = dict(label_map or {}), report

    def _label(self, line: int, label: str) -> str | None:
        if label in self.label_map:
            target = self.label_map[label]
            self.report.mapped[f"{label}->{target or OUTSIDE}"] += 1
            return target
        if label not in self.entity_types:
            known = ", ".join(sorted(self.entity_types))
            raise CorpusError(self.path, line, f"unknown entity label {label!r} (known: {known})")
        return label

    def _char_span(self, draft: _Draft, span: _RawSpan) -> tuple[int, int]:
        start, end = _fix_offsets(self.path, draft.line, draft.text, span)
        selected = draft.text[start:end]
        if selected != selected.strip():  # a selection that caught a space: lossless to cut
            start += len(selected) - len(selected.lstrip())
            end -= len(selected) - len(selected.rstrip())
            self.report.trimmed += 1
        if start >= end:
            raise CorpusError(
                self.path,
                draft.line,
                f"span [{span.start}, {span.end}) {span.label} is only whitespace",
            )
        return start, end

    def token_spans(self, draft: _Draft, offsets: list[tuple[int, int]]) -> list[TokenSpan]:
        starts = {s: i for i, (s, _) in enumerate(offsets)}
        ends = {e: i for i, (_, e) in enumerate(offsets)}
        found: list[tuple[int, int, TokenSpan]] = []
        for span in draft.spans or []:
            label = self._label(draft.line, span.label)
            start, end = self._char_span(draft, span)
            if start not in starts or end not in ends:
                where = _context(draft.text, start, end)
                reason = f"span [{start}, {end}) {span.label} is not on word boundaries: {where}"
                raise CorpusError(self.path, draft.line, reason)
            if label is not None:
                found.append((start, end, TokenSpan(starts[start], ends[end] + 1, label)))
        found.sort(key=lambda item: (item[0], item[1]))
        for (s1, e1, a), (s2, e2, b) in zip(found, found[1:], strict=False):
            if s2 < e1:
                first, second = draft.text[s1:e1], draft.text[s2:e2]
                reason = (
                    f"spans overlap: [{s1}, {e1}) {a.label} {first!r}"
                    f" and [{s2}, {e2}) {b.label} {second!r}"
                )
                raise CorpusError(self.path, draft.line, reason)
        return [span for _, _, span in found]


def _draft(path: Path, line: int, index: int, record: Any, report: LoadReport) -> _Draft:
    if not isinstance(record, dict):
        raise CorpusError(
            path, line, f"a record must be a JSON object, not {type(record).__name__}"
        )
    is_task = "data" in record or "annotations" in record or "completions" in record
    draft = (
        _label_studio_draft(path, line, index, record, report)
        if is_task
        else _flat_draft(path, line, index, record)
    )
    if not isinstance(draft.text, str) or not draft.text.strip():
        raise CorpusError(path, line, f"record {draft.id}: empty or missing text")
    return draft


def _span_sentence(
    path: Path, draft: _Draft, tagger: _SpanTagger, layers: tuple[bool, bool]
) -> Sentence:
    offsets = word_spans(draft.text)
    tokens = [draft.text[s:e] for s, e in offsets]
    tags = events = None
    if draft.annotated and layers[0]:
        try:
            tags = spans_to_tags(tagger.token_spans(draft, offsets), len(tokens))
        except CorpusError as error:  # the line, and the task or record id an annotator sees
            raise CorpusError(path, error.line, f"record {draft.id}: {error.reason}") from None
    if draft.annotated and layers[1]:
        events = draft.events or ()
    return Sentence(
        draft.id, draft.text, tokens, offsets, tags, events, origin=f"{path}:{draft.line}"
    )


def char_span_tags(
    path: Path, line: int, text: str, offsets: Sequence[tuple[int, int]], spans: list[Any]
) -> list[str]:
    """IOB2 tags of ``text``'s words from ``[start, end, type]`` character spans (stand-off
    files), with the checks of an export: known type, word boundaries, no overlap."""
    draft = _Draft(line, "", text, spans=_raw_spans(path, line, spans))
    tagger = _SpanTagger(path, ENTITY_TYPES, None, LoadReport(str(path)))
    return spans_to_tags(tagger.token_spans(draft, list(offsets)), len(offsets))


def read_spans_jsonl(
    path: str | os.PathLike[str],
    entity_types: Iterable[str] = ENTITY_TYPES,
    label_map: LabelMap | None = None,
) -> Corpus:
    """Records with text and character spans: Doccano JSONL, Label Studio JSON(L) or JSON-MIN.

    Entity spans must fall on :func:`~cronaca.inference.words.word_spans` boundaries (edge
    whitespace is trimmed and counted). Event types come from Doccano classification labels or
    ``cats``, Label Studio ``choices`` results, or JSON-MIN ``{"choices": [...]}`` values (a
    single JSON-MIN choice written as a bare string is not recognised: export JSON instead).
    """
    path = Path(path)
    report = LoadReport(str(path))
    drafts = [
        _draft(path, line, index, record, report) for line, index, record in json_records(path)
    ]
    layers = (any(d.spans is not None for d in drafts), any(d.events is not None for d in drafts))
    tagger = _SpanTagger(path, entity_types, label_map, report)
    return checked_corpus(path, [_span_sentence(path, d, tagger, layers) for d in drafts], report)
