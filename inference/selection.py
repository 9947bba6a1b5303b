"""What to annotate next: documents ranked by how unsure the models are, near-duplicates dropped.

A document's **uncertainty** is in [0, 1] (higher: a human label teaches the models more):

- **entities**: 1 − the smallest *margin* over the document's words, the margin being the
  probability of a word's best tag minus its runner-up's. The least confident word decides,
  not the mean: most words are confidently ``O``, and a mean over them would call long
  documents sure. A tagger without word probabilities (a rule) is judged by its entities:
  1 − the lowest entity score (0 with none: a rule that matches nothing is not unsure).
- **events**: the mean over event types of the binary entropy (bits) of the document's score
  for the type, its best sentence's (a document takes the union of its sentences' types).
  Each score is first rescaled so that the type's threshold maps to 0.5: a tuned threshold
  is where the decision flips, so that is where doubt is highest, not at 0.5.
- **score**: the mean of the two (or the one component the models give).

Ranking is by score, rounded to 4 decimals (so that batch-padding noise in the last digits
cannot reorder documents), ties broken by id as a string: the same pool gives the same batch.

**Near-duplicates** (wire stories copied by many outlets) are dropped greedily in rank order:
a document is skipped when its normalised text (case-folded, letters and digits only) equals a
chosen one's, or when its character 5-gram Jaccard similarity with a chosen one reaches
``DUPLICATE_JACCARD``; the most uncertain copy is the one kept.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .predictor import GROUP_CHARACTERS, character_groups
from .protocols import EntityTagger, EventLabeller
from .sentences import sentence_spans
from .words import word_spans

DUPLICATE_JACCARD = 0.7  # copies of one story with a changed headline or byline stay above
SHINGLE = 5  # characters per shingle: long enough to ignore shared function words
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Uncertainty:
    entities: float | None  # None: no entity model
    events: float | None  # None: no event-type model
    score: float

    def to_dict(self) -> dict:
        parts = {"entities": self.entities, "events": self.events}
        return {
            "score": self.score,
            **{k: v if v is None else round(v, 4) for k, v in parts.items()},
        }


# ---------------------------------------------------------------- the components


def word_margin_uncertainty(log_probs: Sequence[np.ndarray]) -> float:
    """1 − the smallest best-minus-runner-up tag probability over all words of a document."""
    margins = []
    for sentence in log_probs:
        if len(sentence):
            top = np.sort(np.exp(sentence), axis=1)[:, -2:]
            margins.append(float((top[:, 1] - top[:, 0]).min()))
    return 1.0 - min(margins) if margins else 0.0


def entity_score_uncertainty(scores: Sequence[float]) -> float:
    """1 − the lowest entity score; 0 for a document without entities."""
    return 1.0 - min(scores) if scores else 0.0


def centred(score: float, threshold: float) -> float:
    """``score`` rescaled piecewise-linearly so that ``threshold`` maps to 0.5 (0 and 1 stay)."""
    if score < threshold:
        return 0.5 * score / threshold
    return 0.5 + 0.5 * (score - threshold) / (1.0 - threshold) if threshold < 1.0 else 1.0


def binary_entropy(p: float) -> float:
    """In bits: 1 at p = 0.5, 0 at p = 0 or 1."""
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return -(p * math.log2(p) + (1.0 - p) * math.log2(1.0 - p))


def event_uncertainty(sentence_scores: Sequence[dict[str, float]], thresholds) -> float:
    """Mean binary entropy over types of the document's (best sentence's) centred score."""
    if not sentence_scores:
        return 0.0
    types = list(sentence_scores[0])
    best = {t: max(scores[t] for scores in sentence_scores) for t in types}
    return sum(binary_entropy(centred(best[t], thresholds[t])) for t in types) / len(types)


def combined(entities: float | None, events: float | None) -> Uncertainty:
    parts = [part for part in (entities, events) if part is not None]
    return Uncertainty(entities, events, round(sum(parts) / len(parts), 4))


# ---------------------------------------------------------------- scoring a pool


def _entity_parts(tagger: EntityTagger, sentences: list[str], batch_size: int) -> list:
    """Per sentence: its word log-probabilities where the tagger exposes them, else its
    entities' scores."""
    words = [word_spans(sentence) for sentence in sentences]
    if hasattr(tagger, "word_log_probs"):  # ModelTagger: one forward pass, no decoding
        return tagger.word_log_probs(sentences, words, batch_size)
    return [[e.score for e in found] for found in tagger.tag_entities(sentences, words, batch_size)]


def _group_uncertainties(tagger, labeller, texts: Sequence[str], batch_size: int) -> list:
    spans = [sentence_spans(text) for text in texts]
    sentences = [texts[i][s:e] for i, text_spans in enumerate(spans) for s, e in text_spans]
    bounds = np.cumsum([0] + [len(text_spans) for text_spans in spans]).tolist()
    entity_rows = _entity_parts(tagger, sentences, batch_size) if tagger else None
    event_rows = labeller.event_scores(sentences, batch_size) if labeller else None
    result = []
    for lo, hi in zip(bounds, bounds[1:]):  # the sentences of one text
        entities = events = None
        if entity_rows is not None:
            rows = entity_rows[lo:hi]
            if hasattr(tagger, "word_log_probs"):
                entities = word_margin_uncertainty(rows)
            else:
                entities = entity_score_uncertainty([s for row in rows for s in row])
        if event_rows is not None:
            events = event_uncertainty(event_rows[lo:hi], labeller.thresholds)
        result.append(combined(entities, events))
    return result


def pool_uncertainties(
    tagger: EntityTagger | None,
    labeller: EventLabeller | None,
    texts: Sequence[str],
    batch_size: int = 32,
) -> list[Uncertainty]:
    """Each text's :class:`Uncertainty`, texts taken in groups of bounded size (as predict)."""
    result: list[Uncertainty] = []
    for group in character_groups(texts, GROUP_CHARACTERS):
        result += _group_uncertainties(tagger, labeller, group, batch_size)
    return result


# ---------------------------------------------------------------- ranking and near-duplicates


def normalised(text: str) -> str:
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    key = normalised(text)
    if len(key) <= size:
        return frozenset([key])
    return frozenset(key[i : i + size] for i in range(len(key) - size + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def ranked(ids: Sequence, scores: Sequence[float]) -> list[int]:
    """Indices by score, highest first; ties by id as a string (deterministic)."""
    return sorted(range(len(ids)), key=lambda i: (-scores[i], str(ids[i])))


def choose(
    ids: Sequence,
    texts: Sequence[str],
    scores: Sequence[float],
    n: int,
    threshold: float = DUPLICATE_JACCARD,
) -> list[int]:
    """The indices of the ``n`` most uncertain documents, near-duplicates of a chosen one
    skipped, in rank order."""
    chosen: list[int] = []
    keys: set[str] = set()
    kept: list[frozenset] = []
    for index in ranked(ids, scores):
        if len(chosen) >= n:
            break
        key, grams = normalised(texts[index]), shingles(texts[index])
        if key in keys or any(jaccard(grams, other) >= threshold for other in kept):
            continue
        chosen.append(index)
        keys.add(key)
        kept.append(grams)
    return chosen
