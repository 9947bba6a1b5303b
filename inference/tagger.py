"""A fine-tuned token-classification model behind the ``WordTagger`` protocol (tags, for the
evaluation harness) and the ``EntityTagger`` protocol (scored entities, for the Predictor).

A saved model directory is self-describing: ``config.json`` holds ``id2label``, and
``cronaca.json`` the feature settings it was trained with (window length, stride, document
context),
so inference windows texts exactly as training did.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path

import numpy as np

from . import features
from .context import with_context
from .decoding import decode_batch, decode_ids, log_softmax
from .entities import word_entities
from .labels import ids_to_spans
from .protocols import WordSpans
from .runtime import forward_batches, load_for_inference
from .settings import ModelSettings
from .types import Entity


class ModelTagger:
    """Tags words with a token-classification model, window by window, in length-sorted batches."""

    def __init__(self, model, tokenizer, settings: ModelSettings | None = None, name="model"):
        self.model, self.tokenizer, self.name = model, tokenizer, name
        self.settings = settings or ModelSettings()
        self.labels = [model.config.id2label[i] for i in range(model.config.num_labels)]

    @classmethod
    def from_pretrained(
        cls,
        path: str | Path,
        device: str = "auto",
        precision: str = "auto",
        allow_pickle: bool = False,
        runtime: str = "auto",
    ) -> ModelTagger:
        """``precision``, ``runtime`` (``auto``, ``torch``, ``onnx``): see
        :func:`cronaca.inference.runtime.resolve_runtime`; ``allow_pickle``: see
        :func:`~cronaca.inference.runtime.load_pretrained`."""
        from transformers import AutoModelForTokenClassification

        model, tokenizer, settings = load_for_inference(
            AutoModelForTokenClassification, path, device, precision, allow_pickle, runtime
        )
        return cls(model, tokenizer, settings, name=Path(path).name)

    @property
    def context(self) -> int:
        """Characters of document context read on each side of a text (0: none); a caller that
        knows the texts' documents passes ``documents=`` when this is positive."""
        return self.settings.context

    def word_log_probs(
        self,
        texts: Sequence[str],
        words: Sequence[WordSpans],
        batch_size: int = 32,
        show_progress: bool = False,
        documents: Sequence[Hashable] | None = None,
    ) -> list[np.ndarray]:
        """``[n_words, n_labels]`` log-probabilities per text; with ``documents`` (the document
        of each text, consecutive texts of one document being neighbours) and a model trained
        with context, each text is read with its neighbours around it."""
        if documents is not None and self.context:
            texts, words = with_context(texts, words, documents, self.context)
        windows = features.encode(
            self.tokenizer, texts, words, self.settings.max_length, self.settings.stride
        )
        scores: list[np.ndarray | None] = [None] * len(windows)
        rows = [window.input_ids for window in windows]
        pad_id = self.tokenizer.pad_token_id
        for batch, logits in forward_batches(
            self.model, rows, pad_id, batch_size, desc="tagging", show_progress=show_progress
        ):
            for row, index in enumerate(batch):
                scores[index] = logits[row, : len(windows[index])]
        return gathered_log_probs(windows, scores, words)

    def tag_words(
        self,
        texts: Sequence[str],
        words: Sequence[WordSpans],
        batch_size: int = 32,
        show_progress: bool = False,
        documents: Sequence[Hashable] | None = None,
    ) -> list[list[str]]:
        log_probs = self.word_log_probs(texts, words, batch_size, show_progress, documents)
        return decode_batch(log_probs, self.labels, self.settings.decode)

    def tag_entities(
        self,
        texts: Sequence[str],
        words: Sequence[WordSpans],
        batch_size: int = 32,
        documents: Sequence[Hashable] | None = None,
    ) -> list[list[Entity]]:
        """Each text's decoded entities, scored by the mean probability of their words' tags."""
        log_probs = self.word_log_probs(texts, words, batch_size, documents=documents)
        return scored_entities(texts, words, log_probs, self.labels, self.settings.decode)


def gathered_log_probs(
    windows: Sequence[features.Window],
    window_logits: Sequence[np.ndarray],
    words: Sequence[WordSpans],
) -> list[np.ndarray]:
    """Per text, ``[n_words, n_labels]`` log-probabilities, each word read from its most
    central window (``window_logits[k]``: ``[len(windows[k]), n_labels]``)."""
    per_word = features.gather_word_scores(windows, window_logits, [len(w) for w in words])
    return [log_softmax(s) for s in per_word]


def scored_entities(
    texts: Sequence[str],
    words: Sequence[WordSpans],
    log_probs: Sequence[np.ndarray],
    labels: Sequence[str],
    decode: str,
) -> list[list[Entity]]:
    """Each text's decoded entities, scored by the mean probability of their words' tags."""
    paths = decode_ids(log_probs, labels, decode)
    result = []
    for text, spans, scores, path in zip(texts, words, log_probs, paths):
        chosen = np.exp(scores[np.arange(len(path)), path])  # each word's tag probability
        result.append(word_entities(text, spans, ids_to_spans(path, labels), chosen))
    return result
