"""Reading any corpus file: the dispatch by extension, the one-line summary of ``cronaca data``,
and where the shared data folder is."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from cronaca.inference.labels import ENTITY_TYPES

from .columns import read_conll, read_wikineural
from .files import json_records
from .news import read_news_items
from .records import Corpus, CorpusError, LabelMap, OnInvalid
from .spans import read_spans_jsonl


def read_corpus(
    path: str | os.PathLike[str],
    *,
    entity_types: Iterable[str] = ENTITY_TYPES,
    label_map: LabelMap | None = None,
    on_invalid: OnInvalid = "repair",
) -> Corpus:
    """By extension: ``.tsv`` KIND, ``.conllu`` WikiNEuRal, ``.jsonl``/``.json`` spans or news.

    ``label_map`` applies to column files and span exports alike (a Label Studio export with
    ``MISC`` loads with ``{"MISC": None}``); ``on_invalid`` to column files only, since a span
    export cannot hold an invalid IOB2 sequence; a news feed has no entity layer for either.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".tsv":
        return read_conll(path, entity_types, label_map, on_invalid)
    if suffix == ".conllu":
        return read_wikineural(path, entity_types, label_map, on_invalid)
    if suffix in (".jsonl", ".json"):
        first = next(json_records(path), (0, 0, {}))[2]
        is_news = isinstance(first, dict) and "title" in first and "text" not in first
        return read_news_items(path) if is_news else read_spans_jsonl(path, entity_types, label_map)
    raise CorpusError(
        path, None, f"unknown corpus format {suffix!r} (.tsv, .conllu, .jsonl, .json)"
    )


def corpus_summary(
    path: str | os.PathLike[str],
    on_invalid: OnInvalid = "repair",
    label_map: LabelMap | None = None,
) -> str:
    """One line for ``cronaca data``: sentences, tokens, entities per type, event labels, report."""
    corpus = read_corpus(path, label_map=label_map, on_invalid=on_invalid)
    entities = Counter(span.label for sentence in corpus for span in sentence.entity_spans())
    per_type = ", ".join(f"{label} {n}" for label, n in sorted(entities.items()))
    with_events = sum(sentence.events is not None for sentence in corpus)
    line = (
        f"{corpus.path}: {len(corpus)} sentences, {sum(len(s.tokens) for s in corpus)} tokens, "
        f"{sum(entities.values())} entities ({per_type}), event labels on {with_events} sentences"
    )
    return f"{line}; {corpus.report.summary()}" if corpus.report.summary() else line


def shared_data_dir() -> Path:
    """``$CRONACA_DATA``, else ``shared/data`` in the nearest ancestor of the cwd or this file."""
    if os.environ.get("CRONACA_DATA"):
        return Path(os.environ["CRONACA_DATA"])
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            if (folder / "shared" / "data").is_dir():
                return folder / "shared" / "data"
    return Path.cwd().parent / "shared" / "data"  # the documented place, even if missing


def kind_file(name: str) -> Path:
    """A file of KIND's EVALITA 2023 split in the shared data folder (``WN_train.tsv`` ...)."""
    return shared_data_dir() / "kind" / "evalita-2023" / name
