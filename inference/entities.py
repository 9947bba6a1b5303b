"""From word-level spans to character-offset entities: the one rule every ``EntityTagger``
follows (the model tagger and the rule baselines), so their output cannot drift apart."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .labels import TokenSpan, tags_to_spans
from .protocols import WordSpans
from .types import Entity


def word_entities(
    text: str,
    words: WordSpans,
    spans: Iterable[TokenSpan],
    word_scores: np.ndarray | None = None,
) -> list[Entity]:
    """Entities of ``text`` from spans over its ``words``: from the first word's start to the
    last word's end. Score: the mean of ``word_scores`` over the entity's words, or 1.0 without
    them (a rule matches or it does not)."""
    found = []
    for span in spans:
        start, end = words[span.start][0], words[span.end - 1][1]
        score = 1.0 if word_scores is None else float(word_scores[span.start : span.end].mean())
        found.append(Entity(start, end, span.label, score, text[start:end]))
    return found


def tagged_entities(
    texts: Sequence[str], words: Sequence[WordSpans], tags: Sequence[Sequence[str]]
) -> list[list[Entity]]:
    """:func:`word_entities` of each text from a ``WordTagger``'s valid IOB2 tags, score 1.0:
    how a rule tagger answers the ``EntityTagger`` protocol."""
    return [
        word_entities(text, spans, tags_to_spans(row))
        for text, spans, row in zip(texts, words, tags, strict=True)
    ]
