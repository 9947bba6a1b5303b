"""A fine-tuned multi-label classifier behind the ``EventLabeller`` protocol.

Event types are predicted per sentence; a document's types are the union of its sentences',
each kept with the sentence and score that support it. Per-type decision thresholds, tuned on
the dev split at training time, are saved with the model in ``cronaca.json``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import features
from .runtime import forward_batches, prepare
from .sentences import sentence_spans
from .tagger import SETTINGS_FILE


@dataclass(frozen=True)
class SentenceEvents:
    """One sentence's event types: ``scores`` for every type, ``labels`` above threshold."""

    start: int
    end: int
    scores: dict[str, float]
    labels: tuple[str, ...]


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class ModelEventLabeller:
    """Scores the six event types of each sentence of each text."""

    def __init__(
        self,
        model,
        tokenizer,
        thresholds: dict[str, float] | None = None,
        max_length: int = 256,
        stride: int = 32,
        name: str = "model",
    ):
        self.model, self.tokenizer, self.name = model, tokenizer, name
        self.labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        self.thresholds = {label: 0.5 for label in self.labels} | (thresholds or {})
        self.max_length, self.stride = max_length, stride

    @classmethod
    def from_pretrained(
        cls, path: str | Path, device: str = "auto", precision: str = "auto"
    ) -> ModelEventLabeller:
        """``precision``: see :mod:`cronaca.inference.runtime` (``int8`` on the CPU)."""
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        loaded = AutoModelForSequenceClassification.from_pretrained(str(path))
        model = prepare(loaded, device, precision)
        settings_path = Path(path) / SETTINGS_FILE
        settings = json.loads(settings_path.read_text()) if settings_path.is_file() else {}
        return cls(
            model,
            AutoTokenizer.from_pretrained(str(path)),
            thresholds=settings.get("thresholds"),
            max_length=settings.get("max_length", 256),
            stride=settings.get("stride", 32),
            name=Path(path).name,
        )

    def text_probabilities(
        self, texts: Sequence[str], batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        """``[len(texts), n_types]`` probabilities, each text scored as one unit (windows of a
        long text are max-pooled: an event anywhere in it counts)."""
        windows = features.encode(self.tokenizer, texts, None, self.max_length, self.stride)
        probabilities = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        rows = [window.input_ids for window in windows]
        pad_id = self.tokenizer.pad_token_id
        for batch, logits in forward_batches(
            self.model, rows, pad_id, batch_size, desc="events", show_progress=show_progress
        ):
            examples = [windows[index].example for index in batch]
            np.maximum.at(probabilities, examples, sigmoid(logits))
        return probabilities

    def above_threshold(self, probabilities: np.ndarray) -> list[list[tuple[str, float]]]:
        """Per row, ``(type, probability)`` of the types at or above their threshold."""
        thresholds = np.asarray([self.thresholds[label] for label in self.labels])
        return [
            [(self.labels[j], float(row[j])) for j in np.flatnonzero(row >= thresholds)]
            for row in probabilities
        ]

    def sentence_events(self, texts: Sequence[str]) -> list[list[SentenceEvents]]:
        """Per text, its sentences with their scores and predicted types."""
        spans = [sentence_spans(text) for text in texts]
        flat = [text[s:e] for text, text_spans in zip(texts, spans) for s, e in text_spans]
        probabilities = self.text_probabilities(flat) if flat else np.zeros((0, len(self.labels)))
        chosen = iter(self.above_threshold(probabilities))
        rows = iter(probabilities)
        return [
            [
                SentenceEvents(
                    start,
                    end,
                    dict(zip(self.labels, map(float, next(rows)))),
                    tuple(label for label, _ in next(chosen)),
                )
                for start, end in text_spans
            ]
            for text_spans in spans
        ]

    def event_scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per text, ``{type: score}`` of the predicted types: the best supporting sentence's."""
        documents = []
        for sentences in self.sentence_events(texts):
            scores: dict[str, float] = {}
            for sentence in sentences:
                for label in sentence.labels:
                    scores[label] = max(scores.get(label, 0.0), sentence.scores[label])
            documents.append(scores)
        return documents
