"""The project's event-type corpus: stand-off labels in ``data/events``, joined to their sources.

The repository holds ids, labels, a hash of each text, the split and the annotator's note for
hard cases; the text stays with its publishers (news-in-brief-it) and with KIND, and is joined
at load time. A changed source text fails the hash check instead of silently mislabelling.

    data/events/news-in-brief.jsonl   items of news-in-brief-it (headline + description)
    data/events/kind-wn.jsonl         sentences of KIND WN_train / WN_dev (never WN_test)
    data/events/kind-fic-adg.jsonl    sentences of KIND FIC_* / ADG_* train and dev
    data/events/wikineural-val.jsonl  sentences of WikiNEuRal-it val (never its test file)

Each record gets the split of its source (:mod:`.splits`) and the name of its source. The
stand-off files are written by :mod:`.event_import` from the annotators' label files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .columns import read_conll, read_wikineural
from .corpora import shared_data_dir
from .news import read_news_items, read_standoff_events
from .records import Sentence
from .splits import (
    KIND_STEMS,
    WIKINEURAL_STEM,
    kind_dev_split,
    kind_split,
    position_split,
    split_for,
)

# the repository's data/events (this file is training/data/event_corpus.py)
EVENTS_DIR = Path(__file__).resolve().parents[2] / "data" / "events"
NEWS_FILE = "news-in-brief.jsonl"
KIND_FILE = "kind-wn.jsonl"
FIC_ADG_FILE = "kind-fic-adg.jsonl"
WIKINEURAL_FILE = "wikineural-val.jsonl"
FILES = (NEWS_FILE, KIND_FILE, FIC_ADG_FILE, WIKINEURAL_FILE)
# the source of each record, for per-source scores and leave-one-source-out runs
SOURCE_NAMES = {
    NEWS_FILE: "news-in-brief",
    KIND_FILE: "kind-wikinews",
    FIC_ADG_FILE: "kind-fic-adg",
    WIKINEURAL_FILE: "wikineural",
}
NEWS_SOURCE = Path("news-in-brief-it") / "items-2025-12_2026-01.jsonl"
KIND_SOURCES = ("WN_train", "WN_dev")  # WN_test is the held-out benchmark: never annotated


def source_records(data_dir: Path | None = None) -> dict[str, dict[str, Sentence]]:
    """Every record an annotation may point to, by stand-off file, by id; each record's
    ``meta["split"]`` is the fixed split of its source (by date, file or position)."""
    data = Path(data_dir) if data_dir else shared_data_dir()
    kind_dir = data / "kind" / "evalita-2023"
    news = {s.id: s for s in read_news_items(data / NEWS_SOURCE)}
    sources = {NEWS_FILE: {k: _with_split(s, split_for(s.meta["date"])) for k, s in news.items()}}
    sources[KIND_FILE] = _split_by(kind_dir, KIND_SOURCES, kind_split)
    sources[FIC_ADG_FILE] = _split_by(kind_dir, KIND_STEMS, kind_dev_split)
    wiki = read_wikineural(
        data / "wikineural-it" / f"{WIKINEURAL_STEM}.conllu", label_map={"MISC": None}
    )
    sources[WIKINEURAL_FILE] = {
        s.id: _with_split(s, position_split(k, len(wiki))) for k, s in enumerate(wiki)
    }
    return sources


def _with_split(sentence: Sentence, split: str) -> Sentence:
    return replace(sentence, meta={**sentence.meta, "split": split})


def _split_by(kind_dir: Path, stems: Sequence[str], split_of) -> dict[str, Sentence]:
    by_id: dict[str, Sentence] = {}
    for stem in stems:
        corpus = read_conll(kind_dir / f"{stem}.tsv")
        by_id |= {s.id: _with_split(s, split_of(s.id, len(corpus))) for s in corpus}
    return by_id


def load_event_corpus(
    data_dir: Path | None = None, events_dir: Path = EVENTS_DIR
) -> list[Sentence]:
    """All labelled records, with ``events`` set and ``meta["split"]``/``meta["note"]``."""
    records = []
    for name, by_id in source_records(data_dir).items():
        path = Path(events_dir) / name
        if path.is_file():
            joined = read_standoff_events(path, by_id)
            records += [_with_source(r, SOURCE_NAMES[name]) for r in joined]
    return records


def _with_source(record: Sentence, source: str) -> Sentence:
    return replace(record, meta={**record.meta, "source": source})


def by_split(records: Sequence[Sentence]) -> dict[str, list[Sentence]]:
    splits: dict[str, list[Sentence]] = {"train": [], "dev": [], "test": []}
    for record in records:
        splits[record.meta["split"]].append(record)
    return splits
