"""Event-type classifier end to end on a tiny model, and the threshold tuning."""

import json
from pathlib import Path

import numpy as np
import pytest

from cronaca.inference.decisions import decide, resolve_thresholds
from cronaca.inference.event_labeller import ModelEventLabeller
from cronaca.inference.labels import EVENT_TYPES
from cronaca.inference.words import word_spans
from cronaca.training.config import load_config
from cronaca.training.data.records import Sentence
from cronaca.training.tasks.events import EventTask, tune_thresholds
from cronaca.training.tasks.loop import fit
from cronaca.training.tasks.train import train

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


def tiny_records() -> list[Sentence]:
    """Four copies of TEXTS to train on, one to tune thresholds on."""
    records = [record(i, t, labels, "train") for i, (t, labels) in enumerate(TEXTS * 4)]
    return records + [record(100 + i, t, labels, "dev") for i, (t, labels) in enumerate(TEXTS)]


def tiny_config(tiny_model_dir, output_dir, **extra):
    """An event config on the tiny model, fp32, two epochs: ``extra`` keys override."""
    settings = {
        "task": "events",
        "base_model": str(tiny_model_dir),
        "output_dir": str(output_dir),
        "labels": list(EVENT_TYPES),
        "training.epochs": 2,
        "training.learning_rate": 1e-3,
        "training.precision": "fp32",
        "training.freeze_word_embeddings": False,
    } | extra
    return load_config(None, overrides=[f"{k}={json.dumps(v)}" for k, v in settings.items()])


def test_thresholds_maximise_each_types_f1():
    gold = np.array([[1, 0], [1, 0], [0, 1], [0, 0]])
    probabilities = np.array([[0.3, 0.9], [0.35, 0.2], [0.1, 0.8], [0.2, 0.1]])
    thresholds = tune_thresholds(gold, probabilities)
    # type 0: any threshold in (0.2, 0.3] separates the positives (0.3, 0.35) from 0.2 and 0.1
    assert 0.2 < thresholds[0] <= 0.3
    # type 1: positives only at 0.8; 0.9 is a false positive whatever the threshold below 0.9
    assert 0.2 < thresholds[1] <= 0.8


def test_event_classifier_trains_saves_and_labels_documents(tmp_path, tiny_model_dir):
    config = tiny_config(tiny_model_dir, tmp_path / "run")
    task = EventTask(config, tiny_records())
    assert task.summary["train_records"] == 24 and task.summary["dev_records"] == 6
    assert float(task.pos_weight.max()) <= 10.0  # rare types weigh more, capped
    result = fit(task, config)
    assert len(result["history"]) == 2
    model_dir = Path(config.output_dir) / "model"
    saved = json.loads((model_dir / "cronaca.json").read_text())
    assert set(saved["thresholds"]) == set(EVENT_TYPES)

    assert saved["prefix"] == config.features.prefix
    config_json = json.loads((model_dir / "config.json").read_text())
    assert config_json["model_type"] == "cronaca_bert_mean_pooling"  # e5's own pooling

    # fp32: on CPUs with bf16 "auto" would score in bf16, and the reload below is fp32
    labeller = ModelEventLabeller.from_pretrained(model_dir, device="cpu", precision="fp32")
    document = TEXTS[0][0] + "\n" + TEXTS[1][0]
    (sentences, empty) = labeller.sentence_events([document, ""])
    assert empty == [] and len(sentences) == 2
    assert document[sentences[1].start : sentences[1].end] == TEXTS[1][0]
    for sentence in sentences:  # every type scored; labels are the types at their threshold
        assert set(sentence.scores) == set(EVENT_TYPES)
        assert set(sentence.labels) == set(decide(sentence.scores, labeller.thresholds))
    (scores,) = labeller.event_scores([TEXTS[1][0]])
    # a unit scores the same alone or inside a document: the same windows, only batched with
    # others (padded wider), which changes fp32 matmul blocking in the 7th decimal (seen about
    # once in ten runs); outputs are rounded to 4 decimals, so 1e-6 is far below any decision
    assert scores.keys() == sentences[1].scores.keys()
    assert all(abs(scores[t] - sentences[1].scores[t]) < 1e-6 for t in EVENT_TYPES)

    # the saved model reloads by the documented transformers call and gives the same scores
    from transformers import AutoModelForSequenceClassification

    import cronaca.inference.event_model  # noqa: F401

    reloaded = AutoModelForSequenceClassification.from_pretrained(model_dir)
    again = ModelEventLabeller(
        reloaded, labeller.tokenizer, labeller.thresholds, prefix=labeller.prefix
    )
    (same,) = again.event_scores([TEXTS[1][0]])
    assert all(abs(same[t] - scores[t]) < 1e-5 for t in EVENT_TYPES)


def test_probe_start_fits_the_training_windows_before_any_update(tmp_path, tiny_model_dir):
    records = tiny_records()
    config = tiny_config(tiny_model_dir, tmp_path / "run", **{"training.probe_init": True})
    task = EventTask(config, records)
    labeller = task.labeller(task.model)
    scores = labeller.event_scores([r.text for r in records[:6]])
    predicted = [{t for t, p in row.items() if p >= 0.5} for row in scores]
    # a random head would get these wrong; the probe's weights reproduce the training labels
    assert predicted == [set(r.events) for r in records[:6]]
    with pytest.raises(ValueError, match="probe_init"):
        load_config(
            None, overrides=["task=events", "pooling=cls_pooler", "training.probe_init=true"]
        )


def test_decide_applies_thresholds_and_refuses_unknown_types():
    thresholds = dict.fromkeys(EVENT_TYPES, 0.5) | {"riot": 0.2}
    scores = dict.fromkeys(EVENT_TYPES, 0.3) | {"battle": 0.7}
    assert decide(scores, thresholds) == {"battle": 0.7, "riot": 0.3}
    lowered = resolve_thresholds(EVENT_TYPES, thresholds, 0.25)  # an override beats saved ones
    assert set(decide(scores, lowered)) == set(EVENT_TYPES)
    with pytest.raises(ValueError, match="unknown event types"):
        resolve_thresholds(EVENT_TYPES, thresholds, {"war": 0.1})
    with pytest.raises(ValueError, match="no threshold"):
        decide({"war": 0.9}, thresholds)


def test_mean_pooling_ignores_padding():
    import torch

    from cronaca.inference.event_model import mean_pool

    hidden = torch.randn(1, 3, 4)
    padded = torch.cat([hidden, torch.randn(1, 5, 4) * 100], dim=1)  # huge values at padding
    short = mean_pool(hidden, torch.ones(1, 3))
    long = mean_pool(padded, torch.tensor([[1, 1, 1, 0, 0, 0, 0, 0]]))
    assert torch.allclose(short, long) and torch.allclose(short, hidden.mean(1))
    assert torch.equal(mean_pool(hidden, torch.zeros(1, 3)), torch.zeros(1, 4))  # no NaN


def test_same_seed_same_scores(tmp_path, tiny_model_dir):
    """Two runs of the event task with the same seed: the same losses, dev scores, thresholds
    and weights (tests/test_train.py checks the same for the entity task)."""
    records = tiny_records()

    def run(name: str):
        config = tiny_config(tiny_model_dir, tmp_path / name)
        result = train(config, records=records)  # the entry point: it seeds, as `cronaca train`
        model_dir = Path(config.output_dir) / "model"
        return result, json.loads((model_dir / "cronaca.json").read_text()), model_dir

    (first, saved_a, dir_a), (second, saved_b, dir_b) = run("a"), run("b")
    assert [h["loss"] for h in first["history"]] == [h["loss"] for h in second["history"]]
    assert first["history"] == second["history"]
    assert first["best_dev_score"] == second["best_dev_score"]
    assert saved_a["thresholds"] == saved_b["thresholds"]
    assert (dir_a / "model.safetensors").read_bytes() == (dir_b / "model.safetensors").read_bytes()
