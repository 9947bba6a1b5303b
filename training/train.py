"""Fine-tuning a token-classification model, config-driven, on accelerate.

One loop for CPU and GPU (accelerate places the model and, on CUDA, runs bf16 autocast).
Batches are grouped by length under a token budget and padded dynamically; the dev split is
scored (strict IOB2 micro-F1) after every epoch and the best model is kept; a checkpoint every
``checkpoint_every_steps`` lets ``--resume`` continue an interrupted run exactly where it was.

Output directory:
    model/            the best model: a standard HF directory (config.json with id2label,
                      model.safetensors, tokenizer files) + cronaca.json (feature settings)
                      + training_config.yaml + scores.json
    checkpoint/       the latest training state (model, optimiser, scheduler, RNG, progress)
    history.json      loss and dev scores per epoch
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path

import torch
import yaml

from cronaca.inference import features
from cronaca.inference.batching import pad_batch
from cronaca.inference.labels import bio_labels, label_maps
from cronaca.inference.tagger import ModelTagger, TaggerSettings

from .base_models import resolve_base_model
from .config import ExperimentConfig, to_dict
from .corpora import Sentence, read_corpus, shared_data_dir
from .loop import Example, fit

# --------------------------------------------------------------------------- data


def load_files(files: Sequence[str], config: ExperimentConfig) -> list[Sentence]:
    data_dir = Path(config.data.dir) if config.data.dir else shared_data_dir()
    label_map = {label: None for label in config.data.drop_labels} or None
    sentences: list[Sentence] = []
    for name in files:
        path = Path(name) if Path(name).is_absolute() else data_dir / name
        if path.stem.startswith("WN_test"):
            raise ValueError(
                f"{path}: WN_test is the held-out benchmark; never train or tune on it"
            )
        columns = path.suffix.lower() in (".tsv", ".conllu")
        options = {"label_map": label_map} if columns and label_map else {}
        sentences.extend(read_corpus(path, **options))
    return sentences


def subsample(sentences: list[Sentence], limit: int | None, seed: int) -> list[Sentence]:
    if limit is None or limit >= len(sentences):
        return sentences
    return random.Random(seed).sample(sentences, limit)


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
    return [Example(w.input_ids, features.token_labels(w, word_labels[w.example])) for w in windows]


# --------------------------------------------------------------------------- model


def build_model(config: ExperimentConfig, labels: list[str]):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    base = resolve_base_model(config.base_model)
    id2label, label2id = label_maps(labels)
    extra = {}
    if config.training.dropout is not None:
        extra = {"hidden_dropout_prob": config.training.dropout}
    model = AutoModelForTokenClassification.from_pretrained(
        base,
        num_labels=len(labels),
        id2label=id2label,
        label2id=label2id,
        ignore_mismatched_sizes=True,
        **extra,
    )
    tokenizer = AutoTokenizer.from_pretrained(base)
    if config.training.freeze_word_embeddings:
        # the 250k-row embedding matrix is most of the parameters and of the optimiser's work;
        # NER barely moves it, so it stays as pre-trained
        model.get_input_embeddings().weight.requires_grad_(False)
    return model, tokenizer


# --------------------------------------------------------------------------- task


def strict_f1(gold: list[list[str]], pred: list[list[str]]) -> float:
    from seqeval.metrics import f1_score
    from seqeval.scheme import IOB2

    return float(f1_score(gold, pred, mode="strict", scheme=IOB2))


def _save_model(model, tokenizer, settings: TaggerSettings, out: Path, config, scores) -> None:
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    settings.save(out)
    (out / "training_config.yaml").write_text(yaml.safe_dump(to_dict(config), sort_keys=False))
    (out / "scores.json").write_text(json.dumps(scores, indent=2) + "\n")


class NerTask:
    """Entity recognition as a ``loop.Task``: word-level IOB2 tags on the first sub-tokens."""

    def __init__(self, config: ExperimentConfig):
        self.config = config
        self.labels = bio_labels(config.labels)
        _, label2id = label_maps(self.labels)
        train_set = load_train_set(config)
        self.dev = subsample(
            load_files(config.data.dev, config), config.data.max_dev_sentences, config.seed
        )
        self.model, self.tokenizer = build_model(config, self.labels)
        self.examples = encode_examples(self.tokenizer, train_set, label2id, config)
        self.settings = TaggerSettings(
            config.features.max_length, config.features.stride, config.training.decode
        )
        self.summary = {
            "train_sentences": len(train_set),
            "train_windows": len(self.examples),
            "dev_sentences": len(self.dev),
        }

    def collate(self, rows: Sequence[Example]) -> dict[str, torch.Tensor]:
        return pad_batch(
            [r.input_ids for r in rows], self.tokenizer.pad_token_id, [r.labels for r in rows]
        )

    def evaluate(self, model) -> dict[str, float]:
        tagger = ModelTagger(model, self.tokenizer, self.settings)
        predicted = tagger.tag_words([s.text for s in self.dev], [s.offsets for s in self.dev])
        f1 = strict_f1([list(s.tags) for s in self.dev], predicted)
        return {"score": f1, "dev_strict_micro_f1": f1}

    def save(self, model, out: Path, scores: dict) -> None:
        _save_model(model, self.tokenizer, self.settings, out, self.config, scores)


def load_train_set(config: ExperimentConfig) -> list[Sentence]:
    """Gold training files, plus a seeded share of silver sentences, optionally subsampled."""
    train_set = load_files(config.data.train, config)
    if config.data.silver:
        silver = load_files(config.data.silver, config)
        train_set += subsample(silver, int(config.data.silver_weight * len(train_set)), config.seed)
    return subsample(train_set, config.data.max_train_sentences, config.seed)


def train(config: ExperimentConfig, resume: bool = False) -> dict:
    """Fine-tune per ``config`` into ``config.output_dir``; returns the run's history."""
    from accelerate.utils import set_seed

    set_seed(config.seed)
    if config.task != "ner":
        raise ValueError(f"task {config.task!r}: only 'ner' is implemented so far")
    return fit(NerTask(config), config, resume=resume)
