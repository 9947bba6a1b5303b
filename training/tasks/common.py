"""What the entity and event-type tasks share: reading the training files, subsampling,
loading the base encoder with a new head, and saving the best model."""

from __future__ import annotations

import json
import logging
import random
import shutil
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import yaml

from cronaca.inference.settings import ModelSettings

from ..base_models import resolve_base_model
from ..config import ExperimentConfig, to_dict
from ..data.corpora import read_corpus, shared_data_dir
from ..data.entity_corpus import is_corpus_name, load_named
from ..data.records import Sentence
from ..data.splits import is_held_out

logger = logging.getLogger(__name__)
LAYERS = {"tags": "entity spans", "events": "event types"}


def load_files(files: Sequence[str], config: ExperimentConfig) -> list[Sentence]:
    """Read corpus files named relative to the data folder (or absolute)."""
    data_dir = Path(config.data.dir) if config.data.dir else shared_data_dir()
    # dropped labels (MISC) become O in every format: column files and span exports alike
    label_map = {label: None for label in config.data.drop_labels} or None
    sentences: list[Sentence] = []
    for name in files:
        if is_corpus_name(name):  # news-entities:train, the project's own stand-off corpus
            sentences.extend(load_named(name, data_dir))
            continue
        path = Path(name) if Path(name).is_absolute() else data_dir / name
        if is_held_out(path.stem):
            raise ValueError(
                f"{path}: a held-out benchmark file (KIND WN_test, WikiNEuRal-it test); "
                "never train or tune on it"
            )
        sentences.extend(read_corpus(path, label_map=label_map))
    return sentences


def annotated(sentences: list[Sentence], layer: str, where: str) -> list[Sentence]:
    """The records that annotate ``layer`` (``"tags"`` or ``"events"``). An annotation-tool
    export may hold tasks nobody annotated (skipped, and logged); a key's files with none at
    all are an error, since files of the wrong kind must not train a model on nothing."""
    kept = [s for s in sentences if getattr(s, layer) is not None]
    if sentences and not kept:
        raise ValueError(f"{where}: no record annotates {LAYERS[layer]}")
    if len(kept) < len(sentences):
        skipped = len(sentences) - len(kept)
        logger.warning("%s: %d record(s) without %s skipped", where, skipped, LAYERS[layer])
    return kept


def subsample(sentences: list[Sentence], limit: int | None, seed: int) -> list[Sentence]:
    if limit is None or limit >= len(sentences):
        return sentences
    return random.Random(seed).sample(sentences, limit)


def load_base(auto_class, config: ExperimentConfig, **head):
    """The base encoder with a new head (``auto_class``), and its tokenizer."""
    from transformers import AutoTokenizer

    base = resolve_base_model(config.base_model)
    extra = {"hidden_dropout_prob": config.training.dropout} if config.training.dropout else {}
    with quiet_load_report():
        model = auto_class.from_pretrained(
            base, num_labels=len(head["id2label"]), ignore_mismatched_sizes=True, **head, **extra
        )
    if config.training.freeze_word_embeddings:
        # the 250k-row embedding matrix is most of the parameters and of the optimiser's work;
        # fine-tuning barely moves it, so it stays as pre-trained
        model.get_input_embeddings().weight.requires_grad_(False)
    freeze_lower_layers(model, config.training.freeze_layers)
    return model, AutoTokenizer.from_pretrained(base)


def freeze_lower_layers(model, n_layers: int) -> None:
    """Keep the embeddings and the lowest ``n_layers`` encoder layers as pre-trained: backward
    stops above them (on a CPU, most of a step's time), and the general-purpose lower layers of
    e5 are what a few thousand labelled units can least improve."""
    if n_layers <= 0:
        return
    encoder = model.base_model
    for parameter in encoder.embeddings.parameters():
        parameter.requires_grad_(False)
    for layer in encoder.encoder.layer[:n_layers]:
        for parameter in layer.parameters():
            parameter.requires_grad_(False)


@contextmanager
def quiet_load_report():
    """transformers prints a report of every weight a new head lacks (``classifier.weight |
    MISSING``): expected when a head is added, alarming to a user, so shown only on errors."""
    from transformers.utils import logging

    level = logging.get_verbosity()
    logging.set_verbosity_error()
    try:
        yield
    finally:
        logging.set_verbosity(level)


def save_model(
    model, tokenizer, out: Path, config: ExperimentConfig, scores: dict, settings: ModelSettings
) -> None:
    """A standard HF directory (safetensors weights) plus what inference and a reader of the run
    need, written aside and renamed into place (:func:`replace_dir`): a run killed while saving
    leaves the previous best model whole."""
    out = Path(out)
    recover_dir(out)
    staging = out.with_name(f".{out.name}.writing")
    shutil.rmtree(staging, ignore_errors=True)  # what an earlier killed save left
    staging.mkdir(parents=True)
    try:
        model.save_pretrained(str(staging), safe_serialization=True)
        tokenizer.save_pretrained(str(staging))
        settings.save(staging)
        dumped = yaml.safe_dump(to_dict(config), sort_keys=False)
        (staging / "training_config.yaml").write_text(dumped)
        (staging / "scores.json").write_text(json.dumps(scores, indent=2) + "\n")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace_dir(staging, out)


def _previous(out: Path) -> Path:
    return out.with_name(f".{out.name}.previous")


def replace_dir(new: Path, out: Path) -> None:
    """Put the complete directory ``new`` at ``out``: the old one is renamed aside, ``new``
    renamed in, the old one removed. Each rename is atomic, so at every moment either ``out``
    or its ``.previous`` sibling is a whole directory (:func:`recover_dir` puts it back)."""
    previous = _previous(out)
    shutil.rmtree(previous, ignore_errors=True)
    if out.exists():
        out.rename(previous)
    new.rename(out)
    shutil.rmtree(previous, ignore_errors=True)


def recover_dir(out: Path) -> None:
    """After a kill between the two renames of :func:`replace_dir`: the previous directory
    back at ``out``."""
    previous = _previous(out)
    if previous.is_dir() and not out.exists():
        previous.rename(out)
