"""Event-type classifier end to end on a tiny model, and the threshold tuning."""

import json
from pathlib import Path

import numpy as np

from cronaca.inference.event_labeller import ModelEventLabeller
from cronaca.inference.labels import EVENT_TYPES
from cronaca.inference.words import word_spans
from cronaca.training.config import load_config
from cronaca.training.corpora import Sentence
from cronaca.training.event_task import EventTask, tune_thresholds
from cronaca.training.loop import fit

TEXTS = [
    ("Raid aerei della coalizione su Hajin, dieci morti.", ["explosion_remote_violence"]),
    ("Migliaia di persone in corteo a Roma contro la guerra.", ["protest"]),
    ("Scontri tra manifestanti e polizia a Tbilisi, auto incendiate.", ["riot"]),
    ("Il presidente ha incontrato il ministro a Bruxelles.", []),
    ("Le SDF spostano i check point e ricevono rinforzi.", ["strategic_development"]),
    ("Il JNIM ha attaccato e conquistato una base militare.", ["battle"]),
]


def record(i: int, text: str, labels: list[str], split: str) -> Sentence:
    spans = word_spans(text)
    return Sentence(
        id=f"test:{split}:{i}",
        text=text,
        tokens=tuple(text[s:e] for s, e in spans),
        offsets=tuple(spans),
        tags=None,
        events=tuple(labels),
        meta={"split": split},
    )


def test_thresholds_maximise_each_types_f1():
    gold = np.array([[1, 0], [1, 0], [0, 1], [0, 0]])
    probabilities = np.array([[0.3, 0.9], [0.35, 0.2], [0.1, 0.8], [0.2, 0.1]])
    thresholds = tune_thresholds(gold, probabilities)
    # type 0: any threshold in (0.2, 0.3] separates the positives (0.3, 0.35) from 0.2 and 0.1
    assert 0.2 < thresholds[0] <= 0.3
    # type 1: positives only at 0.8; 0.9 is a false positive whatever the threshold below 0.9
    assert 0.2 < thresholds[1] <= 0.8


def test_event_classifier_trains_saves_and_labels_documents(tmp_path, tiny_model_dir):
    records = [record(i, t, labels, "train") for i, (t, labels) in enumerate(TEXTS * 4)]
    records += [record(100 + i, t, labels, "dev") for i, (t, labels) in enumerate(TEXTS)]
    settings = {
        "task": "events",
        "base_model": str(tiny_model_dir),
        "output_dir": str(tmp_path / "run"),
        "labels": list(EVENT_TYPES),
        "training.epochs": 2,
        "training.learning_rate": 1e-3,
        "training.precision": "fp32",
        "training.freeze_word_embeddings": False,
    }
    config = load_config(None, overrides=[f"{k}={json.dumps(v)}" for k, v in settings.items()])
    task = EventTask(config, records)
    assert task.summary["train_records"] == 24 and task.summary["dev_records"] == 6
    assert float(task.pos_weight.max()) <= 10.0  # rare types weigh more, capped
    result = fit(task, config)
    assert len(result["history"]) == 2
    model_dir = Path(config.output_dir) / "model"
    saved = json.loads((model_dir / "cronaca.json").read_text())
    assert set(saved["thresholds"]) == set(settings["labels"])

    labeller = ModelEventLabeller.from_pretrained(model_dir, device="cpu")
    document = TEXTS[0][0] + "\n" + TEXTS[1][0]
    (sentences, empty) = labeller.sentence_events([document, ""])
    assert empty == [] and len(sentences) == 2
    assert document[sentences[1].start : sentences[1].end] == TEXTS[1][0]
    (scores,) = labeller.event_scores([document])
    # the document's types are the union of its sentences', each with its best sentence's score
    union = {label for s in sentences for label in s.labels}
    assert set(scores) == union
    for label, score in scores.items():
        assert score == max(s.scores[label] for s in sentences if label in s.labels)
