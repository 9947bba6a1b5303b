"""ONNX Runtime: the fast path on CPUs without bfloat16 instructions.

On such a CPU (AVX2 only, most laptops and many servers) PyTorch runs the encoder in fp32
eager mode. ONNX Runtime runs the same graph with fused kernels, and its dynamic int8
quantisation (int8 weights with per-channel scales, activations quantised per batch) uses
the integer dot-product instructions AVX2 and AVX-512 VNNI have. The recipe depends on the kind
of model (:data:`RECIPES`), each chosen on dev (``benchmarks/onnx_dev.py``): for entity models
every encoder matmul is int8; for event-type and joint models the attention and feed-forward
output projections (``*/output/dense/MatMul``), whose inputs carry outlier activations, stay
float, as in :mod:`.runtime`'s PyTorch int8.

A model is exported once (``torch.onnx.export``, dynamic batch and sequence axes), quantised
if asked, and cached under ``$CRONACA_CACHE/onnx`` (default ``~/.cache/cronaca/onnx``), keyed by
the weights file, its size and time, and the library versions: a retrained model, or a new
onnxruntime, gets a new export. The session sits behind :class:`OnnxModule`, which takes the
inputs and returns the outputs a transformers model does, so :func:`~.runtime.forward_outputs`
and everything above it (windows, decoding, thresholds) are unchanged: the outputs contract is
the PyTorch path's (tested: same entities, event scores within 0.02).

Needs the ``onnx`` extra (``pip install -e ".[onnx]"``: onnxruntime, onnx, onnxscript).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import warnings
from pathlib import Path
from types import SimpleNamespace

import torch

ONNX_PRECISIONS = ("fp32", "int8")
INPUTS = ("input_ids", "attention_mask")
OPSET = 17
# Per kind of model, the int8 recipe; its name is part of the cache key, so a change of the
# export or quantisation recipe gets a new export. Entities: every encoder matmul, measured
# on WN_dev at the CPU token budget (benchmarks/onnx_dev.py, quick model, 2026-12-05: -0.26
# points against fp32, 1.9x the speed of ONNX fp32); events and joint: the output projections
# stay float (their event head lost 1.2 dev points even with them float).
RECIPES = {"entities": "int8-matmul-all-v2", "events": "int8-matmul-v1", "joint": "int8-matmul-v1"}


def cache_root() -> Path:
    """cronaca's cache folder: ``$CRONACA_CACHE``, else ``$XDG_CACHE_HOME/cronaca`` or
    ``~/.cache/cronaca``."""
    root = os.environ.get("CRONACA_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "cronaca"
    )
    return Path(root)


def available() -> bool:
    """Whether onnxruntime (and the exporter's onnx) can be imported."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def _require() -> None:
    if not available():
        raise ImportError(
            "runtime 'onnx' needs onnxruntime and onnx: pip install -e \".[onnx]\" "
            "(or pip install onnxruntime onnx onnxscript)"
        )


class OnnxModule(torch.nn.Module):
    """An ONNX Runtime session with a transformers model's call: tensors in, an object whose
    attributes are the named outputs (as tensors) out. It has no parameters, so the code
    that runs it finds it on the CPU."""

    def __init__(self, session, config, outputs: tuple[str, ...]):
        super().__init__()
        self.session, self.config, self.outputs = session, config, outputs

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, **_) -> object:
        feed = {"input_ids": input_ids.numpy(), "attention_mask": attention_mask.numpy()}
        values = self.session.run(list(self.outputs), feed)
        return SimpleNamespace(**{n: torch.from_numpy(v) for n, v in zip(self.outputs, values)})


def output_dims(model: torch.nn.Module) -> dict[str, int]:
    """The tensor outputs of ``model`` and their number of dimensions (``logits``: 3 for a
    token classifier, 2 for a sequence classifier; the joint model adds ``event_logits``)."""
    ids = torch.tensor([[0, 5, 6, 2]])
    with torch.inference_mode():
        out = model(input_ids=ids, attention_mask=torch.ones_like(ids))
    return {k: v.dim() for k, v in out.items() if isinstance(v, torch.Tensor)}


def export(model: torch.nn.Module, path: Path) -> tuple[str, ...]:
    """``model`` (float32, eval) as an ONNX graph at ``path``; returns its output names."""
    dims = output_dims(model)
    ids = torch.tensor([[0, 5, 6, 7, 2], [0, 8, 2, 1, 1]])
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, *dims) if dims.get(name, 3) == 3}
    axes |= {name: {0: "batch"} for name, dim in dims.items() if dim == 2}
    with warnings.catch_warnings():  # the tracer's notes on shape arithmetic
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (ids, mask),
            str(path),
            input_names=list(INPUTS),
            output_names=list(dims),
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,  # the TorchScript exporter: node names keep the module paths
        )
    return tuple(dims)


def float_nodes(graph, recipe: str) -> list[str]:
    """The matmuls ``recipe`` leaves in float: under ``int8-matmul-v1`` the output projections
    (the heads are int8, as measured), under ``int8-matmul-all-v2`` the heads only."""
    matmuls = [n.name for n in graph.node if n.op_type == "MatMul"]
    if recipe == "int8-matmul-v1":
        return [name for name in matmuls if name.endswith("output/dense/MatMul")]
    return [name for name in matmuls if "/encoder/" not in name]


def quantise(source: Path, target: Path, recipe: str) -> None:
    """Dynamic int8 (per-channel weights) of the encoder's matmuls that ``recipe`` names."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source), load_external_data=False).graph
    keep_float = float_nodes(graph, recipe)
    quantize_dynamic(
        str(source),
        str(target),
        per_channel=True,
        weight_type=QuantType.QInt8,
        # not Gather (the embedding tables): measured on dev, it costs 0.8 WN_dev points and
        # 2.9 event dev points (benchmarks/onnx_dev.py, 2026-12-03)
        op_types_to_quantize=["MatMul"],
        nodes_to_exclude=keep_float,
    )


def cache_key(weights: Path, precision: str, recipe: str) -> str:
    import onnxruntime

    stat = weights.stat()
    parts = [str(weights.resolve()), str(stat.st_size), str(stat.st_mtime_ns), precision]
    parts += [torch.__version__, onnxruntime.__version__, str(OPSET), recipe]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def exported(
    model: torch.nn.Module, model_dir: Path, precision: str, kind: str = "entities"
) -> tuple[Path, tuple]:
    """The cached ONNX file of the model saved in ``model_dir`` at ``precision`` (exported, and
    quantised with ``kind``'s recipe, on first use; written aside and renamed, so a killed
    export leaves nothing), and its output names."""
    weights = next(iter(sorted(Path(model_dir).glob("*.safetensors"))), None)
    if weights is None:
        raise ValueError(f"{model_dir}: runtime 'onnx' needs safetensors weights to key its cache")
    recipe = RECIPES[kind]
    folder = cache_root() / "onnx" / cache_key(weights, precision, recipe)
    path = folder / "model.onnx"
    if not path.is_file():
        staging = folder.with_name(folder.name + ".writing")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            names = export(model, staging / "float.onnx")
            if precision == "int8":
                quantise(staging / "float.onnx", staging / "model.onnx", recipe)
                (staging / "float.onnx").unlink()
            else:
                (staging / "float.onnx").rename(staging / "model.onnx")
            (staging / "outputs.txt").write_text("\n".join(names) + "\n")
            shutil.rmtree(folder, ignore_errors=True)
            staging.rename(folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return path, tuple((folder / "outputs.txt").read_text().split())


def onnx_module(
    model: torch.nn.Module, model_dir: Path, precision: str, kind: str = "entities"
) -> OnnxModule:
    """``model`` (loaded from ``model_dir``, a ``kind`` of model) as an ONNX Runtime session at
    ``precision``."""
    _require()
    import onnxruntime

    if precision not in ONNX_PRECISIONS:
        raise ValueError(f"runtime 'onnx': precision {precision!r} is not one of fp32, int8")
    path, names = exported(model.float().eval(), Path(model_dir), precision, kind)
    config = model.config
    # the PyTorch weights are no longer needed: freed before the session is built, so the two
    # copies are never in memory together (the caller's module is left without weights)
    model.to("meta")
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()  # as PyTorch would use
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return OnnxModule(session, config, names)
