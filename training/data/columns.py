"""Column formats: KIND ``token<TAB>tag`` TSV and WikiNEuRal ``index<TAB>token<TAB>tag``.

**Invalid IOB2** (``on_invalid``): ``"repair"`` turns an ``I-X`` that opens an entity into
``B-X`` (the conlleval reading) and reports it; ``"error"`` raises; ``"keep"`` leaves the tags as
they are, to score gold exactly as the official scorer reads it. Malformed tags and unknown
labels are errors in every mode.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from cronaca.inference.labels import ENTITY_TYPES, OUTSIDE, bio_problems, repair_bio, split_tag
from cronaca.inference.words import detokenize

from .files import blocks
from .records import (
    Corpus,
    CorpusError,
    LabelMap,
    LoadReport,
    OnInvalid,
    RepairNote,
    Sentence,
    checked_corpus,
)

Row = tuple[int, str, str]  # (line number, token, tag)
RowsOf = Callable[[Path, list[tuple[int, list[str]]]], list[Row]]
ColumnReader = Callable[..., Corpus]  # (path, entity_types, label_map, on_invalid) -> Corpus


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


def _column_reader(rows_of: RowsOf, name: str, doc: str) -> ColumnReader:
    """A reader of one column layout (``rows_of`` checks a block's columns and cuts it into
    rows); the layouts differ in nothing else, so one body serves both readers."""

    def read(
        path: str | os.PathLike[str],
        entity_types: Iterable[str] = ENTITY_TYPES,
        label_map: LabelMap | None = None,
        on_invalid: OnInvalid = "repair",
    ) -> Corpus:
        path = Path(path)
        tagger = _Tagger(path, entity_types, label_map, on_invalid)
        sentences = []
        for index, block in enumerate(blocks(path)):
            rows = rows_of(path, block)
            sentence_id = f"{path.stem}:{index}"
            tokens = [token for _, token, _ in rows]
            text, offsets = detokenize(tokens)
            tags = tagger.tags(sentence_id, rows)
            origin = f"{path}:{rows[0][0]}"
            sentences.append(Sentence(sentence_id, text, tokens, offsets, tags, origin=origin))
        return checked_corpus(path, sentences, tagger.report)

    read.__name__ = read.__qualname__ = name
    read.__doc__ = doc
    return read


read_conll = _column_reader(
    _conll_rows, "read_conll", "KIND-style ``token<TAB>tag`` TSV, a blank line between sentences."
)
read_wikineural = _column_reader(
    _wikineural_rows,
    "read_wikineural",
    'WikiNEuRal ``index<TAB>token<TAB>tag``; its ``MISC`` needs ``label_map={"MISC": None}``.',
)
