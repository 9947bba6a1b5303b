"""Entity recognition as a training task: IOB2 word tags on each word's first sub-token, each
sentence optionally read inside its document's text (``features.context``, FLERT)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import torch

from cronaca.inference import features
from cronaca.inference.batching import pad_batch
from cronaca.inference.context import with_context
from cronaca.inference.labels import bio_labels, label_maps
from cronaca.inference.settings import ModelSettings
from cronaca.inference.tagger import ModelTagger

from ..config import ExperimentConfig
from ..data.documents import document_ids
from ..data.records import Sentence
from ..evaluation.entities import score_tags
from .common import annotated, load_base, load_files, save_model, subsample
from .loop import Example


def encode_examples(
    tokenizer, sentences: Sequence[Sentence], label2id: dict[str, int], config: ExperimentConfig
) -> list[Example]:
    """Windows of each sentence with the first sub-token of each word labelled."""
    windows = features.encode(
        tokenizer,
        [s.text for s in sentences],
        [s.offsets for s in sentences],
        config.features.max_length,
        config.features.stride,
    )
    word_labels = [[label2id[tag] for tag in s.tags] for s in sentences]
    # a window of a widened sentence may hold context alone: nothing in it is labelled
    return [
        Example(w.input_ids, features.token_labels(w, word_labels[w.example]))
        for w in windows
        if len(w.word_ids) or not config.features.context
    ]


def in_context(sentences: Sequence[Sentence], chars: int) -> list[Sentence]:
    """Each sentence widened by ``chars`` characters of its document on each side (its words
    and tags unchanged, its offsets shifted): in file order, before any subsampling, so a
    sentence keeps its real neighbours. ``chars == 0``: the sentences as they are."""
    if not chars:
        return list(sentences)
    texts, offsets = with_context(
        [s.text for s in sentences], [s.offsets for s in sentences], document_ids(sentences), chars
    )
    return [replace(s, text=t, offsets=o) for s, t, o in zip(sentences, texts, offsets)]


def load_train_set(config: ExperimentConfig) -> list[Sentence]:
    """Gold training files, plus a seeded share of silver sentences, optionally subsampled."""
    context = config.features.context
    gold = annotated(load_files(config.data.train, config), "tags", "data.train")
    train_set = in_context(gold, context)
    if config.data.silver:
        silver = in_context(load_files(config.data.silver, config), context)
        train_set += subsample(silver, int(config.data.silver_weight * len(train_set)), config.seed)
    return subsample(train_set, config.data.max_train_sentences, config.seed)


class NerTask:
    """A ``loop.Task``: token classification scored by strict IOB2 micro-F1 on dev."""

    def __init__(self, config: ExperimentConfig):
        from transformers import AutoModelForTokenClassification

        self.config = config
        self.labels = bio_labels(config.labels)
        id2label, label2id = label_maps(self.labels)
        train_set = load_train_set(config)
        dev = annotated(load_files(config.data.dev, config), "tags", "data.dev")
        dev = in_context(dev, config.features.context)  # read as given: already widened
        self.dev = subsample(dev, config.data.max_dev_sentences, config.seed)
        self.model, self.tokenizer = load_base(
            AutoModelForTokenClassification, config, id2label=id2label, label2id=label2id
        )
        self.examples = encode_examples(self.tokenizer, train_set, label2id, config)
        self.settings = ModelSettings(
            config.features.max_length,
            config.features.stride,
            config.training.decode,
            context=config.features.context,
        )
        self.summary = {
            "train_sentences": len(train_set),
            "train_windows": len(self.examples),
            "dev_sentences": len(self.dev),
        }

    def collate(self, rows: Sequence[Example]) -> dict[str, torch.Tensor]:
        labels = [r.labels for r in rows]
        return pad_batch([r.input_ids for r in rows], self.tokenizer.pad_token_id, labels)

    def loss(self, model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return model(**batch).loss

    def evaluate(self, model) -> dict[str, float]:
        tagger = ModelTagger(model, self.tokenizer, self.settings)
        predicted = tagger.tag_words([s.text for s in self.dev], [s.offsets for s in self.dev])
        scores = score_tags([list(s.tags) for s in self.dev], predicted)
        f1 = scores["strict"]["micro"]["f1"]
        lenient = scores["lenient"]["micro"]["f1"]
        return {"score": f1, "dev_strict_micro_f1": f1, "dev_lenient_micro_f1": lenient}

    def save(self, model, out: Path, scores: dict) -> None:
        save_model(model, self.tokenizer, out, self.config, scores, self.settings)
