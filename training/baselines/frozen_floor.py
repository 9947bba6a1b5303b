"""The frozen-encoder floor: what the base encoder knows before any fine-tuning.

Each unit is embedded once by the untouched base encoder as e5 was trained to be read
(``"query: "`` prefix, mean pooling over the mask); one class-balanced, L2-regularised
logistic regression per event type is fitted on the training split, and each type's
threshold is chosen on the dev split. A fine-tuned model that does not beat this has learnt
nothing from fine-tuning. It follows the ``EventLabeller`` protocol, so the harness, the
benchmark and ``cronaca predict`` treat it like any other labeller.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cronaca.inference.event_labeller import unit_texts
from cronaca.inference.features import encode

from ..tasks.probe import fit_probe, pooled_states

PREFIX = "query: "


def embed(encoder, tokenizer, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """``[len(texts), hidden]`` L2-normalised embeddings (windows of a long text averaged)."""
    windows = encode(tokenizer, unit_texts(PREFIX, texts), None, 512, 64)
    vectors = pooled_states(
        encoder, [w.input_ids for w in windows], tokenizer.pad_token_id, True, batch_size
    )
    sums = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
    counts = np.zeros(len(texts), dtype=np.float32)
    examples = [w.example for w in windows]
    np.add.at(sums, examples, vectors)
    np.add.at(counts, examples, 1.0)
    return sums / np.maximum(counts, 1.0)[:, None]


class FrozenEncoderLabeller:
    """Per-type logistic regressions on frozen mean-pooled e5 embeddings."""

    name = "frozen-floor"

    def __init__(self, encoder, tokenizer, labels: Sequence[str]):
        self.encoder, self.tokenizer, self.labels = encoder.eval(), tokenizer, list(labels)
        self.weights = np.zeros((encoder.config.hidden_size, len(self.labels)), np.float32)
        self.bias = np.zeros(len(self.labels), np.float32)
        self.thresholds = dict.fromkeys(self.labels, 0.5)
        self.cache: dict[str, np.ndarray] = {}  # text -> embedding: each unit embedded once

    @classmethod
    def from_base(cls, path: str, labels: Sequence[str]) -> FrozenEncoderLabeller:
        from transformers import AutoModel, AutoTokenizer

        from ..tasks.common import quiet_load_report

        with quiet_load_report():  # the encoder alone: no pooler, as e5 was trained
            encoder = AutoModel.from_pretrained(path, add_pooling_layer=False)
        return cls(encoder, AutoTokenizer.from_pretrained(path), labels)

    def embeddings(self, texts: Sequence[str]) -> np.ndarray:
        new = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if new:
            self.cache |= dict(zip(new, embed(self.encoder, self.tokenizer, new)))
        return np.stack([self.cache[t] for t in texts]) if texts else self.weights[:0].T

    def fit(self, train, dev) -> FrozenEncoderLabeller:
        """Fit on ``train`` records, choose thresholds on ``dev`` records (``.text``,
        ``.events``)."""
        from ..tasks.events import multi_hot, tune_thresholds

        x = self.embeddings([r.text for r in train])
        y = np.asarray([multi_hot(r.events, self.labels) for r in train])
        self.weights, self.bias = fit_probe(x, y)
        dev_scores = self.probabilities([r.text for r in dev])
        dev_gold = np.asarray([multi_hot(r.events, self.labels) for r in dev])
        self.thresholds = dict(zip(self.labels, tune_thresholds(dev_gold, dev_scores).tolist()))
        return self

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.labels)), np.float32)
        return 1.0 / (1.0 + np.exp(-(self.embeddings(texts) @ self.weights + self.bias)))

    def event_scores(self, texts: Sequence[str], batch_size: int = 32) -> list[dict[str, float]]:
        return [dict(zip(self.labels, map(float, row))) for row in self.probabilities(texts)]
