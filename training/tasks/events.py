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


def export_records(config: ExperimentConfig, optional: bool = False) -> list[Sentence]:
    """The records of ``data.train`` and ``data.dev`` files (annotation-tool exports with event
    types), given the split their key names; they join the project's corpus. ``optional``
    (the joint task, whose files may be entity corpora): files without event types add
    nothing instead of being an error."""
    records = []
    for split, files in (("train", config.data.train), ("dev", config.data.dev)):
        found = load_files(files, config)
        if optional:
            found = [r for r in found if r.events is not None]
        else:
            found = annotated(found, "events", f"data.{split}")
        records += [replace(r, meta={**r.meta, "split": split}) for r in found]
    return records


def event_records(
    config: ExperimentConfig,
    records: Sequence[Sentence] | None,
    max_train: int | None,
    max_dev: int | None,
    optional_exports: bool = False,
) -> tuple[list[Sentence], list[Sentence]]:
    """``(train, dev)``: the corpus (or ``records``) and the config's exports, subsampled."""
    corpus = records if records is not None else load_event_corpus(config.data.dir)
    splits = by_split([*corpus, *export_records(config, optional_exports)])
    train_set = subsample(splits["train"], max_train, config.seed)
    return train_set, subsample(splits["dev"], max_dev, config.seed)


def event_examples(
    tokenizer, records: Sequence[Sentence], types: Sequence[str], prefix: str, features_config
) -> list[Example]:
    """Each record's windows (behind ``prefix``), labelled with its multi-hot types."""
    windows = features.encode(
        tokenizer,
        unit_texts(prefix, [r.text for r in records]),
        None,
        features_config.max_length,
        features_config.stride,
    )
    return [Example(w.input_ids, multi_hot(records[w.example].events, types)) for w in windows]


def positive_weights(examples: Sequence[Example]) -> torch.Tensor:
    """Per type, negatives / positives among the training windows (capped)."""
    positives = np.asarray([e.labels for e in examples]).sum(0)
    negatives = len(examples) - positives
    weights = np.minimum(negatives / np.maximum(positives, 1), MAX_POS_WEIGHT)
    return torch.tensor(weights, dtype=torch.float32)


def start_from_probe(encoder, head: torch.nn.Linear, examples: Sequence[Example], pad_id: int):
    """``head``'s weights from per-type logistic regressions on the encoder's pooled states of
    the training windows, as the model computes them before any update."""
    rows = [e.input_ids for e in examples]
    x = pooled_states(encoder, rows, pad_id, normalise=False, show_progress=True)
    weights, bias = fit_probe(x, np.asarray([e.labels for e in examples]))
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(weights.T))
        head.bias.copy_(torch.from_numpy(bias))


def dev_macro(
    scores: Sequence[dict[str, float]], dev: Sequence[Sentence], types: Sequence[str]
) -> tuple[dict[str, float], dict[str, float]]:
    """``(thresholds tuned on dev, dev scores)`` from the dev records' type scores."""
    probabilities = np.asarray([[row[t] for t in types] for row in scores])
    gold = np.asarray([multi_hot(r.events, types) for r in dev])
    thresholds = tune_thresholds(gold, probabilities)
    f1 = f1_per_type(gold, probabilities >= thresholds)
    result = {
        "score": float(f1.mean()),
        "dev_macro_f1": float(f1.mean()),
        **{f"dev_f1_{t}": float(v) for t, v in zip(types, f1)},
    }
    return dict(zip(types, thresholds.tolist())), result


def event_loss(logits: torch.Tensor, labels: torch.Tensor, pos_weight: torch.Tensor):
    return torch.nn.functional.binary_cross_entropy_with_logits(
        logits.float(), labels, pos_weight=pos_weight.to(logits.device)
    )


class EventTask:
    """A ``loop.Task``: event types scored by macro-F1 over the types on dev."""

    def __init__(self, config: ExperimentConfig, records: Sequence[Sentence] | None = None):
        self.config, self.types = config, list(config.labels)
        d = config.data
        train_set, self.dev = event_records(
            config, records, d.max_train_sentences, d.max_dev_sentences
        )
        self.model, self.tokenizer = event_model(config)
        f = config.features
        self.examples = event_examples(self.tokenizer, train_set, self.types, f.prefix, f)
        self.pos_weight = positive_weights(self.examples)
        self.thresholds = {t: 0.5 for t in self.types}
        if config.training.probe_init:
            start_from_probe(
                self.model.bert, self.model.classifier, self.examples, self.tokenizer.pad_token_id
            )
        self.summary = {
            "train_records": len(train_set),
            "train_windows": len(self.examples),
            "dev_records": len(self.dev),
            "pos_weight": dict(zip(self.types, self.pos_weight.tolist())),
        }

    def collate(self, rows: Sequence[Example]) -> dict[str, torch.Tensor]:
        batch = pad_batch([r.input_ids for r in rows], self.tokenizer.pad_token_id)
        batch["labels"] = torch.tensor([r.labels for r in rows], dtype=torch.float32)
        return batch

    def loss(self, model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        labels = batch.pop("labels")
        return event_loss(model(**batch).logits, labels, self.pos_weight)

    def labeller(self, model) -> ModelEventLabeller:
        f = self.config.features
        return ModelEventLabeller(
            model, self.tokenizer, self.thresholds, f.max_length, f.stride, prefix=f.prefix
        )

    def evaluate(self, model) -> dict[str, float]:
        """Dev macro-F1 with thresholds tuned on dev (the tuned thresholds are kept); each
        record is scored as the unit it was annotated and trained as."""
        scores = self.labeller(model).event_scores([r.text for r in self.dev])
        self.thresholds, result = dev_macro(scores, self.dev, self.types)
        return result

    def save(self, model, out: Path, scores: dict) -> None:
        f = self.config.features
        settings = ModelSettings(
            f.max_length, f.stride, prefix=f.prefix, thresholds=self.thresholds
        )
        save_model(model, self.tokenizer, out, self.config, scores, settings)
