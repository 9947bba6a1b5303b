"""Running a model over windows: device, numeric precision, length-sorted batches.

The one forward loop of inference, shared by the entity tagger and the event labeller:
windows are sorted by length and cut into batches of at most ``batch_size`` rows and
``batch_tokens`` padded tokens, each padded only to its own longest row, and run under
``torch.inference_mode``. The token budget depends on the device (:func:`batch_token_budget`):
on a CPU small batches are faster, on a GPU large ones.

Precision (``precision=``):

- ``"auto"``: bfloat16 on a GPU that supports it (float16 on older ones); on the CPU, bfloat16
  where the cores have bfloat16 instructions (AVX512-BF16 or AMX; read from /proc/cpuinfo),
  elsewhere (where bfloat16 is emulated and slow) float32, or, with ``runtime="auto"`` and
  onnxruntime installed, what :data:`NO_BF16_AUTO` names for the kind of model (ONNX Runtime
  int8 for entity models: :mod:`.onnx_runtime`);
- ``"fp32"``, ``"bf16"``, ``"fp16"``: as named (``fp16`` on GPUs only);
- ``"int8"``: CPU only. Dynamic quantisation (int8 weights with per-channel scales, activations
  quantised per batch) of the encoder's linear layers *except* the attention and feed-forward
  output projections, whose inputs carry outlier activations: quantising every linear layer
  cost 3.4 F1 points on WN_dev, this recipe none (``benchmarks/quantisation_dev.py``). For CPUs
  without bfloat16 instructions; the speed-up is modest (1.0-1.4x over fp32).

Runtime (``runtime=``): ``"torch"``, ``"onnx"`` (CPU: fp32 or int8, :mod:`.onnx_runtime`) or
``"auto"`` (see :func:`resolve_runtime`).

BENCHMARKS.md records F1 and speed of each against float32, chosen on WN_dev, checked on WN_test.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from .batching import budget_batches, pad_batch

PRECISIONS = ("auto", "fp32", "bf16", "fp16", "int8")
RUNTIMES = ("auto", "torch", "onnx")
# What runtime "auto" with precision "auto" runs on a CPU without bfloat16 instructions (when
# onnxruntime is installed), per kind of model: the fastest path whose dev F1 stays within 0.5
# points of PyTorch fp32 (benchmarks/onnx_dev.py, BENCHMARKS.md). Entities: ONNX int8 (-0.3
# points on WN_dev, 1.5x); event types: ONNX int8 costs 0.7 points of dev macro-F1 and ONNX
# fp32 is no faster than PyTorch's, so PyTorch fp32; the joint model has both heads: fp32.
NO_BF16_AUTO = {
    "entities": ("onnx", "int8"),
    "events": ("torch", "fp32"),
    "joint": ("torch", "fp32"),
}
KINDS = tuple(NO_BF16_AUTO)


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
            return "bf16" if device.type == "cpu" and cpu_has_bf16() else "fp32"
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if precision == "int8" and device.type != "cpu":
        raise ValueError("precision 'int8' (dynamic quantisation) runs on the CPU only")
    if precision == "fp16" and device.type == "cpu":
        raise ValueError("precision 'fp16' is for GPUs; on the CPU use fp32, int8 or bf16")
    return precision


def resolve_runtime(
    runtime: str, precision: str, device: torch.device | str = "cpu", kind: str = "entities"
) -> tuple[str, str]:
    """``(runtime, precision)`` a model of ``kind`` (``entities``, ``events``, ``joint``) runs
    with. ``runtime="auto"`` with ``precision="auto"`` takes :data:`NO_BF16_AUTO` on a CPU
    without bfloat16 instructions when onnxruntime is installed (:mod:`.onnx_runtime`), PyTorch
    everywhere else; an explicit precision keeps PyTorch unless ``runtime="onnx"`` is asked
    for (then ``auto`` means fp32)."""
    from . import onnx_runtime

    if runtime not in RUNTIMES:
        raise ValueError(f"runtime {runtime!r}: expected one of {', '.join(RUNTIMES)}")
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    target = resolve_device(device) if isinstance(device, str) else device
    if runtime == "onnx":
        if target.type != "cpu":
            raise ValueError("runtime 'onnx' runs on the CPU; on a GPU use runtime 'torch'")
        chosen = "fp32" if precision == "auto" else precision
        if chosen not in onnx_runtime.ONNX_PRECISIONS:
            raise ValueError(f"runtime 'onnx': precision {precision!r} is not one of fp32, int8")
        return "onnx", chosen
    no_bf16_cpu = target.type == "cpu" and not cpu_has_bf16()
    if runtime == "auto" and precision == "auto" and no_bf16_cpu and onnx_runtime.available():
        return NO_BF16_AUTO[kind]
    return "torch", resolve_precision(precision, target)


def _cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""


def cpu_flags() -> list[str]:
    """The CPU's vector-instruction flags (``avx*``, ``amx*``) from /proc/cpuinfo, sorted: what
    decides the precision here, and what every benchmark records (empty off Linux)."""
    line = next((x for x in _cpuinfo().splitlines() if x.startswith("flags")), "")
    return sorted({f for f in line.split(":", 1)[-1].split() if f.startswith(("avx", "amx"))})


@lru_cache(maxsize=1)
def cpu_has_bf16() -> bool:
    """Whether this CPU computes in bfloat16 natively (Linux; elsewhere: assume not)."""
    return bool({"avx512_bf16", "amx_bf16"} & set(cpu_flags()))


def int8_layers(model: torch.nn.Module) -> set[str]:
    """The linear layers ``int8`` quantises: the encoder's query/key/value and FFN input
    projections; the attention and FFN output projections (``*.output.dense``) stay float."""
    return {
        name
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear)
        and ".encoder." in f".{name}."
        and not name.endswith("output.dense")
    }


def prepare(
    model: torch.nn.Module,
    device: str = "auto",
    precision: str = "auto",
    runtime: str = "torch",
    source: str | Path | None = None,
    kind: str = "entities",
):
    """The model on its device, in eval mode, at the asked precision; with ONNX Runtime
    (``runtime``, see :func:`resolve_runtime`; ``kind`` is what ``auto`` chooses for) a
    session behind the same call, exported from the model saved in ``source``."""
    target = resolve_device(device)
    engine, chosen = resolve_runtime(runtime, precision, target, kind)
    if engine == "onnx":
        if source is None:
            raise ValueError("runtime 'onnx' needs the saved model's directory (source)")
        from .onnx_runtime import onnx_module

        return onnx_module(model.eval(), Path(source), chosen, kind)
    model = model.to(target).eval()
    if chosen == "int8":
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        with warnings.catch_warnings():
            # torch >= 2.10 marks eager quantisation deprecated in favour of torchao; it is
            # still the one int8 path that needs no compiler on the CPU (torch 2.13 pinned)
            warnings.simplefilter("ignore", category=DeprecationWarning)
            warnings.simplefilter("ignore", category=UserWarning)
            spec = {name: per_channel_dynamic_qconfig for name in int8_layers(model)}
            # in place: a copy would hold the float and the int8 model at once (+150 MB peak)
            model = quantize_dynamic(model, spec, inplace=True)
    elif chosen in ("bf16", "fp16"):
        model = model.to(torch.bfloat16 if chosen == "bf16" else torch.float16)
    return model


PICKLE_WEIGHTS = ("*.bin", "*.pt", "*.pth", "*.ckpt", "*.pkl")


def load_pretrained(auto_class, path: str | Path, allow_pickle: bool = False, **kwargs):
    """``auto_class.from_pretrained(path)`` from safetensors weights only: a pickle checkpoint
    (``pytorch_model.bin``, ``*.pt``) can run code when loaded, so a directory holding nothing
    else is refused unless ``allow_pickle`` (then transformers reads it with
    ``torch.load(weights_only=True)``)."""
    folder = Path(path)
    if folder.is_dir() and not any(folder.glob("*.safetensors")):
        pickles = sorted(p.name for pattern in PICKLE_WEIGHTS for p in folder.glob(pattern))
        if pickles and not allow_pickle:
            raise ValueError(
                f"{folder}: only pickle weights ({', '.join(pickles)}), which can run code "
                "when loaded; cronaca loads safetensors. Re-save the model with "
                "save_pretrained() (safetensors is its default), or pass allow_pickle=True "
                "for a file you trust"
            )
        if pickles:
            return auto_class.from_pretrained(str(path), use_safetensors=False, **kwargs)
    return auto_class.from_pretrained(str(path), use_safetensors=True, **kwargs)


def load_for_inference(
    auto_class,
    path: str | Path,
    device: str = "auto",
    precision: str = "auto",
    allow_pickle: bool = False,
    runtime: str = "auto",
    kind: str = "entities",
):
    """``(model, tokenizer, settings)`` of the model saved in ``path``, ready to run: loaded
    with ``auto_class`` (:func:`load_pretrained`), then :func:`prepare`-d for ``kind``."""
    from transformers import AutoTokenizer

    from .settings import ModelSettings

    loaded = load_pretrained(auto_class, path, allow_pickle)
    model = prepare(loaded, device, precision, runtime, path, kind)
    return model, AutoTokenizer.from_pretrained(str(path)), ModelSettings.load(path)


def model_device(model: torch.nn.Module) -> torch.device:
    for tensor in (*model.parameters(), *model.buffers()):
        return tensor.device
    return torch.device("cpu")  # a fully quantised model has neither: it runs on the CPU


# Padded tokens per forward pass. On the CPU a batch that stays in the caches beats a wide one:
# on 20-sentence articles, 512 tokens ran 1.28x faster than 16,384 on ONNX Runtime int8 (and
# 0.5 F1 points higher: its activations are quantised per batch), 1.05x on PyTorch fp32 and
# the same in bf16 (2,048: 1.08x), with 9-20 % less peak memory (benchmarks/token_budget.py,
# 1 thread, 2026-12-03). A GPU wants the wide batches.
CPU_BATCH_TOKENS = 512
GPU_BATCH_TOKENS = 16384


def batch_token_budget(device: torch.device) -> int:
    """The default padded-token budget of one forward pass on ``device``."""
    return CPU_BATCH_TOKENS if device.type == "cpu" else GPU_BATCH_TOKENS


def forward_batches(
    model: torch.nn.Module,
    rows: Sequence[Sequence[int]],
    pad_id: int,
    batch_size: int = 32,
    batch_tokens: int | None = None,
    desc: str = "batches",
    show_progress: bool = False,
) -> Iterator[tuple[list[int], np.ndarray]]:
    """``(row indices, float32 logits)`` per batch, batches in length order.

    ``batch_tokens``: padded tokens per pass (default: :func:`batch_token_budget`).
    Logits are ``[rows, width, labels]`` for token classification and ``[rows, labels]`` for
    sequence classification; row ``k`` of a batch is ``rows[indices[k]]``.
    """
    for batch, outputs in forward_outputs(
        model, rows, pad_id, ("logits",), batch_size, batch_tokens, desc, show_progress
    ):
        yield batch, outputs["logits"]


def forward_outputs(
    model: torch.nn.Module,
    rows: Sequence[Sequence[int]],
    pad_id: int,
    names: Sequence[str],
    batch_size: int = 32,
    batch_tokens: int | None = None,
    desc: str = "batches",
    show_progress: bool = False,
) -> Iterator[tuple[list[int], dict[str, np.ndarray]]]:
    """:func:`forward_batches` for a model with several outputs (the joint model's token and
    event logits): ``(row indices, {name: float32 array})`` per batch, from one forward pass."""
    device = model_device(model)
    budget = batch_tokens or batch_token_budget(device)
    batches = budget_batches([len(row) for row in rows], budget, max_batch_size=batch_size)
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            for batch in tqdm(batches, desc=desc, unit="batch", disable=not show_progress):
                inputs = pad_batch([rows[i] for i in batch], pad_id)
                output = model(**{k: v.to(device) for k, v in inputs.items()})
                yield batch, {name: getattr(output, name).float().cpu().numpy() for name in names}
    finally:
        model.train(was_training)
