"""Document context for the entity tagger (FLERT, Schweter & Akbik 2020).

A sentence is tagged with up to ``chars`` characters of its own document on each side: the
neighbouring sentences' text goes into the model's input, but only the sentence's own words
are labelled (in training) and read (in inference), because :func:`features.encode` reads only
the words it is given. Context never crosses a document: ``documents[i]`` names the document
of unit ``i``, and only consecutive units of the same document are neighbours.

Training (``training/tasks/ner.py``), the evaluation harness and the Predictor all build the
context here, so the three see the same inputs.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from .protocols import WordSpans

SEPARATOR = " "  # between neighbouring sentences of a document


def with_context(
    texts: Sequence[str],
    words: Sequence[WordSpans],
    documents: Sequence[Hashable],
    chars: int,
) -> tuple[list[str], list[list[tuple[int, int]]]]:
    """Each text widened by up to ``chars`` characters of its neighbours in the same document
    (cut at a space, so no context word is cut in two), and its own words shifted into the
    widened text. ``chars == 0`` returns the inputs unchanged."""
    if len(documents) != len(texts):
        raise ValueError(f"{len(documents)} document ids for {len(texts)} texts")
    if chars <= 0:
        return list(texts), [list(w) for w in words]
    widened, shifted = [], []
    for i, (text, spans) in enumerate(zip(texts, words)):
        left = _side(texts, documents, i, -1, chars)
        right = _side(texts, documents, i, +1, chars)
        prefix = left + SEPARATOR if left else ""
        widened.append(prefix + text + (SEPARATOR + right if right else ""))
        shifted.append([(s + len(prefix), e + len(prefix)) for s, e in spans])
    return widened, shifted


def _side(texts, documents, i: int, step: int, chars: int) -> str:
    """Up to ``chars`` characters of the same document's text before (``step=-1``) or after
    (``+1``) unit ``i``, nearest first, cut at a space."""
    parts, length, j = [], 0, i + step
    while 0 <= j < len(texts) and documents[j] == documents[i] and length < chars:
        parts.append(texts[j])
        length += len(texts[j]) + len(SEPARATOR)
        j += step
    if not parts:
        return ""
    joined = SEPARATOR.join(parts[::-1] if step < 0 else parts)
    if len(joined) <= chars:
        return joined
    if step < 0:
        cut = joined[-chars:]
        space = cut.find(" ")
        return cut[space + 1 :] if space >= 0 else ""
    cut = joined[:chars]
    space = cut.rfind(" ")
    return cut[:space] if space >= 0 else ""
