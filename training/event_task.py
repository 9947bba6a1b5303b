"""Event types as a training task: multi-label classification of sentences and news items.

Class imbalance is handled on purpose: most records have no event and some types are rare,
so the binary cross-entropy of each type is weighted by its negative/positive ratio in the
training split (capped), and each type gets its own decision threshold, chosen on the dev
split to maximise that type's F1 and saved with the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from cronaca.inference import features
from cronaca.inference.batching import pad_batch
from cronaca.inference.event_labeller import ModelEventLabeller
from cronaca.inference.labels import label_maps

from .config import ExperimentConfig
from .corpora import Sentence
from .event_corpus import by_split, load_event_corpus
from .loop import Example
from .train import load_base, save_model, subsample

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


class EventTask:
    """A ``loop.Task``: event types scored by macro-F1 over the types on dev."""

    def __init__(self, config: ExperimentConfig, records: Sequence[Sentence] | None = None):
        from transformers import AutoModelForSequenceClassification

        self.config, self.types = config, list(config.labels)
        splits = by_split(records if records is not None else load_event_corpus(config.data.dir))
        train_set = subsample(splits["train"], config.data.max_train_sentences, config.seed)
        self.dev = subsample(splits["dev"], config.data.max_dev_sentences, config.seed)
        id2label, label2id = label_maps(self.types)
        self.model, self.tokenizer = load_base(
            AutoModelForSequenceClassification,
            config,
            id2label=id2label,
            label2id=label2id,
            problem_type="multi_label_classification",
        )
        windows = features.encode(
            self.tokenizer,
            [r.text for r in train_set],
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
        logits = model(**batch).logits.float()
        weight = self.pos_weight.to(logits.device)
        return torch.nn.functional.binary_cross_entropy_with_logits(
            logits, labels, pos_weight=weight
        )

    def evaluate(self, model) -> dict[str, float]:
        """Dev macro-F1 with thresholds tuned on dev (the tuned thresholds are kept)."""
        labeller = ModelEventLabeller(
            model,
            self.tokenizer,
            None,
            self.config.features.max_length,
            self.config.features.stride,
        )
        # records are scored sentence by sentence, as at inference: a document's score for a
        # type is its best sentence's
        per_sentence = labeller.sentence_events([r.text for r in self.dev])
        probabilities = np.asarray(
            [
                [max((s.scores[t] for s in sentences), default=0.0) for t in self.types]
                for sentences in per_sentence
            ]
        )
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
        settings = {
            "max_length": self.config.features.max_length,
            "stride": self.config.features.stride,
            "thresholds": self.thresholds,
        }
        save_model(model, self.tokenizer, out, self.config, scores, settings)
