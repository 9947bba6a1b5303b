"""A fine-tuned multi-label classifier behind the ``EventLabeller`` protocol.

``event_scores`` scores every type of each text **as one unit** (a sentence, or a short news
item as annotated): the unit the model was trained on and the corpus is scored on.
``sentence_events`` cuts a longer document into sentences and scores each, for the Predictor;
a document's types are then the union of its sentences' (the guidelines' rule), each kept with
the sentence that supports it best. Turning scores into labels is :func:`decide`'s job alone,
with the per-type thresholds tuned at training time and saved in ``cronaca.json`` (or any
thresholds a caller passes instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import features
from .decisions import decide, resolve_thresholds
from .runtime import forward_batches, load_for_inference
from .sentences import sentence_spans


@dataclass(frozen=True)
class SentenceEvents:
    """One sentence's event types: ``scores`` for every type, ``labels`` decided from them."""

    start: int
    end: int
    scores: dict[str, float]
    labels: tuple[str, ...]


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def unit_texts(tokenizer_prefix: str, texts: Sequence[str]) -> list[str]:
    """What the encoder reads for each unit: e5's instruction prefix, then the text."""
    return [tokenizer_prefix + text for text in texts]


def add_window_probabilities(
    probabilities: np.ndarray, windows: Sequence[features.Window], logits: np.ndarray
) -> None:
    """Fold windows' logits into their texts' rows of ``probabilities``: the maximum over a
    text's windows (an event anywhere in it counts)."""
    np.maximum.at(probabilities, [window.example for window in windows], sigmoid(logits))


def scores_by_label(probabilities: np.ndarray, labels: Sequence[str]) -> list[dict[str, float]]:
    return [dict(zip(labels, map(float, row))) for row in probabilities]


class ModelEventLabeller:
    """Scores the six event types of each unit (or of each sentence of each document)."""

    def __init__(
        self,
        model,
        tokenizer,
        thresholds: dict[str, float] | None = None,
        max_length: int = 256,
        stride: int = 32,
        name: str = "model",
        prefix: str = "",
    ):
        self.model, self.tokenizer, self.name = model, tokenizer, name
        self.labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        self.thresholds = resolve_thresholds(self.labels, thresholds)
        self.max_length, self.stride, self.prefix = max_length, stride, prefix

    @classmethod
    def from_pretrained(
        cls,
        path: str | Path,
        device: str = "auto",
        precision: str = "auto",
        allow_pickle: bool = False,
        runtime: str = "auto",
    ) -> ModelEventLabeller:
        """``precision``, ``runtime`` (``auto``, ``torch``, ``onnx``): see
        :func:`cronaca.inference.runtime.resolve_runtime`; ``allow_pickle``: see
        :func:`~cronaca.inference.runtime.load_pretrained`."""
        from transformers import AutoModelForSequenceClassification

        from . import event_model  # noqa: F401  registers the mean-pooling model type

        model, tokenizer, settings = load_for_inference(
            AutoModelForSequenceClassification,
            path,
            device,
            precision,
            allow_pickle,
            runtime,
            "events",
        )
        return cls(
            model,
            tokenizer,
            thresholds=settings.thresholds,
            max_length=settings.max_length,
            stride=settings.stride,
            name=Path(path).name,
            prefix=settings.prefix,
        )

    def text_probabilities(
        self, texts: Sequence[str], batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        """``[len(texts), n_types]`` probabilities, each text scored as one unit (windows of a
        long text are max-pooled: an event anywhere in it counts)."""
        rows = features.encode(
            self.tokenizer, unit_texts(self.prefix, texts), None, self.max_length, self.stride
        )
        probabilities = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        pad_id = self.tokenizer.pad_token_id
        ids = [window.input_ids for window in rows]
        for batch, logits in forward_batches(
            self.model, ids, pad_id, batch_size, desc="events", show_progress=show_progress
        ):
            add_window_probabilities(probabilities, [rows[i] for i in batch], logits)
        return probabilities

    def event_scores(self, texts: Sequence[str], batch_size: int = 32) -> list[dict[str, float]]:
        """Per text (one unit each), every type's probability."""
        return scores_by_label(self.text_probabilities(texts, batch_size), self.labels)

    def sentence_events(
        self, texts: Sequence[str], batch_size: int = 32
    ) -> list[list[SentenceEvents]]:
        """Per document, its sentences with every type's score and the types decided."""
        spans = [sentence_spans(text) for text in texts]
        flat = [text[s:e] for text, text_spans in zip(texts, spans) for s, e in text_spans]
        scores = iter(self.event_scores(flat, batch_size))
        result = []
        for text_spans in spans:
            sentences = []
            for start, end in text_spans:
                row = next(scores)
                labels = tuple(decide(row, self.thresholds))
                sentences.append(SentenceEvents(start, end, row, labels))
            result.append(sentences)
        return result
