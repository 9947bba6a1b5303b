"""Label sets and BIO helpers: the one place where tag strings are made and read.

Entity tags are IOB2 (``B-X`` opens an entity, ``I-X`` continues it, ``O`` is outside).
Spans here are *token-index* spans ``[start, end)``; character spans live with records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

ENTITY_TYPES: tuple[str, ...] = ("PER", "ORG", "LOC")
EVENT_TYPES: tuple[str, ...] = (
    "battle",
    "explosion_remote_violence",
    "violence_against_civilians",
    "protest",
    "riot",
    "strategic_development",
)
OUTSIDE = "O"


def bio_labels(entity_types: Iterable[str] = ENTITY_TYPES) -> list[str]:
    """``["O", "B-PER", "I-PER", ...]``: the order saved as ``config.id2label``."""
    labels = [OUTSIDE]
    for entity_type in entity_types:
        labels += [f"B-{entity_type}", f"I-{entity_type}"]
    return labels


def label_maps(labels: Sequence[str]) -> tuple[dict[int, str], dict[str, int]]:
    """``(id2label, label2id)`` derived from one list, so the two never disagree."""
    return dict(enumerate(labels)), {label: i for i, label in enumerate(labels)}


def split_tag(tag: str) -> tuple[str, str | None]:
    """``"B-PER" -> ("B", "PER")``, ``"O" -> ("O", None)``; raises on anything else."""
    if tag == OUTSIDE:
        return OUTSIDE, None
    prefix, sep, entity_type = tag.partition("-")
    if not sep or prefix not in ("B", "I") or not entity_type:
        raise ValueError(f"not a BIO tag: {tag!r}")
    return prefix, entity_type


@dataclass(frozen=True)
class TokenSpan:
    """An entity over tokens ``[start, end)``."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Repair:
    """A standard repair applied to a tag sequence: ``I-X`` with no open ``X`` becomes ``B-X``."""

    index: int
    old: str
    new: str


def bio_problems(tags: Sequence[str]) -> list[tuple[int, str]]:
    """``(index, reason)`` for every tag that breaks IOB2; an empty list means valid."""
    problems = []
    previous = OUTSIDE
    for i, tag in enumerate(tags):
        try:
            prefix, entity_type = split_tag(tag)
        except ValueError as err:
            problems.append((i, str(err)))
            previous = OUTSIDE
            continue
        if prefix == "I" and previous not in (f"B-{entity_type}", f"I-{entity_type}"):
            problems.append((i, f"{tag} does not continue an entity of type {entity_type}"))
        previous = tag
    return problems


def repair_bio(tags: Sequence[str]) -> tuple[list[str], list[Repair]]:
    """Turn every ``I-X`` that opens an entity into ``B-X`` (the conlleval reading)."""
    fixed, repairs = list(tags), []
    for i, tag in enumerate(fixed):
        prefix, entity_type = split_tag(tag)
        previous = fixed[i - 1] if i else OUTSIDE
        if prefix == "I" and previous not in (f"B-{entity_type}", f"I-{entity_type}"):
            fixed[i] = f"B-{entity_type}"
            repairs.append(Repair(i, tag, fixed[i]))
    return fixed, repairs


def tags_to_spans(tags: Sequence[str]) -> list[TokenSpan]:
    """Entities of a *valid* IOB2 sequence (repair or reject invalid ones first)."""
    spans: list[TokenSpan] = []
    start, current = None, None
    for i, tag in enumerate([*tags, OUTSIDE]):
        prefix, entity_type = split_tag(tag)
        if current is not None and (prefix != "I" or entity_type != current):
            spans.append(TokenSpan(start, i, current))
            current = None
        if prefix == "B" or (prefix == "I" and current is None):
            start, current = i, entity_type
    return spans


@lru_cache(maxsize=8)
def _tag_tables(labels: tuple[str, ...]):
    """Per label id: is it a ``B-``, an ``I-``, and the index of its type (-1 for ``O``)."""
    parts = [split_tag(label) for label in labels]
    types = sorted({entity_type for _, entity_type in parts if entity_type})
    is_begin = np.asarray([prefix == "B" for prefix, _ in parts])
    is_inside = np.asarray([prefix == "I" for prefix, _ in parts])
    kind = np.asarray([types.index(t) if t else -1 for _, t in parts])
    return is_begin, is_inside, kind, types


def ids_to_spans(ids: np.ndarray, labels: Sequence[str]) -> list[TokenSpan]:
    """:func:`tags_to_spans` for a sequence of label ids, with no Python loop over tokens.

    An ``I-X`` continues an entity only right after a ``B-X`` or ``I-X``; otherwise it opens
    one, as in :func:`tags_to_spans`.
    """
    if len(ids) == 0:
        return []
    is_begin, is_inside, kind, types = _tag_tables(tuple(labels))
    begin, inside, k = is_begin[ids], is_inside[ids], kind[ids]
    after_entity = np.concatenate([[False], (begin | inside)[:-1] & (k[:-1] == k[1:])])
    continues = inside & after_entity
    starts = np.flatnonzero(begin | (inside & ~continues))
    stops = np.append(np.flatnonzero(~continues), len(ids))
    ends = stops[np.searchsorted(stops, starts, side="right")]
    return [TokenSpan(int(s), int(e), types[k[s]]) for s, e in zip(starts, ends)]


def spans_to_tags(spans: Iterable[TokenSpan], length: int) -> list[str]:
    """IOB2 tags for ``length`` tokens; raises if spans overlap or fall outside."""
    tags = [OUTSIDE] * length
    for span in sorted(spans, key=lambda s: s.start):
        if not 0 <= span.start < span.end <= length:
            raise ValueError(f"span {span} outside 0..{length}")
        if any(tag != OUTSIDE for tag in tags[span.start : span.end]):
            raise ValueError(f"span {span} overlaps another span")
        tags[span.start] = f"B-{span.label}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{span.label}"
    return tags
