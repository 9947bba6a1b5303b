"""The Python API on tiny random models: order, empty texts, offsets, long texts, events."""

import json
from pathlib import Path

import pytest

from cronaca.inference.labels import EVENT_TYPES, bio_labels, label_maps
from cronaca.inference.predictor import Predictor

EXAMPLE = Path(__file__).resolve().parents[2] / "shared/data/examples/conflict-news-it.txt"
TEXT = (
    "Il JNIM ha attaccato una base ad Acharan. Raid aerei su Sha'Fah e Deir Ezzor.\n"
    "Migliaia in corteo a Roma."
)


@pytest.fixture(scope="module")
def predictor(tiny_model_dir, tmp_path_factory):
    from transformers import (
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
    )

    out = tmp_path_factory.mktemp("models")
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    id2label, label2id = label_maps(bio_labels())
    tagger = AutoModelForTokenClassification.from_pretrained(
        tiny_model_dir, num_labels=7, id2label=id2label, label2id=label2id
    )
    # a strong bias towards B-LOC makes the random model find entities to check
    tagger.classifier.bias.data[label2id["B-LOC"]] = 3.0
    id2event, event2id = label_maps(list(EVENT_TYPES))
    classifier = AutoModelForSequenceClassification.from_pretrained(
        tiny_model_dir,
        num_labels=6,
        id2label=id2event,
        label2id=event2id,
        problem_type="multi_label_classification",
    )
    for model, name in ((tagger, "ner"), (classifier, "events")):
        model.save_pretrained(out / name)
        tokenizer.save_pretrained(out / name)
    (out / "events" / "cronaca.json").write_text(
        json.dumps({"thresholds": {t: 0.0 for t in EVENT_TYPES}})  # every type fires
    )
    return Predictor.from_pretrained(out / "ner", out / "events", device="cpu")


def test_outputs_line_up_with_inputs_and_empty_texts_keep_their_place(predictor):
    texts = [TEXT, "", "Roma.", "   ", TEXT[:40]]
    documents = predictor.predict(texts, batch_size=2)
    assert [d.text for d in documents] == texts
    assert documents[1].entities == () and documents[1].sentences == () and not documents[3].events
    single = predictor.predict([TEXT[:40]])[0]
    assert single == documents[4]  # the single-text call is the batch call's first item


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
