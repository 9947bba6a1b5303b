"""Length-sorted batches under a token budget, padded only to their own longest row.

Sorting before batching is what makes padding cheap: a batch of similar lengths wastes
little compute on pad tokens. The budget counts padded tokens (rows × longest row).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch


def budget_batches(
    lengths: Sequence[int], batch_tokens: int, max_batch_size: int
) -> list[list[int]]:
    """Indices grouped in length order, each group's padded size within ``batch_tokens``.

    A single row longer than the budget still gets a batch of its own.
    """
    order = np.argsort(np.asarray(lengths), kind="stable")
    batches, current, longest = [], [], 0
    for index in order.tolist():
        width = max(longest, lengths[index])
        if current and (
            width * (len(current) + 1) > batch_tokens or len(current) >= max_batch_size
        ):
            batches.append(current)
            current, width = [], lengths[index]
        current.append(index)
        longest = width
    if current:
        batches.append(current)
    return batches


def pad_batch(
    rows: Sequence[Sequence[int]], pad_id: int, labels: Sequence[Sequence[int]] | None = None
) -> dict[str, torch.Tensor]:
    """``input_ids``/``attention_mask`` (and ``labels`` padded with -100) as tensors."""
    width = max(len(row) for row in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.as_tensor(row)
        mask[i, : len(row)] = 1
    batch = {"input_ids": ids, "attention_mask": mask}
    if labels is not None:
        padded = torch.full((len(rows), width), -100, dtype=torch.long)
        for i, row in enumerate(labels):
            padded[i, : len(row)] = torch.as_tensor(row)
        batch["labels"] = padded
    return batch
