"""News items (news-in-brief-it) and the stand-off event labels joined to loaded records.

**Stand-off event labels** name a record by id and carry :func:`~.records.text_hash` of its
text, so a changed source (or a changed :func:`~cronaca.inference.words.detokenize`) is caught
instead of labelling another text. Ids of the held-out benchmarks are refused
(:func:`~.splits.is_held_out`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from cronaca.inference.words import word_spans

from .files import json_records, record_id_of
from .records import (
    Corpus,
    CorpusError,
    LoadReport,
    Sentence,
    checked_corpus,
    event_labels,
    text_hash,
)
from .spans import char_span_tags
from .splits import is_held_out


def news_text(title: str, description: str) -> str:
    """A news item's text: the title, then the description on its own line when it adds to it."""
    title, description = title.strip(), description.strip()
    return (
        f"{title}\n{description}"
        if description and description != title and title
        else title or description
    )


def read_news_items(path: str | os.PathLike[str]) -> Corpus:
    """news-in-brief JSONL items (``id``, ``date``, ``source``, ``title``, ``description`` …)."""
    path = Path(path)
    sentences = []
    for line, index, record in json_records(path):
        if not isinstance(record, dict) or not isinstance(record.get("title"), str):
            raise CorpusError(path, line, "a news item must be an object with a string 'title'")
        description = record.get("description") or ""
        if not isinstance(description, str):
            what = type(description).__name__
            raise CorpusError(path, line, f"'description' must be a string, not {what}")
        text = news_text(record["title"], description)
        if not text:
            raise CorpusError(path, line, "empty title and description")
        offsets = word_spans(text)
        meta = {key: record[key] for key in ("date", "feed_day", "source") if key in record}
        tokens = [text[s:e] for s, e in offsets]
        record_id = record_id_of(path, index, record)
        sentences.append(
            Sentence(record_id, text, tokens, offsets, None, origin=f"{path}:{line}", meta=meta)
        )
    return checked_corpus(path, sentences, LoadReport(str(path)))


def _checked_record(path: Path, line: int, record: Any, by_id: Mapping[str, Sentence]) -> Sentence:
    """The loaded record a stand-off line names, after its id, held-out and hash checks."""
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise CorpusError(path, line, "a stand-off record must be an object with a string 'id'")
    record_id = record["id"]
    if is_held_out(record_id.partition(":")[0]):
        raise CorpusError(
            path,
            line,
            f"{record_id}: a held-out benchmark file (KIND WN_test, WikiNEuRal-it "
            "test) is never annotated for training; no labels for it here",
        )
    if record_id not in by_id:
        raise CorpusError(path, line, f"unknown id {record_id!r}: no loaded record has it")
    sentence, actual = by_id[record_id], text_hash(by_id[record_id].text)
    if record.get("sha256") != actual:
        given = record.get("sha256")
        reason = (
            f"{record_id}: sha256 {given!r}, but its text hashes to {actual!r}: the source changed"
        )
        raise CorpusError(path, line, reason)
    return sentence


def _joined(sentence: Sentence, path: Path, line: int, record: dict, **layers) -> Sentence:
    meta = {
        **sentence.meta,
        "text_origin": sentence.origin,
        "note": record.get("note", ""),
        "split": record.get("split"),
    }
    return replace(sentence, **layers, origin=f"{path}:{line}", meta=meta)


def _standoff_join(path: Path, line: int, record: Any, by_id: Mapping[str, Sentence]) -> Sentence:
    sentence = _checked_record(path, line, record, by_id)
    return _joined(
        sentence, path, line, record, events=event_labels(path, line, record.get("labels"))
    )


def _entity_join(path: Path, line: int, record: Any, by_id: Mapping[str, Sentence]) -> Sentence:
    sentence = _checked_record(path, line, record, by_id)
    spans = record.get("entities")
    if not isinstance(spans, list):
        raise CorpusError(
            path, line, f"{record['id']}: 'entities' must be a list of [start, end, type]"
        )
    try:
        tags = char_span_tags(path, line, sentence.text, sentence.offsets, spans)
    except CorpusError as error:
        raise CorpusError(path, line, f"{record['id']}: {error.reason}") from None
    return _joined(sentence, path, line, record, tags=tags)


def _read_standoff(path, sentences_by_id: Mapping[str, Sentence], join) -> Corpus:
    path = Path(path)
    first_line: dict[str, int] = {}
    joined = []
    for line, _, record in json_records(path):
        sentence = join(path, line, record, sentences_by_id)
        if record["id"] in first_line:
            reason = f"duplicate id {record['id']!r} (first on line {first_line[record['id']]})"
            raise CorpusError(path, line, reason)
        first_line[record["id"]] = line
        joined.append(sentence)
    return checked_corpus(path, joined, LoadReport(str(path)))


def read_standoff_events(
    path: str | os.PathLike[str], sentences_by_id: Mapping[str, Sentence]
) -> Corpus:
    """Join stand-off event labels (``id``, ``labels``, ``sha256``, ``note``) to loaded records."""
    return _read_standoff(path, sentences_by_id, _standoff_join)


def read_standoff_entities(
    path: str | os.PathLike[str], sentences_by_id: Mapping[str, Sentence]
) -> Corpus:
    """Join stand-off entity spans (``id``, ``entities`` as ``[start, end, type]`` character
    spans on word boundaries, ``sha256``, ``split``, ``note``) to loaded records as IOB2 tags."""
    return _read_standoff(path, sentences_by_id, _entity_join)
