"""A linear probe on mean-pooled encoder states: the frozen floor's fit, and the event head's
start.

Fine-tuning a pre-trained encoder under a random head distorts the features it starts from
(the first steps' large gradients come from a head that knows nothing), and the frozen e5
encoder with a logistic regression on top already scored above the fine-tuned model here
(BENCHMARKS.md). So the event task can start its head from this probe, fitted on the very
windows it then trains on (linear probing, then fine-tuning: Kumar et al., ICLR 2022,
"Fine-Tuning can Distort Pretrained Features and Underperform Out-of-Distribution").
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import numpy as np
import torch

from cronaca.inference.event_model import mean_pool
from cronaca.inference.runtime import forward_batches

L2 = 1e-3  # per-example penalty on the weights


class _Pooled(torch.nn.Module):
    """An encoder whose 'logits' are its mean-pooled last hidden states (optionally L2-normed)."""

    def __init__(self, encoder, normalise: bool):
        super().__init__()
        self.encoder, self.normalise = encoder, normalise

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        pooled = mean_pool(hidden.last_hidden_state, attention_mask)
        return SimpleNamespace(
            logits=torch.nn.functional.normalize(pooled, dim=-1) if self.normalise else pooled
        )


def pooled_states(
    encoder,
    rows: Sequence[Sequence[int]],
    pad_id: int,
    normalise: bool,
    batch_size: int = 64,
    show_progress: bool = False,
) -> np.ndarray:
    """``[len(rows), hidden]``: each token-id row's mean-pooled state, in ``rows`` order."""
    out = np.zeros((len(rows), encoder.config.hidden_size), dtype=np.float32)
    model = _Pooled(encoder, normalise)
    for batch, vectors in forward_batches(
        model, rows, pad_id, batch_size, desc="pooled states", show_progress=show_progress
    ):
        out[batch] = vectors
    return out


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


def fit_probe(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per label column of ``y``: weights ``[hidden, labels]`` and biases ``[labels]``."""
    fitted = [fit_logistic(x, y[:, j]) for j in range(y.shape[1])]
    return np.stack([w for w, _ in fitted], 1), np.asarray([b for _, b in fitted], np.float32)
