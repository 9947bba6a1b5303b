"""The protocols every predictor follows, so one harness scores models and rules alike, and
one :class:`~cronaca.inference.predictor.Predictor` serves them alike.

A class satisfies a protocol by its shape (the attributes and methods below), not by
inheritance: the rule baselines of ``cronaca.training.baselines`` satisfy them without this
runtime core ever importing training code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from .types import Entity

WordSpans = Sequence[tuple[int, int]]


@runtime_checkable
class WordTagger(Protocol):
    """Tags the given words of each text with IOB2 entity tags (``O``, ``B-PER``, ...)."""

    name: str

    def tag_words(self, texts: Sequence[str], words: Sequence[WordSpans]) -> list[list[str]]:
        """One tag per word span, for each text."""
        ...


@runtime_checkable
class EntityTagger(Protocol):
    """Finds the entities of each text: what the Predictor serves.

    ``words`` are the texts' word spans (:func:`cronaca.inference.words.word_spans`, the word
    definition of training), so an entity always covers whole words. Each text's entities come
    back with character offsets into that text (``text[start:end] == entity.text``) and a score
    in [0, 1]: a model's mean tag probability, 1.0 for a rule's match.

    A tagger that reads document context (a model trained with ``features.context``) has a
    positive ``context`` attribute and takes ``documents=`` (the document of each text;
    consecutive texts of one document are neighbours); callers pass it only then, so a rule
    needs neither.
    """

    name: str

    def tag_entities(
        self, texts: Sequence[str], words: Sequence[WordSpans], batch_size: int = 32
    ) -> list[list[Entity]]:
        """For each text, its entities in text order."""
        ...


@runtime_checkable
class EventLabeller(Protocol):
    """Scores the event types of each unit (a sentence or a short news item).

    Scores, not decisions: every type gets a score in [0, 1], and
    :func:`cronaca.inference.decisions.decide` turns them into labels with
    ``thresholds`` (the labeller's own, or any a caller passes instead), so rules, the frozen
    floor and fine-tuned models are scored and served by one path.
    """

    name: str
    labels: Sequence[str]
    thresholds: dict[str, float]

    def event_scores(self, texts: Sequence[str], batch_size: int = 32) -> list[dict[str, float]]:
        """For each text, ``{event_type: score in [0, 1]}`` for every type in ``labels``."""
        ...
