"""The Python API on tiny random models: order, empty texts, offsets, long texts, events."""

from pathlib import Path

import pytest

from cronaca.inference.predictor import Predictor
from cronaca.inference.words import word_spans

EXAMPLE = Path(__file__).resolve().parents[2] / "shared/data/examples/conflict-news-it.txt"
TEXT = (
    "Il JNIM ha attaccato una base ad Acharan. Raid aerei su Sha'Fah e Deir Ezzor.\n"
    "Migliaia in corteo a Roma."
)


@pytest.fixture(scope="module")
def predictor(tiny_predictor_dirs):
    return Predictor.from_pretrained(*tiny_predictor_dirs, device="cpu")


def test_outputs_line_up_with_inputs_and_empty_texts_keep_their_place(predictor):
    texts = [TEXT, "", "Roma.", "   ", TEXT[:40]]
    documents = predictor.predict(texts, batch_size=2)
    assert [d.text for d in documents] == texts
    assert documents[1].entities == () and documents[1].sentences == () and not documents[3].events
    single = predictor.predict([TEXT[:40]])[0]
    assert single == documents[4]  # the single-text call is the batch call's first item
    with pytest.raises(TypeError, match=r"wrap a single text as \[text\]"):
        predictor.predict(TEXT)


def test_entity_offsets_slice_the_original_text(predictor):
    text = EXAMPLE.read_text(encoding="utf-8") if EXAMPLE.is_file() else TEXT
    (document,) = predictor.predict([text])
    assert document.entities
    for entity in document.entities:
        assert text[entity.start : entity.end] == entity.text
        assert 0 <= entity.score <= 1
    for sentence in document.sentences:
        assert text[sentence.start : sentence.end].strip() == text[sentence.start : sentence.end]


def test_document_events_are_the_union_of_sentence_events(predictor):
    (document,) = predictor.predict([TEXT])
    assert len(document.sentences) == 3
    union = {e.label for s in document.sentences for e in s.events}
    assert {e.label for e in document.events} == union
    for event in document.events:
        support = document.sentences[event.sentence]
        assert event in support.events


def test_a_huge_text_is_never_truncated(predictor):
    sentence = "Raid aerei della coalizione su Hajin e Sha'Fah, decine di morti a Deir Ezzor. "
    text = sentence * (50_000 // len(sentence) + 1)
    assert len(text) > 50_000
    (document,) = predictor.predict([text])
    inside = [False] * len(text)
    for sentence_span in document.sentences:
        inside[sentence_span.start : sentence_span.end] = [True] * (
            sentence_span.end - sentence_span.start
        )
    # every character but whitespace between sentences belongs to a sentence
    assert all(inside[i] or c.isspace() for i, c in enumerate(text))
    assert max(e.end for e in document.entities) > 49_000  # entities found at the very end


def test_a_huge_sentence_without_boundaries_is_read_in_windows_to_its_end(predictor):
    words = "Hajin Bahrah Idlib Acharan Timbuktu Deir Ezzor".split()
    text = " ".join(words[i % len(words)] for i in range(9_000))  # one sentence, ~60,000 chars
    (document,) = predictor.predict([text])
    assert len(document.sentences) == 1
    assert len(document.entities) > 100
    assert document.entities[-1].end > len(text) - 100  # the last words were tagged too
    for entity in document.entities:
        assert text[entity.start : entity.end] == entity.text


def test_models_are_told_apart_by_their_config(tiny_predictor_dirs, tmp_path):
    ner, events = tiny_predictor_dirs
    both = Predictor.from_model_dirs([events, ner], device="cpu")
    assert both.tagger is not None and both.labeller is not None
    only_events = Predictor.from_model_dirs([events], device="cpu")
    assert only_events.tagger is None
    with pytest.raises(ValueError, match="two entities models"):
        Predictor.from_model_dirs([ner, ner], device="cpu")
    with pytest.raises(ValueError, match="no config.json"):
        Predictor.from_model_dirs([tmp_path], device="cpu")


def test_precision_choices_are_checked_against_the_device(tiny_predictor_dirs):
    ner, _ = tiny_predictor_dirs
    with pytest.raises(ValueError, match="GPUs"):
        Predictor.from_pretrained(ner, device="cpu", precision="fp16")
    with pytest.raises(ValueError, match="expected one of"):
        Predictor.from_pretrained(ner, device="cpu", precision="int4")


def test_int8_on_the_cpu_quantises_the_encoder_and_keeps_its_scores_close(
    tiny_predictor_dirs, predictor
):
    import numpy as np
    import torch

    ner, events = tiny_predictor_dirs
    quantised = Predictor.from_pretrained(ner, events, device="cpu", precision="int8")
    modules = dict(quantised.tagger.model.named_modules())
    quantised_names = {
        n for n, m in modules.items() if isinstance(m, torch.ao.nn.quantized.dynamic.Linear)
    }
    assert len(quantised_names) == 2 * 4  # per layer: query, key, value, FFN input
    assert all(not n.endswith("output.dense") for n in quantised_names)
    assert type(modules["classifier"]) is torch.nn.Linear  # outside the encoder: float
    sentences = [TEXT, "Roma e Milano."]
    words = [word_spans(sentence) for sentence in sentences]
    full = predictor.tagger.word_log_probs(sentences, words)
    small = quantised.tagger.word_log_probs(sentences, words)
    for a, b in zip(full, small):
        assert np.abs(np.exp(a) - np.exp(b)).max() < 0.05
    documents = quantised.predict(sentences)
    assert all(d.text[e.start : e.end] == e.text for d in documents for e in d.entities)
