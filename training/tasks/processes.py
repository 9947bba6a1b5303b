"""Data-parallel training: which rows of a step each process trains on.

A step's batch is built from the whole data set, the same on every process (seeded, length
grouped: :func:`.loop.epoch_batches`); under ``torchrun`` or ``accelerate launch`` with N
processes each one takes a strided share of it and DDP averages the gradients. So
``training.batch_tokens`` is the budget of one optimiser step, whatever the number of
processes: a config trains the same model on 1 or 8 processes (up to float rounding), and a
checkpoint resumes under another number of processes at the same place in the epoch.
"""

from __future__ import annotations

from collections.abc import Sequence


def process_share(
    batch: Sequence[int], lengths: Sequence[int], rank: int, world: int
) -> tuple[list[int], float]:
    """Process ``rank``'s rows of ``batch`` and the weight of its (mean) loss.

    Rows are dealt in length order, so every share pads to about the same width. DDP averages
    gradients over the processes, so a share's mean loss is weighted by ``world × its rows /
    the batch's rows``: the average is then the batch's row mean, as one process would compute.
    A process left without a row (a batch of fewer rows than processes) still runs one with
    weight 0, since every process must take part in each gradient exchange.
    """
    ordered = sorted(batch, key=lambda i: (lengths[i], i))
    share = ordered[rank::world]
    if not share:
        return [ordered[0]], 0.0
    return share, world * len(share) / len(ordered)
