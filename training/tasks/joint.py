"""Entities and event types as one training task: one encoder, two heads, one loss.

The examples are the entity task's windows (:mod:`.ner`) and the event task's records
(:mod:`.events`, read without a prefix: one input for both heads). They are mixed in the same
length-grouped batches, so each optimiser step sees both kinds in proportion to their
numbers; every row trains its own head only, and the step minimises

    entity_weight · (token cross-entropy over the entity rows' labelled tokens)
  + event_weight  · (per-type weighted binary cross-entropy over the event rows)

Both terms are computed on every batch (zero when a batch holds no row of a kind), so every
parameter always has a gradient, which data-parallel training needs. Dev scores both tasks;
the model kept is the one with the best mean of the two (strict entity micro-F1, event
macro-F1), and the event thresholds are tuned on the event dev split as for the event task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from cronaca.inference.batching import pad_batch
from cronaca.inference.features import IGNORE
from cronaca.inference.joint import JointModel
from cronaca.inference.labels import bio_labels, label_maps
from cronaca.inference.settings import ModelSettings

from ..config import ExperimentConfig
from ..data.records import Sentence
from ..evaluation.entities import score_tags
from .common import annotated, load_base, load_files, save_model, subsample
from .events import dev_macro, event_examples, event_records, positive_weights, start_from_probe
from .loop import Example
from .ner import encode_examples, load_train_set


@dataclass
class TaskExample(Example):
    task: str = "entities"  # or "events": which head this row trains


def joint_model(config: ExperimentConfig, tags: list[str]):
    from cronaca.inference.joint_model import BertForEntitiesAndEvents

    id2label, label2id = label_maps(tags)
    return load_base(
        BertForEntitiesAndEvents,
        config,
        id2label=id2label,
        label2id=label2id,
        event_labels=list(config.joint.event_labels),
    )


class JointTask:
    """A ``loop.Task`` training both heads of a joint model."""

    def __init__(self, config: ExperimentConfig, records: Sequence[Sentence] | None = None):
        self.config, j = config, config.joint
        self.tags, self.types = bio_labels(config.labels), list(j.event_labels)
        _, label2id = label_maps(self.tags)
        entity_train = load_train_set(config)
        dev = annotated(load_files(config.data.dev, config), "tags", "data.dev")
        self.entity_dev = subsample(dev, config.data.max_dev_sentences, config.seed)
        event_train, self.event_dev = event_records(
            config, records, j.max_event_records, j.max_event_dev, optional_exports=True
        )
        self.model, self.tokenizer = joint_model(config, self.tags)
        f = config.features
        entity_rows = encode_examples(self.tokenizer, entity_train, label2id, config)
        event_rows = event_examples(self.tokenizer, event_train, self.types, "", f)
        self.pos_weight = positive_weights(event_rows)
        if config.training.probe_init:
            pad_id = self.tokenizer.pad_token_id
            start_from_probe(self.model.bert, self.model.event_classifier, event_rows, pad_id)
        self.examples = [TaskExample(e.input_ids, e.labels, "entities") for e in entity_rows]
        self.examples += [TaskExample(e.input_ids, e.labels, "events") for e in event_rows]
        self.thresholds = dict.fromkeys(self.types, 0.5)
        self.settings = ModelSettings(f.max_length, f.stride, config.training.decode)
        self.summary = {
            "train_sentences": len(entity_train),
            "train_entity_windows": len(entity_rows),
            "train_records": len(event_train),
            "train_event_windows": len(event_rows),
            "dev_sentences": len(self.entity_dev),
            "dev_records": len(self.event_dev),
        }

    def collate(self, rows: Sequence[TaskExample]) -> dict[str, torch.Tensor]:
        token_labels = [
            r.labels if r.task == "entities" else [IGNORE] * len(r.input_ids) for r in rows
        ]
        batch = pad_batch([r.input_ids for r in rows], self.tokenizer.pad_token_id, token_labels)
        empty = [0.0] * len(self.types)
        batch["event_labels"] = torch.tensor(
            [r.labels if r.task == "events" else empty for r in rows], dtype=torch.float32
        )
        batch["event_rows"] = torch.tensor([r.task == "events" for r in rows])
        return batch

    def loss(self, model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        tokens, events, rows = (batch.pop(k) for k in ("labels", "event_labels", "event_rows"))
        out = model(**batch)
        logits = out.logits.float()
        entity = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), tokens.reshape(-1), reduction="sum"
        ) / (tokens != IGNORE).sum().clamp(min=1)
        per_type = torch.nn.functional.binary_cross_entropy_with_logits(
            out.event_logits.float(),
            events,
            pos_weight=self.pos_weight.to(events.device),
            reduction="none",
        )
        event = (per_type.mean(1) * rows).sum() / rows.sum().clamp(min=1)
        j = self.config.joint
        return j.entity_weight * entity + j.event_weight * event

    def runtime(self, model) -> JointModel:
        settings = ModelSettings(
            self.settings.max_length,
            self.settings.stride,
            self.settings.decode,
            thresholds=self.thresholds,
        )
        return JointModel(model, self.tokenizer, settings)

    def evaluate(self, model) -> dict[str, float]:
        runtime = self.runtime(model)
        dev = self.entity_dev
        predicted = runtime.tag_words([s.text for s in dev], [s.offsets for s in dev])
        entity = score_tags([list(s.tags) for s in dev], predicted)["strict"]["micro"]["f1"]
        scores = runtime.event_scores([r.text for r in self.event_dev])
        self.thresholds, events = dev_macro(scores, self.event_dev, self.types)
        return {
            "score": (entity + events["dev_macro_f1"]) / 2,
            "dev_strict_micro_f1": entity,
            **{k: v for k, v in events.items() if k != "score"},
        }

    def save(self, model, out: Path, scores: dict) -> None:
        save_model(model, self.tokenizer, out, self.config, scores, self.runtime(model).settings)
