"""Event types as a training task: multi-label classification of annotated units.

The unit is what annotators labelled: a sentence, or a short news item (headline and
description) read as one; training, dev scoring and ``cronaca evaluate-events`` all read that
same unit (``ModelEventLabeller.event_scores``). Longer documents are cut into sentences at
inference and take the union of their sentences' types, as the guidelines define.

The head follows how multilingual-e5 was trained (:mod:`cronaca.inference.event_model`):
mean pooling over the mask behind the ``"query: "`` prefix (``pooling: mean``); ``cls_pooler``
keeps ``BertForSequenceClassification``'s ``[CLS]`` + random pooler, for comparison only.

The records are the project's corpus (``data/events``) plus, when ``data.train`` or
``data.dev`` name files, their records that annotate event types (a Label Studio or Doccano
export, :func:`export_records`), in the split their key names.

Class imbalance is handled on purpose: most records have no event and some types are rare,
so the binary cross-entropy of each type is weighted by its negative/positive ratio in the
training split (capped), and each type gets its own decision threshold, chosen on the dev
split to maximise that type's F1 and saved with the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from cronaca.inference import features
from cronaca.inference.batching import pad_batch
from cronaca.inference.event_labeller import ModelEventLabeller, unit_texts
from cronaca.inference.labels import label_maps
from cronaca.inference.settings import ModelSettings

from ..config import ExperimentConfig
from ..data.event_corpus import by_split, load_event_corpus
from ..data.records import Sentence
from .common import annotated, load_base, load_files, save_model, subsample
from .loop import Example
from .probe import fit_probe, pooled_states

MAX_POS_WEIGHT = 10.0  # a rare type's positives weigh at most this many negatives
THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)


def multi_hot(labels: Sequence[str], types: Sequence[str]) -> list[float]:
    return [1.0 if t in labels else 0.0 for t in types]


def f1_per_type(gold: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    tp = (gold * predicted).sum(0)
    return 2 * tp / np.maximum(gold.sum(0) + predicted.sum(0), 1)


def tune_thresholds(gold: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Per type, the grid threshold with the best dev F1 (ties: the one closest to 0.5)."""
    by_threshold = np.stack([f1_per_type(gold, probabilities >= t) for t in THRESHOLD_GRID])
    closeness = -np.abs(THRESHOLD_GRID - 0.5)[:, None] * 1e-6
    return THRESHOLD_GRID[(by_threshold + closeness).argmax(0)]


def event_model(config: ExperimentConfig):
    """The classifier on the base encoder, with the head ``config.pooling`` names."""
    id2label, label2id = label_maps(list(config.labels))
    head = {
        "id2label": id2label,
        "label2id": label2id,
        "problem_type": "multi_label_classification",
    }
    if config.pooling == "mean":
        from cronaca.inference.event_model import BertForMeanPooledClassification

        return load_base(BertForMeanPooledClassification, config, **head)
    from transformers import AutoModelForSequenceClassification

    return load_base(AutoModelForSequenceClassification, config, **head)


def export_records(config: ExperimentConfig) -> list[Sentence]:
    """The records of ``data.train`` and ``data.dev`` files (annotation-tool exports with event
    types), given the split their key names; they join the project's corpus."""
    records = []
    for split, files in (("train", config.data.train), ("dev", config.data.dev)):
        found = annotated(load_files(files, config), "events", f"data.{split}")
        records += [replace(r, meta={**r.meta, "split": split}) for r in found]
    return records


class EventTask:
    """A ``loop.Task``: event types scored by macro-F1 over the types on dev."""

    def __init__(self, config: ExperimentConfig, records: Sequence[Sentence] | None = None):
        self.config, self.types = config, list(config.labels)
        corpus = records if records is not None else load_event_corpus(config.data.dir)
        splits = by_split([*corpus, *export_records(config)])
        train_set = subsample(splits["train"], config.data.max_train_sentences, config.seed)
        self.dev = subsample(splits["dev"], config.data.max_dev_sentences, config.seed)
        self.model, self.tokenizer = event_model(config)
        windows = features.encode(
            self.tokenizer,
            unit_texts(config.features.prefix, [r.text for r in train_set]),
            None,
            config.features.max_length,
            config.features.stride,
        )
        self.examples = [
            Example(w.input_ids, multi_hot(train_set[w.example].events, self.types))
            for w in windows
        ]
        positives = np.asarray([e.labels for e in self.examples]).sum(0)
        negatives = len(self.examples) - positives
        self.pos_weight = torch.tensor(
            np.minimum(negatives / np.maximum(positives, 1), MAX_POS_WEIGHT), dtype=torch.float32
        )
        self.thresholds = {t: 0.5 for t in self.types}
        if config.training.probe_init:
            self.start_head_from_probe()
        self.summary = {
            "train_records": len(train_set),
            "train_windows": len(self.examples),
            "dev_records": len(self.dev),
            "pos_weight": dict(zip(self.types, self.pos_weight.tolist())),
        }

    def start_head_from_probe(self) -> None:
        """The head's weights from per-type logistic regressions on the encoder's pooled states
        of the training windows, as the model computes them before any update."""
        rows = [e.input_ids for e in self.examples]
        x = pooled_states(
            self.model.bert, rows, self.tokenizer.pad_token_id, normalise=False, show_progress=True
        )
        weights, bias = fit_probe(x, np.asarray([e.labels for e in self.examples]))
        with torch.no_grad():
            self.model.classifier.weight.copy_(torch.from_numpy(weights.T))
            self.model.classifier.bias.copy_(torch.from_numpy(bias))

    def collate(self, rows: Sequence[Example]) -> dict[str, torch.Tensor]:
        batch = pad_batch([r.input_ids for r in rows], self.tokenizer.pad_token_id)
        batch["labels"] = torch.tensor([r.labels for r in rows], dtype=torch.float32)
        return batch

    def loss(self, model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        labels = batch.pop("labels")
        logits = model(**batch).logits.float()
        weight = self.pos_weight.to(logits.device)
        return torch.nn.functional.binary_cross_entropy_with_logits(
            logits, labels, pos_weight=weight
        )

    def labeller(self, model) -> ModelEventLabeller:
        f = self.config.features
        return ModelEventLabeller(
            model, self.tokenizer, self.thresholds, f.max_length, f.stride, prefix=f.prefix
        )

    def evaluate(self, model) -> dict[str, float]:
        """Dev macro-F1 with thresholds tuned on dev (the tuned thresholds are kept); each
        record is scored as the unit it was annotated and trained as."""
        scores = self.labeller(model).event_scores([r.text for r in self.dev])
        probabilities = np.asarray([[row[t] for t in self.types] for row in scores])
        gold = np.asarray([multi_hot(r.events, self.types) for r in self.dev])
        thresholds = tune_thresholds(gold, probabilities)
        self.thresholds = dict(zip(self.types, thresholds.tolist()))
        f1 = f1_per_type(gold, probabilities >= thresholds)
        return {
            "score": float(f1.mean()),
            "dev_macro_f1": float(f1.mean()),
            **{f"dev_f1_{t}": float(v) for t, v in zip(self.types, f1)},
        }

    def save(self, model, out: Path, scores: dict) -> None:
        f = self.config.features
        settings = ModelSettings(
            f.max_length, f.stride, prefix=f.prefix, thresholds=self.thresholds
        )
        save_model(model, self.tokenizer, out, self.config, scores, settings)
