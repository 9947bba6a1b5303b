from types import SimpleNamespace

import torch

from cronaca.inference.batching import budget_batches, pad_batch
from cronaca.inference.runtime import (
    CPU_BATCH_TOKENS,
    GPU_BATCH_TOKENS,
    batch_token_budget,
    forward_batches,
)


def test_budget_batches_cover_every_row_once_within_budget():
    lengths = [5, 40, 7, 33, 12, 12, 90, 3, 64, 20]
    batches = budget_batches(lengths, batch_tokens=100, max_batch_size=4)
    flat = sorted(i for batch in batches for i in batch)
    assert flat == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= 4
        width = max(lengths[i] for i in batch)
        assert width * len(batch) <= 100 or len(batch) == 1


def test_pad_batch_masks_and_ignores_padding():
    batch = pad_batch([[5, 6, 7], [8]], pad_id=1, labels=[[0, 1, 0], [2]])
    assert batch["input_ids"].tolist() == [[5, 6, 7], [8, 1, 1]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert batch["labels"].tolist() == [[0, 1, 0], [2, -100, -100]]


class _Recorder(torch.nn.Module):
    """A stand-in model that records the shape of every batch it is given."""

    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(1))
        self.shapes = []

    def forward(self, input_ids, attention_mask):
        self.shapes.append(tuple(input_ids.shape))
        return SimpleNamespace(logits=torch.zeros(*input_ids.shape, 2))


def test_cpu_batches_stay_within_the_cpu_token_budget():
    model = _Recorder()
    rows = [[7] * 100 for _ in range(20)]
    covered = sorted(i for batch, _ in forward_batches(model, rows, pad_id=1) for i in batch)
    assert covered == list(range(20))
    assert batch_token_budget(torch.device("cpu")) == CPU_BATCH_TOKENS
    assert all(rows_ * width <= CPU_BATCH_TOKENS for rows_, width in model.shapes)
    assert len(model.shapes) == -(-20 // (CPU_BATCH_TOKENS // 100))
    model.shapes.clear()
    list(forward_batches(model, rows, pad_id=1, batch_tokens=100_000))  # an explicit budget wins
    assert model.shapes == [(20, 100)]


def test_gpu_budget_is_the_wide_one():
    assert batch_token_budget(torch.device("cuda", 0)) == GPU_BATCH_TOKENS > CPU_BATCH_TOKENS
