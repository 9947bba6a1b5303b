"""The one record type every corpus reader returns, and how a reading reports and fails.

- **One record type.** A :class:`Sentence` holds text, tokens, the tokens' character offsets,
  IOB2 tags and event labels. KIND and WikiNEuRal have tokens but no text, so the text is built
  with :func:`~cronaca.inference.words.detokenize` and reads like the raw news the model meets at
  inference; raw-text sources (JSONL exports, news feeds) are cut into words with
  :func:`~cronaca.inference.words.word_spans`, the segmentation inference uses.
- **Nothing silent.** Readers return a :class:`Corpus`: the sentences plus a :class:`LoadReport`
  with every BIO repair, every tag changed by an explicit ``label_map`` and every Label Studio
  result type not read; a non-empty report is also logged (one line per file).
- **Errors name the file and line.** Every problem raises :class:`CorpusError`
  (``"path:line: reason"``).
- **Stable ids.** ``f"{file stem}:{index}"`` with the 0-based sentence index in the file
  (``WN_train:1234``); a JSONL record keeps its own ``id``, else ``f"{stem}:{line index}"``.
"""

from __future__ import annotations

import hashlib
import logging
import operator
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from cronaca.inference.labels import (
    ENTITY_TYPES,
    EVENT_TYPES,
    Repair,
    TokenSpan,
    bio_problems,
    split_tag,
    tags_to_spans,
)

logger = logging.getLogger(__name__)

OnInvalid = Literal["repair", "error", "keep"]
LabelMap = Mapping[str, "str | None"]
_EVENT_ORDER = {label: i for i, label in enumerate(EVENT_TYPES)}


@dataclass(frozen=True)
class Sentence:
    """One validated unit of text: a KIND sentence, an annotated JSONL record, a news item."""

    id: str
    text: str
    tokens: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]  # character span of each token in text
    tags: tuple[str, ...] | None  # IOB2 entity tags; None: no entity annotation
    events: tuple[str, ...] | None = None  # subset of EVENT_TYPES; None: not annotated
    origin: str = ""  # "path:line" of the record's first line
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False)  # date, source …

    def __post_init__(self) -> None:
        # Tuples, so that a record is immutable and hashable whatever sequence it was given.
        set_ = object.__setattr__
        set_(self, "tokens", tuple(self.tokens))
        set_(self, "offsets", tuple(map(tuple, self.offsets)))
        set_(self, "tags", None if self.tags is None else tuple(self.tags))
        set_(self, "events", None if self.events is None else tuple(self.events))
        set_(self, "meta", MappingProxyType(dict(self.meta)))
        problem = _structure_problem(self)
        if problem:
            raise ValueError(f"sentence {self.id}: {problem}")

    def entity_spans(self) -> list[TokenSpan]:
        """Entities over tokens (an ``I-X`` that opens an entity starts one, as conlleval)."""
        return [] if self.tags is None else tags_to_spans(self.tags)

    def entity_char_spans(self) -> list[tuple[int, int, str]]:
        """Entities as character spans ``(start, end, label)`` of :attr:`text`."""
        return [
            (self.offsets[s.start][0], self.offsets[s.end - 1][1], s.label)
            for s in self.entity_spans()
        ]

    def validate(self, entity_types: Iterable[str] = ENTITY_TYPES, strict_bio: bool = True) -> None:
        """Raise ``ValueError`` on tags of unknown types or, if ``strict_bio``, invalid IOB2."""
        known = set(entity_types)
        for tag in set(self.tags or ()):
            entity_type = split_tag(tag)[1]
            if entity_type is not None and entity_type not in known:
                raise ValueError(f"sentence {self.id}: unknown entity type in tag {tag!r}")
        problems = bio_problems(self.tags or ()) if strict_bio else []
        if problems:
            raise ValueError(f"sentence {self.id}: token {problems[0][0]}: {problems[0][1]}")


def _structure_problem(sentence: Sentence) -> str | None:
    """Why a record is inconsistent (lengths, offsets, tag syntax, event labels), or None."""
    tokens, offsets, text = sentence.tokens, sentence.offsets, sentence.text
    if len(offsets) != len(tokens):
        return f"{len(tokens)} tokens but {len(offsets)} offsets"
    if sentence.tags is not None and len(sentence.tags) != len(tokens):
        return f"{len(tokens)} tokens but {len(sentence.tags)} tags"
    if not _offsets_fit(text, tokens, offsets):
        previous_end = 0  # find the first culprit, for the message
        for i, (token, (start, end)) in enumerate(zip(tokens, offsets, strict=True)):
            if not previous_end <= start < end <= len(text) or text[start:end] != token:
                return f"token {i} {token!r} does not match text[{start}:{end}]"
            previous_end = end
    for tag in set(sentence.tags or ()):
        try:
            split_tag(tag)
        except ValueError as err:
            return str(err)
    events = sentence.events or ()
    if any(label not in _EVENT_ORDER for label in events) or len(set(events)) != len(events):
        return f"event labels must be distinct and among {', '.join(EVENT_TYPES)}: {events}"
    return None


def _offsets_fit(text: str, tokens: tuple[str, ...], offsets: tuple[tuple[int, int], ...]) -> bool:
    """Offsets increase, do not overlap and slice ``text`` to ``tokens``; C-level loops only,
    since every record of every corpus passes here."""
    if not offsets:
        return True
    starts, ends = zip(*offsets, strict=True)
    bounds = list(chain.from_iterable(offsets))
    return (
        starts[0] >= 0
        and ends[-1] <= len(text)
        and all(map(operator.lt, starts, ends))
        and bounds == sorted(bounds)
        and list(map(text.__getitem__, map(slice, starts, ends))) == list(tokens)
    )


def text_hash(text: str) -> str:
    """The first 16 hex digits of the SHA-256 of ``text`` in UTF-8: how stand-off pins a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --- errors and reports ---------------------------------------------------------------------


class CorpusError(ValueError):
    """A problem in a corpus file; ``str()`` is ``"path:line: reason"``."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = str(path), line, reason
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class RepairNote:
    """A BIO repair, with where it happened."""

    sentence_id: str
    line: int  # line of the repaired token in the file
    repair: Repair


@dataclass
class LoadReport:
    """What a reader changed or skipped while loading one file."""

    path: str
    repairs: list[RepairNote] = field(default_factory=list)
    mapped: Counter[str] = field(default_factory=Counter)  # "MISC->O": tags or spans mapped
    trimmed: int = 0  # spans whose leading/trailing whitespace was cut off
    ignored: Counter[str] = field(default_factory=Counter)  # Label Studio result types not read

    def summary(self) -> str:
        parts = []
        if self.repairs:
            first = self.repairs[0]
            parts.append(
                f"repaired {len(self.repairs)} tag(s), I-X opening an entity -> B-X "
                f"(first: line {first.line}, {first.repair.old} -> {first.repair.new})"
            )
        if self.mapped:
            parts.append(
                "label_map applied: " + ", ".join(f"{k} x{n}" for k, n in self.mapped.items())
            )
        if self.trimmed:
            parts.append(f"trimmed whitespace from {self.trimmed} span(s)")
        if self.ignored:
            parts.append(
                "ignored results: " + ", ".join(f"{k} x{n}" for k, n in self.ignored.items())
            )
        return "; ".join(parts)

    def log(self) -> None:
        if self.summary():
            logger.warning("%s: %s", self.path, self.summary())


@dataclass(frozen=True)
class Corpus(Sequence[Sentence]):
    """The sentences read from one file, in file order, with the report of that reading."""

    path: str
    sentences: tuple[Sentence, ...]
    report: LoadReport

    def __len__(self) -> int:
        return len(self.sentences)

    def __getitem__(self, index):  # type: ignore[override]
        return self.sentences[index]

    def __iter__(self) -> Iterator[Sentence]:
        return iter(self.sentences)

    def by_id(self) -> dict[str, Sentence]:
        return {sentence.id: sentence for sentence in self.sentences}


def checked_corpus(path: Path, sentences: list[Sentence], report: LoadReport) -> Corpus:
    """The file's :class:`Corpus`, once its ids are known to be unique; the report is logged."""
    seen: dict[str, str] = {}
    for sentence in sentences:
        if sentence.id in seen:
            line = int(sentence.origin.rsplit(":", 1)[1])
            raise CorpusError(
                path, line, f"duplicate id {sentence.id!r} (first at {seen[sentence.id]})"
            )
        seen[sentence.id] = sentence.origin
    report.log()
    return Corpus(str(path), tuple(sentences), report)


def sentences_by_id(corpora: Iterable[Iterable[Sentence]]) -> dict[str, Sentence]:
    """One id index over several corpora (for
    :func:`~cronaca.training.data.news.read_standoff_events`); ids must be unique."""
    index: dict[str, Sentence] = {}
    for corpus in corpora:
        for sentence in corpus:
            if sentence.id in index:
                raise ValueError(
                    f"id {sentence.id!r} in {sentence.origin} and {index[sentence.id].origin}"
                )
            index[sentence.id] = sentence
    return index


def event_labels(path: Path, line: int, labels: Any) -> tuple[str, ...]:
    """Event labels in EVENT_TYPES order, duplicates merged; unknown ones are errors."""
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise CorpusError(path, line, f"event labels must be a list of strings, not {labels!r}")
    unknown = sorted(set(labels) - set(EVENT_TYPES))
    if unknown:
        reason = f"unknown event label(s) {unknown} (known: {', '.join(EVENT_TYPES)})"
        raise CorpusError(path, line, reason)
    return tuple(sorted(set(labels), key=_EVENT_ORDER.__getitem__))
