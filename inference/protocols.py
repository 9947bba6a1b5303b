"""The protocols every predictor follows, so one harness scores models and rules alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

WordSpans = Sequence[tuple[int, int]]


@runtime_checkable
class WordTagger(Protocol):
    """Tags the given words of each text with IOB2 entity tags (``O``, ``B-PER``, ...)."""

    name: str

    def tag_words(self, texts: Sequence[str], words: Sequence[WordSpans]) -> list[list[str]]:
        """One tag per word span, for each text."""
        ...


@runtime_checkable
class EventLabeller(Protocol):
    """Scores the event types of each unit (a sentence or a short news item).

    Scores, not decisions: every type gets a score in [0, 1], and
    :func:`cronaca.inference.event_labeller.decide` turns them into labels with
    ``thresholds`` (the labeller's own, or any a caller passes instead), so rules, the frozen
    floor and fine-tuned models are scored and served by one path.
    """

    name: str
    labels: Sequence[str]
    thresholds: dict[str, float]

    def event_scores(self, texts: Sequence[str], batch_size: int = 32) -> list[dict[str, float]]:
        """For each text, ``{event_type: score in [0, 1]}`` for every type in ``labels``."""
        ...
