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
    """Scores the event types of each text (a sentence or a short document)."""

    name: str
    labels: Sequence[str]

    def event_scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """For each text, ``{event_type: score in [0, 1]}`` of the types it predicts."""
        ...
