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
import torch

from cronaca.inference.event_labeller import unit_texts
from cronaca.inference.features import encode
from cronaca.inference.runtime import forward_batches

PREFIX = "query: "
L2 = 1e-3  # per-example penalty on the weights (features are L2-normalised embeddings)


class _Embedder(torch.nn.Module):
    """The base encoder returning mean-pooled, L2-normalised embeddings as its 'logits'."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids, attention_mask):
        from types import SimpleNamespace

        from cronaca.inference.event_model import mean_pool

        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        pooled = mean_pool(hidden.last_hidden_state, attention_mask)
        return SimpleNamespace(logits=torch.nn.functional.normalize(pooled, dim=-1))


def embed(encoder, tokenizer, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """``[len(texts), hidden]`` embeddings (windows of a long text are averaged)."""
    windows = encode(tokenizer, unit_texts(PREFIX, texts), None, 512, 64)
    model = _Embedder(encoder)
    sums = np.zeros((len(texts), encoder.config.hidden_size), dtype=np.float32)
    counts = np.zeros(len(texts), dtype=np.float32)
    rows = [w.input_ids for w in windows]
    for batch, vectors in forward_batches(model, rows, tokenizer.pad_token_id, batch_size):
        examples = [windows[i].example for i in batch]
        np.add.at(sums, examples, vectors)
        np.add.at(counts, examples, 1.0)
    return sums / np.maximum(counts, 1.0)[:, None]


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 200) -> tuple[np.ndarray, float]:
    """One binary logistic regression, classes weighted to equal total weight (L-BFGS)."""
    features, target = torch.as_tensor(x), torch.as_tensor(y, dtype=torch.float32)
    positives = float(target.sum())
    weight = torch.where(
        target > 0,
        len(y) / max(2 * positives, 1.0),
        len(y) / max(2 * (len(y) - positives), 1.0),
    )
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    optimiser = torch.optim.LBFGS([w, b], max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        optimiser.zero_grad()
        logits = features @ w + b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, target, weight)
        loss = loss + L2 * (w * w).sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    return w.detach().numpy(), float(b.detach())


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
        for j in range(len(self.labels)):
            self.weights[:, j], self.bias[j] = fit_logistic(x, y[:, j])
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
