"""ONNX Runtime behind the same outputs contract as PyTorch, its cache, and what ``auto``
chooses from the CPU's flags."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from cronaca.inference import onnx_runtime, runtime
from cronaca.inference.predictor import Predictor

pytestmark = pytest.mark.skipif(not onnx_runtime.available(), reason="needs onnxruntime")
EXAMPLE = Path(__file__).resolve().parents[2] / "shared/data/examples/conflict-news-it.txt"
TEXTS = [
    "I miliziani del JNIM hanno attaccato la base di Acharan. Due soldati sono morti.",
    "",
    "Raid aerei della coalizione su Hajin; le SDF avanzano verso Bahrah. " * 30,
]


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("CRONACA_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def texts() -> list[str]:
    return TEXTS + ([EXAMPLE.read_text(encoding="utf-8")] if EXAMPLE.is_file() else [])


def _compare(torch_docs, onnx_docs, tolerance: float) -> None:
    for a, b in zip(torch_docs, onnx_docs):
        assert [(e.start, e.end, e.label) for e in a.entities] == [
            (e.start, e.end, e.label) for e in b.entities
        ]
        for x, y in zip(a.sentences, b.sentences):
            assert [e.label for e in x.events] == [e.label for e in y.events]
            assert np.allclose(
                [e.score for e in x.events], [e.score for e in y.events], atol=tolerance
            )


def test_the_onnx_path_gives_the_pytorch_fp32_outputs(tiny_predictor_dirs):
    load = {"device": "cpu", "precision": "fp32"}
    reference = Predictor.from_pretrained(*tiny_predictor_dirs, runtime="torch", **load)
    exported = Predictor.from_pretrained(*tiny_predictor_dirs, runtime="onnx", **load)
    assert isinstance(exported.tagger.model, onnx_runtime.OnnxModule)
    assert isinstance(exported.labeller.model, onnx_runtime.OnnxModule)
    torch_docs, onnx_docs = reference.predict(texts()), exported.predict(texts())
    assert any(d.entities for d in torch_docs) and any(d.events for d in torch_docs)
    _compare(torch_docs, onnx_docs, 0.02)


def test_a_joint_model_runs_on_onnx_with_both_outputs(tmp_path, tiny_model_dir):
    from test_joint_model import joint_dir

    directory = joint_dir.__wrapped__(tiny_model_dir, _Factory(tmp_path))
    load = {"device": "cpu", "precision": "fp32"}
    reference = Predictor.from_models([directory], runtime="torch", **load)
    exported = Predictor.from_models([directory], runtime="onnx", **load)
    assert exported.tagger.model.outputs == ("logits", "event_logits")
    _compare(reference.predict(texts()), exported.predict(texts()), 0.02)


def test_the_export_is_cached_per_model_and_precision(tiny_predictor_dirs, cache):
    ner, _ = tiny_predictor_dirs
    Predictor.from_pretrained(entities=ner, device="cpu", precision="fp32", runtime="onnx")
    files = sorted(cache.glob("onnx/*/model.onnx"))
    assert len(files) == 1
    written = files[0].stat().st_mtime_ns
    Predictor.from_pretrained(entities=ner, device="cpu", precision="fp32", runtime="onnx")
    assert files[0].stat().st_mtime_ns == written  # loaded, not exported again
    quantised = Predictor.from_pretrained(
        entities=ner, device="cpu", precision="int8", runtime="onnx"
    )
    assert len(sorted(cache.glob("onnx/*/model.onnx"))) == 2
    assert len(quantised.predict(TEXTS)) == len(TEXTS)
    assert not list(cache.glob("onnx/*.writing"))


def _float_and_int8(cache: Path) -> tuple[set[str], set[str]]:
    import onnx

    (path,) = cache.glob("onnx/*/model.onnx")
    nodes = onnx.load(str(path)).graph.node
    integer = {n.name for n in nodes if n.op_type in ("MatMulInteger", "DynamicQuantizeMatMul")}
    return {n.name for n in nodes if n.op_type == "MatMul"}, integer


def test_int8_of_an_entity_model_quantises_every_encoder_matmul_not_the_head(
    tiny_predictor_dirs, cache
):
    ner, _ = tiny_predictor_dirs
    Predictor.from_pretrained(entities=ner, device="cpu", precision="int8", runtime="onnx")
    float_matmuls, integer = _float_and_int8(cache)
    assert not any("/encoder/" in name and name.endswith("dense/MatMul") for name in float_matmuls)
    assert any("output/dense/MatMul" in name for name in integer)
    assert any(name.startswith("/classifier/") for name in float_matmuls)


def test_int8_of_an_event_model_keeps_the_output_projections_in_float(tiny_predictor_dirs, cache):
    _, events = tiny_predictor_dirs
    Predictor.from_pretrained(events=events, device="cpu", precision="int8", runtime="onnx")
    float_matmuls, integer = _float_and_int8(cache)
    assert any(name.endswith("output/dense/MatMul") for name in float_matmuls)
    assert not any(name.endswith("query/MatMul") for name in float_matmuls)
    assert integer


@pytest.mark.parametrize(
    "bf16, kind, expected",
    [  # AVX2 only: what dev chose per kind (benchmarks/onnx_dev.py)
        (False, "entities", ("onnx", "int8")),
        (False, "events", ("torch", "fp32")),
        (False, "joint", ("torch", "fp32")),
        (True, "entities", ("torch", "bf16")),  # AVX512-BF16 / AMX: PyTorch in bfloat16
        (True, "events", ("torch", "bf16")),
    ],
)
def test_auto_chooses_from_the_cpu_flags(monkeypatch, bf16, kind, expected):
    flags = "flags : fpu sse avx avx2 fma" + (" avx512f avx512_bf16" if bf16 else "")
    monkeypatch.setattr(runtime, "_cpuinfo", lambda: f"processor : 0\n{flags}\n")
    runtime.cpu_has_bf16.cache_clear()
    device = "cpu"
    try:
        assert runtime.resolve_runtime("auto", "auto", torch.device(device), kind) == expected
        # an explicit precision, or runtime torch, keeps PyTorch
        assert runtime.resolve_runtime("auto", "fp32", torch.device(device)) == ("torch", "fp32")
        assert runtime.resolve_runtime("torch", "auto", torch.device(device))[0] == "torch"
    finally:
        runtime.cpu_has_bf16.cache_clear()


def test_auto_loads_the_entity_model_on_onnx_int8_on_a_cpu_without_bf16(
    tiny_predictor_dirs, monkeypatch
):
    monkeypatch.setattr(runtime, "cpu_has_bf16", lambda: False)
    predictor = Predictor.from_pretrained(*tiny_predictor_dirs, device="cpu")
    assert isinstance(predictor.tagger.model, onnx_runtime.OnnxModule)
    assert not isinstance(predictor.labeller.model, onnx_runtime.OnnxModule)
    assert len(predictor.predict(TEXTS)) == len(TEXTS)


def test_auto_without_onnxruntime_falls_back_to_pytorch_fp32(monkeypatch):
    monkeypatch.setattr(runtime, "cpu_has_bf16", lambda: False)
    monkeypatch.setattr(onnx_runtime, "available", lambda: False)
    assert runtime.resolve_runtime("auto", "auto", torch.device("cpu")) == ("torch", "fp32")


def test_onnx_refuses_what_it_cannot_run():
    with pytest.raises(ValueError, match="precision 'bf16' is not one of fp32, int8"):
        runtime.resolve_runtime("onnx", "bf16", torch.device("cpu"))
    with pytest.raises(ValueError, match="runtime 'onnx' runs on the CPU"):
        runtime.resolve_runtime("onnx", "auto", torch.device("cuda"))
    with pytest.raises(ValueError, match="runtime 'tensorrt'"):
        runtime.resolve_runtime("tensorrt", "auto", torch.device("cpu"))
    with pytest.raises(ValueError, match="kind 'pos'"):
        runtime.resolve_runtime("auto", "auto", torch.device("cpu"), "pos")


class _Factory:
    def __init__(self, root: Path):
        self.root = root

    def mktemp(self, name: str) -> Path:
        path = self.root / name
        path.mkdir()
        return path
