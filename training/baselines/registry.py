"""The built-in rule models by name, for every command that takes a model: ``gazetteer``
(entities, :mod:`.gazetteer`) and ``keywords`` (event types, :mod:`.keywords`).

Names are resolved here, on the training side, because the baselines are built from training
data (the gazetteer's entity strings come from KIND ``WN_train``); the objects they resolve to
satisfy the protocols of :mod:`cronaca.inference.protocols`, so the runtime core serves them
without importing this package (``cronaca predict --model gazetteer --model keywords``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..data.corpora import kind_file

# name -> what it labels, as cronaca.inference.predictor.model_kind says it of a model directory
RULE_MODELS = {"gazetteer": "entities", "keywords": "events"}


def load_gazetteer(
    spec: str = "gazetteer",
    train_paths: Sequence[Path] | None = None,
    train_sentences: Sequence | None = None,
):
    """``gazetteer[:sources]``: the gazetteer tagger from the sources named (among train, ucdp,
    kind; all by default); ``train`` takes the entity strings of ``train_sentences`` (a model's
    own training set, as its config loads it) or reads ``train_paths`` (default: KIND
    ``WN_train.tsv`` in the shared data folder); ``ucdp`` and ``kind`` read the files there."""
    from ..data.corpora import read_corpus
    from .gazetteer import DEFAULT, SOURCES, GazetteerTagger

    sources = set(spec.partition(":")[2].split(",")) - {""} or set(SOURCES)
    unknown = sources - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown gazetteer source(s) {sorted(unknown)}: use {', '.join(SOURCES)}")
    train = list(train_sentences or [])
    if "train" in sources and train_sentences is None:
        for path in train_paths or [kind_file("WN_train.tsv")]:
            train += list(read_corpus(path))
    tagger = GazetteerTagger.from_files(
        train,
        ucdp_csv=DEFAULT if "ucdp" in sources else None,
        kind_org=DEFAULT if "kind" in sources else None,
    )
    if sources != set(SOURCES):
        tagger.name = f"gazetteer:{','.join(s for s in SOURCES if s in sources)}"
    return tagger


def load_keywords(spec: str = "keywords"):
    """The keyword event labeller (it takes no options)."""
    if spec != "keywords":
        raise ValueError(f"{spec!r}: the keyword labeller takes no options")
    from .keywords import KeywordEventLabeller

    return KeywordEventLabeller()


def rule_name(spec: str | os.PathLike[str]) -> str | None:
    """The rule model ``spec`` names (``gazetteer:train`` names ``gazetteer``), else ``None``."""
    name = str(spec).partition(":")[0]
    return name if name in RULE_MODELS else None


def resolve_models(specs: Sequence[str], train_paths: Sequence[Path] | None = None) -> list:
    """Each spec as :meth:`cronaca.inference.predictor.Predictor.from_models` takes it: a rule
    model's name becomes the baseline object, a directory stays a path (loaded there)."""
    resolved = []
    for spec in specs:
        name = rule_name(spec)
        if name == "gazetteer":
            resolved.append(load_gazetteer(spec, train_paths))
        elif name == "keywords":
            resolved.append(load_keywords(spec))
        elif Path(spec).is_dir():
            resolved.append(Path(spec))
        else:
            raise ValueError(
                f"--model {spec!r}: neither a model directory nor a built-in rule model "
                f"(choices: {', '.join(f'{n} ({k})' for n, k in RULE_MODELS.items())})"
            )
    return resolved
