import json
import os
from pathlib import Path

import pytest
from tiny import save_tiny_model

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never reach the Hub


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A 2-layer random BERT with a small Unigram tokenizer, saved as a HF directory."""
    return save_tiny_model(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture(scope="session")
def embedded_dir(tmp_path_factory) -> Path:
    """The real embedded encoder converted into a session cache (slow: about 10 s)."""
    from cronaca.training.embedded_encoder import embedded_model_dir

    return embedded_model_dir(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def tiny_predictor_dirs(tiny_model_dir, tmp_path_factory) -> tuple[Path, Path]:
    """Saved tiny entity and event-type models: ``(entities_dir, events_dir)``.

    The tagger leans towards B-LOC and every event threshold is 0, so even random weights
    produce entities and event types for the tests to check.
    """
    from transformers import (
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
    )

    from cronaca.inference.labels import EVENT_TYPES, bio_labels, label_maps

    out = tmp_path_factory.mktemp("models")
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    id2label, label2id = label_maps(bio_labels())
    tagger = AutoModelForTokenClassification.from_pretrained(
        tiny_model_dir, num_labels=7, id2label=id2label, label2id=label2id
    )
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
        json.dumps({"thresholds": {t: 0.0 for t in EVENT_TYPES}})
    )
    return out / "ner", out / "events"
