"""The project's conflict-news entity corpus: stand-off spans in ``data/entities``, joined to
news-in-brief-it at load time.

    data/entities/news-in-brief.jsonl   id, split, sha256 of the text, [start, end, type] spans

Items are split by date, as the event corpus (:func:`~.splits.split_for`), so a story never
straddles train and test; a record whose stored split disagrees with its date is refused.
Training configs name a split as ``news-entities:train`` (``dev``, ``test``) among their files
(:func:`is_corpus_name`). The stand-off file is written by :mod:`.entity_import`.
"""

from __future__ import annotations

from pathlib import Path

from .corpora import shared_data_dir
from .event_corpus import NEWS_SOURCE
from .news import read_news_items, read_standoff_entities
from .records import CorpusError, Sentence
from .splits import split_for

ENTITY_FILE = Path(__file__).resolve().parents[2] / "data" / "entities" / "news-in-brief.jsonl"
PREFIX = "news-entities:"
SPLITS = ("train", "dev", "test")


def is_corpus_name(name: str) -> bool:
    """``news-entities:SPLIT``: a split of this corpus named where a file name may stand."""
    return name.startswith(PREFIX)


def load_news_entities(
    data_dir: Path | None = None, path: Path = ENTITY_FILE, split: str | None = None
) -> list[Sentence]:
    """The annotated items (all, or one split), each with IOB2 tags and ``meta["split"]``."""
    if split is not None and split not in SPLITS:
        raise ValueError(f"{PREFIX}{split}: unknown split (one of {', '.join(SPLITS)})")
    data = Path(data_dir) if data_dir else shared_data_dir()
    by_id = {s.id: s for s in read_news_items(data / NEWS_SOURCE)}
    records = read_standoff_entities(path, by_id)
    for record in records:
        expected = split_for(record.meta["date"])
        if record.meta["split"] != expected:
            reason = f"{record.id}: split {record.meta['split']!r}, but its date gives {expected!r}"
            raise CorpusError(path, int(record.origin.rpartition(":")[2]), reason)
    return [r for r in records if split is None or r.meta["split"] == split]


def load_named(name: str, data_dir: Path | None = None) -> list[Sentence]:
    """``news-entities:SPLIT`` -> that split's records."""
    return load_news_entities(data_dir, split=name[len(PREFIX) :])
