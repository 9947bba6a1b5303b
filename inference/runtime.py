"""Running a model over windows: device, numeric precision, length-sorted batches.

The one forward loop of inference, shared by the entity tagger and the event labeller:
windows are sorted by length and cut into batches of at most ``batch_size`` rows and
``batch_tokens`` padded tokens, each padded only to its own longest row, and run under
``torch.inference_mode``.

Precision (``precision=``):

- ``"auto"``: bfloat16 on a GPU that supports it (float16 on older ones), float32 on the CPU;
- ``"fp32"``, ``"bf16"``, ``"fp16"``: as named (half precision only on a GPU);
- ``"int8"``: CPU only. Dynamic quantisation of every ``Linear`` layer (weights stored as int8,
  activations quantised per batch on the fly): the encoder's matrix products run on int8
  kernels. BENCHMARKS.md records its F1 against float32 on KIND WN_test.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence

import numpy as np
import torch
from tqdm.auto import tqdm

from .batching import budget_batches, pad_batch

PRECISIONS = ("auto", "fp32", "bf16", "fp16", "int8")


def resolve_device(device: str = "auto") -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    resolved = torch.device(device)
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} asked for, but no CUDA GPU is available")
    return resolved


def resolve_precision(precision: str, device: torch.device) -> str:
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")
    if precision == "auto":
        if device.type != "cuda":
            return "fp32"
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if precision == "int8" and device.type != "cpu":
        raise ValueError("precision 'int8' (dynamic quantisation) runs on the CPU only")
    if precision in ("bf16", "fp16") and device.type == "cpu":
        raise ValueError(f"precision {precision!r} is for GPUs; on the CPU use fp32 or int8")
    return precision


def prepare(model: torch.nn.Module, device: str = "auto", precision: str = "auto"):
    """The model on its device, in eval mode, at the asked precision."""
    target = resolve_device(device)
    chosen = resolve_precision(precision, target)
    model = model.to(target).eval()
    if chosen == "int8":
        from torch.ao.quantization import quantize_dynamic

        with warnings.catch_warnings():
            # torch >= 2.10 marks eager quantisation deprecated in favour of torchao; it is
            # still the one int8 path that needs no compiler on the CPU (torch 2.13 pinned)
            warnings.simplefilter("ignore", category=DeprecationWarning)
            warnings.simplefilter("ignore", category=UserWarning)
            model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    elif chosen in ("bf16", "fp16"):
        model = model.to(torch.bfloat16 if chosen == "bf16" else torch.float16)
    return model


def model_device(model: torch.nn.Module) -> torch.device:
    for tensor in (*model.parameters(), *model.buffers()):
        return tensor.device
    return torch.device("cpu")  # a fully quantised model has neither: it runs on the CPU


def forward_batches(
    model: torch.nn.Module,
    rows: Sequence[Sequence[int]],
    pad_id: int,
    batch_size: int = 32,
    batch_tokens: int = 16384,
    desc: str = "batches",
    show_progress: bool = False,
) -> Iterator[tuple[list[int], np.ndarray]]:
    """``(row indices, float32 logits)`` per batch, batches in length order.

    Logits are ``[rows, width, labels]`` for token classification and ``[rows, labels]`` for
    sequence classification; row ``k`` of a batch is ``rows[indices[k]]``.
    """
    device = model_device(model)
    batches = budget_batches([len(row) for row in rows], batch_tokens, max_batch_size=batch_size)
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            for batch in tqdm(batches, desc=desc, unit="batch", disable=not show_progress):
                inputs = pad_batch([rows[i] for i in batch], pad_id)
                logits = model(**{k: v.to(device) for k, v in inputs.items()}).logits
                yield batch, logits.float().cpu().numpy()
    finally:
        model.train(was_training)
