"""The joint model: one encoder pass for entities and event types, outputs equal to the same
weights run as two separate models."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from cronaca.inference.event_labeller import ModelEventLabeller
from cronaca.inference.joint import JointModel
from cronaca.inference.labels import EVENT_TYPES, bio_labels, label_maps
from cronaca.inference.predictor import Predictor, model_kind
from cronaca.inference.settings import ModelSettings
from cronaca.inference.tagger import ModelTagger

TEXTS = [
    "I miliziani del JNIM hanno attaccato la base di Acharan. Due soldati sono morti.",
    "",
    "Raid aerei della coalizione su Hajin; le SDF avanzano verso Bahrah. " * 30,  # windows
    "A Roma migliaia di persone hanno manifestato contro la guerra.",
]


@pytest.fixture(scope="module")
def joint_dir(tiny_model_dir, tmp_path_factory) -> Path:
    """A saved tiny joint model: tags leaning to B-LOC, every event threshold 0.4."""
    from transformers import AutoTokenizer

    from cronaca.inference.joint_model import BertForEntitiesAndEvents

    id2label, label2id = label_maps(bio_labels())
    torch.manual_seed(0)
    model = BertForEntitiesAndEvents.from_pretrained(
        tiny_model_dir,
        num_labels=len(id2label),
        id2label=id2label,
        label2id=label2id,
        event_labels=list(EVENT_TYPES),
    )
    model.classifier.bias.data[label2id["B-LOC"]] = 2.0
    out = tmp_path_factory.mktemp("joint") / "model"
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(tiny_model_dir).save_pretrained(out)
    thresholds = dict.fromkeys(EVENT_TYPES, 0.4)
    ModelSettings(max_length=64, stride=16, thresholds=thresholds).save(out)
    return out


def separate(joint: JointModel) -> tuple[ModelTagger, ModelEventLabeller]:
    """The joint weights as the two ordinary models, reading the same windows."""
    from cronaca.inference.joint_model import split_heads

    entities, events = split_heads(joint.model)
    s = joint.settings
    tagger = ModelTagger(entities, joint.tokenizer, s)
    labeller = ModelEventLabeller(events, joint.tokenizer, s.thresholds, s.max_length, s.stride)
    return tagger, labeller


def test_a_saved_joint_model_is_both_kinds_and_loads_through_the_auto_class(joint_dir):
    from transformers import AutoModelForTokenClassification

    import cronaca.inference.joint_model  # noqa: F401

    assert model_kind(joint_dir) == "joint"
    model = AutoModelForTokenClassification.from_pretrained(joint_dir)
    assert model.config.event_labels == list(EVENT_TYPES)
    loaded = JointModel.from_pretrained(joint_dir, device="cpu", precision="fp32")
    assert model_kind(loaded) == "joint"


def test_the_shared_pass_equals_the_two_heads_run_separately(joint_dir):
    joint = JointModel.from_pretrained(joint_dir, device="cpu", precision="fp32")
    tagger, labeller = separate(joint)
    shared = Predictor(joint, joint).predict(TEXTS, batch_size=4)
    apart = Predictor(tagger, labeller).predict(TEXTS, batch_size=4)
    for one, other in zip(shared, apart):
        assert [(e.start, e.end, e.label) for e in one.entities] == [
            (e.start, e.end, e.label) for e in other.entities
        ]
        assert np.allclose([e.score for e in one.entities], [e.score for e in other.entities])
        for a, b in zip(one.sentences, other.sentences):
            assert [x.label for x in a.events] == [x.label for x in b.events]
            assert np.allclose([x.score for x in a.events], [x.score for x in b.events], atol=1e-5)
    assert any(d.entities for d in shared) and any(d.events for d in shared)  # not vacuous


def test_the_predictor_runs_the_encoder_once_for_both_heads(joint_dir, monkeypatch):
    joint = JointModel.from_pretrained(joint_dir, device="cpu", precision="fp32")
    calls = []
    forward = joint.model.forward
    monkeypatch.setattr(joint.model, "forward", lambda *a, **k: calls.append(1) or forward(*a, **k))
    Predictor.from_models([joint]).predict(TEXTS[:1])
    once = len(calls)
    calls.clear()
    from cronaca.inference.words import word_spans

    sentences = ["I miliziani del JNIM hanno attaccato la base.", "Due soldati sono morti."]
    joint.tag_entities(sentences, [word_spans(s) for s in sentences])
    joint.event_scores(sentences)
    assert once == 1 and len(calls) == 2  # the two protocol calls alone: two passes


def test_protocol_calls_alone_give_the_shared_pass_scores(joint_dir):
    joint = JointModel.from_pretrained(joint_dir, device="cpu", precision="fp32")
    from cronaca.inference.words import word_spans

    words = [word_spans(t) for t in TEXTS]
    entities, scores = joint.analyse(TEXTS, words)
    assert joint.tag_entities(TEXTS, words) == entities
    alone = joint.event_scores(TEXTS)
    for a, b in zip(alone, scores):
        assert a.keys() == b.keys()
        assert np.allclose(list(a.values()), list(b.values()), atol=1e-6)
    assert len(joint.tag_words(TEXTS, words)[0]) == len(words[0])


def test_from_models_refuses_a_joint_model_beside_another_entity_model(
    joint_dir, tiny_predictor_dirs
):
    ner_dir, events_dir = tiny_predictor_dirs
    with pytest.raises(ValueError, match="two entities models given"):
        Predictor.from_models([joint_dir, ner_dir], device="cpu")
    predictor = Predictor.from_models([joint_dir], device="cpu", precision="fp32")
    assert predictor.tagger is predictor.labeller


def test_the_thresholds_come_from_the_saved_settings(joint_dir):
    joint = JointModel.from_pretrained(joint_dir, device="cpu")
    assert joint.thresholds == dict.fromkeys(EVENT_TYPES, 0.4)
    assert json.loads((joint_dir / "config.json").read_text())["model_type"] == (
        "cronaca_bert_joint"
    )


# ---------------------------------------------------------------- training


def joint_config(tmp_path, tiny_model_dir, **extra):
    """A joint config on the tiny model: the entity sentences of test_train, the event
    records of test_event_task."""
    from test_train import TRAIN, write_tsv

    from cronaca.training.config import load_config

    settings = {
        "task": "joint",
        "base_model": str(tiny_model_dir),
        "output_dir": str(tmp_path / "run"),
        "labels": ["PER", "ORG", "LOC"],
        "data.train": [write_tsv(tmp_path / "train.tsv", TRAIN * 8)],
        "data.dev": [write_tsv(tmp_path / "dev.tsv", TRAIN)],
        "training.epochs": 3,
        "training.batch_tokens": 256,
        "training.max_batch_size": 8,
        "training.learning_rate": 1e-3,
        "training.freeze_word_embeddings": False,
        "training.precision": "fp32",
    } | extra
    return load_config(None, overrides=[f"{k}={json.dumps(v)}" for k, v in settings.items()])


def batch_losses(task) -> tuple[float, float]:
    """The entity and event terms of the loss on all training rows (eval mode: no dropout)."""
    import dataclasses

    task.model.eval()
    losses = []
    with torch.no_grad():
        for kind in ("entities", "events"):
            rows = [e for e in task.examples if e.task == kind]
            original = task.config.joint
            weights = {
                "entity_weight": float(kind == "entities"),
                "event_weight": float(kind == "events"),
            }
            task.config.joint = dataclasses.replace(original, **weights)
            losses.append(float(task.loss(task.model, task.collate(rows))))
            task.config.joint = original
    task.model.train()
    return losses[0], losses[1]


def test_joint_training_learns_both_tasks_and_saves_a_joint_model(tmp_path, tiny_model_dir):
    from test_event_task import tiny_records

    from cronaca.training.tasks.joint import JointTask
    from cronaca.training.tasks.loop import fit

    config = joint_config(tmp_path, tiny_model_dir, **{"training.epochs": 8})
    task = JointTask(config, tiny_records())
    before = batch_losses(task)
    history = fit(task, config)
    after = batch_losses(task)
    # both heads learnt (measured on the tiny model: entities -39 %, events -7 %)
    assert after[0] < 0.8 * before[0] and after[1] < 0.97 * before[1]
    last = history["history"][-1]
    assert {"dev_strict_micro_f1", "dev_macro_f1"} <= set(last)
    assert last["score"] == pytest.approx((last["dev_strict_micro_f1"] + last["dev_macro_f1"]) / 2)
    model_dir = tmp_path / "run" / "model"
    assert model_kind(model_dir) == "joint"
    scores = json.loads((model_dir / "scores.json").read_text())
    assert scores["train_entity_windows"] == 32 and scores["train_records"] == 24
    joint = JointModel.from_pretrained(model_dir, device="cpu")
    assert set(joint.thresholds) == set(EVENT_TYPES) and joint.settings.prefix == ""
    documents = Predictor.from_models([model_dir], device="cpu").predict(TEXTS)
    assert len(documents) == len(TEXTS)


def test_the_joint_loss_trains_each_head_on_its_own_rows(tmp_path, tiny_model_dir):
    """An entity-only batch leaves the event head without gradient and vice versa, while
    both terms stay in the graph (data-parallel training needs every parameter used)."""
    from test_event_task import tiny_records

    from cronaca.training.tasks.joint import JointTask

    task = JointTask(joint_config(tmp_path, tiny_model_dir), tiny_records())
    for kind, silent, trained in (
        ("entities", "event_classifier", "classifier"),
        ("events", "classifier", "event_classifier"),
    ):
        task.model.zero_grad(set_to_none=False)
        rows = [e for e in task.examples if e.task == kind][:4]
        task.loss(task.model, task.collate(rows)).backward()
        assert getattr(task.model, silent).weight.grad.abs().sum() == 0
        assert getattr(task.model, trained).weight.grad.abs().sum() > 0


def test_a_joint_config_checks_its_event_labels():
    from cronaca.training.config import load_config

    with pytest.raises(ValueError, match="joint.event_labels: unknown labels"):
        load_config(None, overrides=["task=joint", "joint.event_labels=[battle, bataille]"])
    assert load_config("configs/joint.yaml").task == "joint"


def test_a_saved_mean_pooling_event_model_is_recognised_by_its_architecture(
    tiny_model_dir, tmp_path
):
    """cronaca's own event head is not a *ForSequenceClassification: ``--model DIR`` and
    ``Predictor.from_pretrained(events=DIR)`` must still know it for an event model."""
    from cronaca.inference.event_model import from_base

    model = from_base(str(tiny_model_dir), num_labels=6, id2label=dict(enumerate(EVENT_TYPES)))
    model.save_pretrained(tmp_path / "events")
    assert model_kind(tmp_path / "events") == "events"
