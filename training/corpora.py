"""Corpus readers: every source becomes a :class:`Corpus` of validated :class:`Sentence` records.

Choices, and why
- **One record type.** A :class:`Sentence` holds text, tokens, the tokens' character offsets,
  IOB2 tags and event labels. KIND and WikiNEuRal have tokens but no text, so the text is built
  with :func:`~cronaca.inference.words.detokenize` and reads like the raw news the model meets at
  inference; raw-text sources (JSONL exports, news feeds) are cut into words with
  :func:`~cronaca.inference.words.word_spans`, the segmentation inference uses.
- **Nothing silent.** Readers return a :class:`Corpus`: the sentences plus a :class:`LoadReport`
  with every BIO repair, every tag changed by an explicit ``label_map`` and every Label Studio
  result type not read; a non-empty report is also logged (one line per file).
- **Errors name the file and line.** Every problem raises :class:`CorpusError`
  (``"path:line: reason"``). Files are read as bytes and decoded line by line, so even bad UTF-8
  names its line.
- **Invalid IOB2** (``on_invalid``): ``"repair"`` turns an ``I-X`` that opens an entity into
  ``B-X`` (the conlleval reading) and reports it; ``"error"`` raises; ``"keep"`` leaves the tags
  as they are, to score gold exactly as the official scorer reads it. Malformed tags and unknown
  labels are errors in every mode.
- **Stable ids.** ``f"{file stem}:{index}"`` with the 0-based sentence index in the file
  (``WN_train:1234``); a JSONL record keeps its own ``id``, else ``f"{stem}:{line index}"``.
- **Stand-off event labels** name a record by id and carry :func:`text_hash` of its text, so a
  changed source (or a changed :func:`detokenize`) is caught instead of labelling another text.
  ``WN_test`` ids are refused: it is the held-out benchmark.
- **Annotation layers in span JSONL.** A file annotates entities (or events) when at least one of
  its records carries entity spans (or event labels); every annotated record of that file then has
  that layer, possibly empty. A Label Studio task with no (non-cancelled) annotation has neither.
"""

from __future__ import annotations

import hashlib
import json
import logging
import operator
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from cronaca.inference.labels import (
    ENTITY_TYPES,
    EVENT_TYPES,
    OUTSIDE,
    Repair,
    TokenSpan,
    bio_problems,
    repair_bio,
    spans_to_tags,
    split_tag,
    tags_to_spans,
)
from cronaca.inference.words import detokenize, word_spans

logger = logging.getLogger(__name__)

OnInvalid = Literal["repair", "error", "keep"]
LabelMap = Mapping[str, "str | None"]
# ids from these files never get stand-off labels: KIND's WN_test (the entity benchmark) and
# WikiNEuRal-it's test file (read as ids "test:N"), both held out for evaluation
HELD_OUT_STEMS = frozenset({"WN_test", "test"})
_EVENT_ORDER = {label: i for i, label in enumerate(EVENT_TYPES)}


# --- records --------------------------------------------------------------------------------


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


def _corpus(path: Path, sentences: list[Sentence], report: LoadReport) -> Corpus:
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
    """One id index over several corpora (for :func:`read_standoff_events`); ids must be unique."""
    index: dict[str, Sentence] = {}
    for corpus in corpora:
        for sentence in corpus:
            if sentence.id in index:
                raise ValueError(
                    f"id {sentence.id!r} in {sentence.origin} and {index[sentence.id].origin}"
                )
            index[sentence.id] = sentence
    return index


# --- reading lines --------------------------------------------------------------------------


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, line without its end)``; a BOM and ``\\r\\n`` are accepted."""
    with open(path, "rb") as file:
        for number, raw in enumerate(file, 1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                reason = f"not valid UTF-8 ({err.reason} at byte {err.start} of the line)"
                raise CorpusError(path, number, reason) from None
            yield number, line.rstrip("\r\n")


def _blocks(path: Path) -> Iterator[list[tuple[int, list[str]]]]:
    """Sentences of a column file: runs of ``(line number, tab-separated fields)``."""
    block: list[tuple[int, list[str]]] = []
    for number, line in _lines(path):
        if not line.strip():
            if block:
                yield block
            block = []
        elif not (line.startswith("#") and "\t" not in line):  # CoNLL-U comment line
            block.append((number, line.split("\t")))
    if block:  # KIND's WN_test has no final blank line
        yield block


# --- column formats: KIND TSV and WikiNEuRal --------------------------------------------------

Row = tuple[int, str, str]  # (line number, token, tag)


def _token_row(path: Path, line: int, token: str, tag: str) -> Row:
    if token.split() != [token]:  # empty, or holding whitespace: no longer one word
        raise CorpusError(path, line, f"token {token!r} is empty or contains whitespace")
    return line, token, tag.strip()


def _conll_rows(path: Path, block: list[tuple[int, list[str]]]) -> list[Row]:
    if any(len(fields) != 2 for _, fields in block):
        line, fields = next((line, f) for line, f in block if len(f) != 2)
        raise CorpusError(path, line, f"expected token<TAB>tag, found {len(fields)} column(s)")
    return [_token_row(path, line, token, tag) for line, (token, tag) in block]


def _wikineural_rows(path: Path, block: list[tuple[int, list[str]]]) -> list[Row]:
    rows = []
    for expected, (line, fields) in enumerate(block):
        if len(fields) != 3:
            reason = f"expected index<TAB>token<TAB>tag, found {len(fields)} column(s)"
            raise CorpusError(path, line, reason)
        if fields[0] != str(expected):
            reason = (
                f"index {fields[0]!r} where {expected} was expected (restart at 0, consecutive)"
            )
            raise CorpusError(path, line, reason)
        rows.append(_token_row(path, line, fields[1], fields[2]))
    return rows


class _Tagger:
    """Checks and maps tags for one file, recording what it changed in the report."""

    def __init__(
        self,
        path: Path,
        entity_types: Iterable[str],
        label_map: LabelMap | None,
        on_invalid: OnInvalid,
    ) -> None:
        if on_invalid not in ("repair", "error", "keep"):
            raise ValueError(f"on_invalid must be 'repair', 'error' or 'keep', not {on_invalid!r}")
        self.path, self.on_invalid = path, on_invalid
        self.entity_types, self.label_map = frozenset(entity_types), dict(label_map or {})
        self.report = LoadReport(str(path))
        self._cache: dict[str, tuple[str, str | None]] = {}  # raw tag -> (tag, mapping note)

    def _map(self, line: int, raw: str) -> str:
        if raw not in self._cache:
            self._cache[raw] = self._map_new(line, raw)
        tag, note = self._cache[raw]
        if note:
            self.report.mapped[note] += 1
        return tag

    def _map_new(self, line: int, raw: str) -> tuple[str, str | None]:
        try:
            prefix, entity_type = split_tag(raw)
        except ValueError as err:
            raise CorpusError(self.path, line, str(err)) from None
        if entity_type is None:
            return raw, None
        if entity_type in self.label_map:
            target = self.label_map[entity_type]
            note = f"{entity_type}->{target or OUTSIDE}"
            return (OUTSIDE if target is None else f"{prefix}-{target}"), note
        if entity_type not in self.entity_types:
            known = ", ".join(sorted(self.entity_types))
            reason = f"unknown entity label in {raw!r} (known: {known}; or map it with label_map)"
            raise CorpusError(self.path, line, reason)
        return raw, None

    def tags(self, sentence_id: str, rows: list[Row]) -> list[str]:
        tags = [self._map(line, tag) for line, _, tag in rows]
        if self.on_invalid == "keep":
            return tags
        problems = bio_problems(tags)
        if problems and self.on_invalid == "error":
            index, reason = problems[0]
            raise CorpusError(self.path, rows[index][0], f"invalid IOB2: {reason}")
        if problems:
            tags, repairs = repair_bio(tags)
            notes = [RepairNote(sentence_id, rows[r.index][0], r) for r in repairs]
            self.report.repairs.extend(notes)
        return tags


def _read_columns(path, rows_of, entity_types, label_map, on_invalid) -> Corpus:
    path = Path(path)
    tagger = _Tagger(path, entity_types, label_map, on_invalid)
    sentences = []
    for index, block in enumerate(_blocks(path)):
        rows = rows_of(path, block)
        sentence_id = f"{path.stem}:{index}"
        tokens = [token for _, token, _ in rows]
        text, offsets = detokenize(tokens)
        tags = tagger.tags(sentence_id, rows)
        origin = f"{path}:{rows[0][0]}"
        sentences.append(Sentence(sentence_id, text, tokens, offsets, tags, origin=origin))
    return _corpus(path, sentences, tagger.report)


def read_conll(
    path: str | os.PathLike[str],
    entity_types: Iterable[str] = ENTITY_TYPES,
    label_map: LabelMap | None = None,
    on_invalid: OnInvalid = "repair",
) -> Corpus:
    """KIND-style ``token<TAB>tag`` TSV, a blank line between sentences."""
    return _read_columns(path, _conll_rows, entity_types, label_map, on_invalid)


def read_wikineural(
    path: str | os.PathLike[str],
    entity_types: Iterable[str] = ENTITY_TYPES,
    label_map: LabelMap | None = None,
    on_invalid: OnInvalid = "repair",
) -> Corpus:
    """WikiNEuRal ``index<TAB>token<TAB>tag``; its ``MISC`` needs ``label_map={"MISC": None}``."""
    return _read_columns(path, _wikineural_rows, entity_types, label_map, on_invalid)


# --- JSON records ---------------------------------------------------------------------------

_SPACE = re.compile(r"\s*")


def _json_records(path: Path) -> Iterator[tuple[int, int, Any]]:
    """``(line number, record index, record)`` from JSONL, or from a file holding one JSON array."""
    with open(path, "rb") as file:
        head = file.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"["):
        yield from _json_array(path)
        return
    for number, line in _lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise CorpusError(path, number, f"not JSON: {err.msg} (column {err.colno})") from None
        yield number, number - 1, record


def _json_array(path: Path) -> Iterator[tuple[int, int, Any]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise CorpusError(path, line, f"not valid UTF-8 ({err.reason})") from None
    decoder, position, index = json.JSONDecoder(), text.index("[") + 1, 0
    line, counted = 1, 0  # newlines are counted once each, up to `counted`
    while True:
        start = _SPACE.match(text, position).end()
        if text.startswith("]", start):
            return
        line, counted = line + text.count("\n", counted, start), start
        try:
            record, position = decoder.raw_decode(text, start)
        except json.JSONDecodeError as err:
            raise CorpusError(path, err.lineno, f"not JSON: {err.msg}") from None
        yield line, index, record
        index, position = index + 1, _SPACE.match(text, position).end()
        if text.startswith(",", position):
            position += 1
        elif not text.startswith("]", position):
            raise CorpusError(path, line, "expected ',' or ']' after a record in the JSON array")


def _record_id(path: Path, index: int, record: Mapping[str, Any]) -> str:
    return str(record["id"]) if record.get("id") is not None else f"{path.stem}:{index}"


def _events(path: Path, line: int, labels: Any) -> tuple[str, ...]:
    """Event labels in EVENT_TYPES order, duplicates merged; unknown ones are errors."""
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise CorpusError(path, line, f"event labels must be a list of strings, not {labels!r}")
    unknown = sorted(set(labels) - set(EVENT_TYPES))
    if unknown:
        reason = f"unknown event label(s) {unknown} (known: {', '.join(EVENT_TYPES)})"
        raise CorpusError(path, line, reason)
    return tuple(sorted(set(labels), key=_EVENT_ORDER.__getitem__))


# --- span JSONL: Doccano and Label Studio exports ---------------------------------------------


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
    draft = _Draft(line, _record_id(path, index, record), record.get("text"))
    for key, value in record.items():
        if key in ("label", "labels", "entities", "cats") and isinstance(value, list):
            if _is_str_list(value):  # text classification: event types
                draft.events = _events(path, line, value)
            elif value or key == "entities":  # an empty Doccano "label" may be either
                draft.spans = (draft.spans or []) + _raw_spans(path, line, value)
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) and "labels" in v for v in value)
        ):
            draft.spans = (draft.spans or []) + _raw_spans(path, line, value)  # JSON-MIN labels
        elif isinstance(value, dict) and "choices" in value:  # JSON-MIN multiple choices
            draft.events = _events(path, line, value["choices"])
    return draft


def _label_studio_draft(
    path: Path, line: int, index: int, task: dict[str, Any], report: LoadReport
) -> _Draft:
    """A Label Studio task (JSON export): ``data.text`` and one non-cancelled annotation."""
    data = task.get("data") if isinstance(task.get("data"), dict) else {}
    draft = _Draft(line, _record_id(path, index, task), data.get("text"))
    annotations = task.get("annotations", task.get("completions")) or []
    kept = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
    if len(kept) > 1:
        reason = f"task {draft.id} has {len(kept)} annotations: resolve them to one before loading"
        raise CorpusError(path, line, reason)
    draft.annotated = bool(kept)
    choices: list[Any] | None = None
    for result in kept[0].get("result", []) if kept else []:
        if not isinstance(result, dict) or not isinstance(result.get("value", {}), dict):
            raise CorpusError(path, line, f"task {draft.id}: malformed result {result!r}")
        kind, value = result.get("type"), result.get("value", {})
        if kind == "labels":
            draft.spans = (draft.spans or []) + _raw_span(path, line, value)
        elif kind == "choices":
            choices = (choices or []) + list(value.get("choices") or [])
        else:
            report.ignored[str(kind)] += 1
    draft.events = None if choices is None else _events(path, line, choices)
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
        tags = spans_to_tags(tagger.token_spans(draft, offsets), len(tokens))
    if draft.annotated and layers[1]:
        events = draft.events or ()
    return Sentence(
        draft.id, draft.text, tokens, offsets, tags, events, origin=f"{path}:{draft.line}"
    )


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
        _draft(path, line, index, record, report) for line, index, record in _json_records(path)
    ]
    layers = (any(d.spans is not None for d in drafts), any(d.events is not None for d in drafts))
    tagger = _SpanTagger(path, entity_types, label_map, report)
    return _corpus(path, [_span_sentence(path, d, tagger, layers) for d in drafts], report)


# --- news items and stand-off event labels ----------------------------------------------------


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
    for line, index, record in _json_records(path):
        if not isinstance(record, dict) or not isinstance(record.get("title"), str):
            raise CorpusError(path, line, "a news item must be an object with a string 'title'")
        text = news_text(record["title"], record.get("description") or "")
        if not text:
            raise CorpusError(path, line, "empty title and description")
        offsets = word_spans(text)
        meta = {key: record[key] for key in ("date", "feed_day", "source") if key in record}
        tokens = [text[s:e] for s, e in offsets]
        record_id = _record_id(path, index, record)
        sentences.append(
            Sentence(record_id, text, tokens, offsets, None, origin=f"{path}:{line}", meta=meta)
        )
    return _corpus(path, sentences, LoadReport(str(path)))


def _standoff_join(path: Path, line: int, record: Any, by_id: Mapping[str, Sentence]) -> Sentence:
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise CorpusError(path, line, "a stand-off record must be an object with a string 'id'")
    record_id = record["id"]
    if record_id.partition(":")[0] in HELD_OUT_STEMS:
        raise CorpusError(
            path,
            line,
            f"{record_id}: a held-out benchmark file (KIND WN_test, WikiNEuRal-it "
            "test) is never annotated for training; no labels for it here",
        )
    if record_id not in by_id:
        raise CorpusError(path, line, f"unknown id {record_id!r}: no loaded record has it")
    sentence, events = by_id[record_id], _events(path, line, record.get("labels"))
    actual = text_hash(sentence.text)
    if record.get("sha256") != actual:
        given = record.get("sha256")
        reason = (
            f"{record_id}: sha256 {given!r}, but its text hashes to {actual!r}: the source changed"
        )
        raise CorpusError(path, line, reason)
    meta = {
        **sentence.meta,
        "text_origin": sentence.origin,
        "note": record.get("note", ""),
        "split": record.get("split"),
    }
    return replace(sentence, events=events, origin=f"{path}:{line}", meta=meta)


def read_standoff_events(
    path: str | os.PathLike[str], sentences_by_id: Mapping[str, Sentence]
) -> Corpus:
    """Join stand-off event labels (``id``, ``labels``, ``sha256``, ``note``) to loaded records."""
    path = Path(path)
    first_line: dict[str, int] = {}
    joined = []
    for line, _, record in _json_records(path):
        sentence = _standoff_join(path, line, record, sentences_by_id)
        if record["id"] in first_line:
            reason = f"duplicate id {record['id']!r} (first on line {first_line[record['id']]})"
            raise CorpusError(path, line, reason)
        first_line[record["id"]] = line
        joined.append(sentence)
    return _corpus(path, joined, LoadReport(str(path)))


# --- dispatch and data location -----------------------------------------------------------------


def read_corpus(path: str | os.PathLike[str], **options: Any) -> Corpus:
    """By extension: ``.tsv`` KIND, ``.conllu`` WikiNEuRal, ``.jsonl``/``.json`` spans or news."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".tsv":
        return read_conll(path, **options)
    if suffix == ".conllu":
        return read_wikineural(path, **options)
    if suffix in (".jsonl", ".json"):
        first = next(_json_records(path), (0, 0, {}))[2]
        is_news = isinstance(first, dict) and "title" in first and "text" not in first
        return read_news_items(path) if is_news else read_spans_jsonl(path, **options)
    raise CorpusError(
        path, None, f"unknown corpus format {suffix!r} (.tsv, .conllu, .jsonl, .json)"
    )


def corpus_summary(
    path: str | os.PathLike[str],
    on_invalid: OnInvalid = "repair",
    label_map: LabelMap | None = None,
) -> str:
    """One line for ``cronaca data``: sentences, tokens, entities per type, event labels, report."""
    columns = Path(path).suffix.lower() in (".tsv", ".conllu")
    options = {"on_invalid": on_invalid} if columns else {}
    corpus = read_corpus(path, **options, **({"label_map": label_map} if label_map else {}))
    entities = Counter(span.label for sentence in corpus for span in sentence.entity_spans())
    per_type = ", ".join(f"{label} {n}" for label, n in sorted(entities.items()))
    with_events = sum(sentence.events is not None for sentence in corpus)
    line = (
        f"{corpus.path}: {len(corpus)} sentences, {sum(len(s.tokens) for s in corpus)} tokens, "
        f"{sum(entities.values())} entities ({per_type}), event labels on {with_events} sentences"
    )
    return f"{line}; {corpus.report.summary()}" if corpus.report.summary() else line


def shared_data_dir() -> Path:
    """``$CRONACA_DATA``, else ``shared/data`` in the nearest ancestor of the cwd or this file."""
    if os.environ.get("CRONACA_DATA"):
        return Path(os.environ["CRONACA_DATA"])
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            if (folder / "shared" / "data").is_dir():
                return folder / "shared" / "data"
    return Path.cwd().parent / "shared" / "data"  # the documented place, even if missing
