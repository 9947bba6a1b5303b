"""The project's event-type corpus: stand-off labels in ``data/events``, joined to their sources.

The repository holds ids, labels, a hash of each text, the split and the annotator's note for
hard cases; the text stays with its publishers (news-in-brief-it) and with KIND, and is joined
at load time. A changed source text fails the hash check instead of silently mislabelling.

    data/events/news-in-brief.jsonl   items of news-in-brief-it (headline + description)
    data/events/kind-wn.jsonl         sentences of KIND WN_train / WN_dev (never WN_test)
    data/events/kind-fic-adg.jsonl    sentences of KIND FIC_* / ADG_* train and dev
    data/events/wikineural-val.jsonl  sentences of WikiNEuRal-it val (never its test file)

``python -m cronaca.training.event_corpus import LABELS_DIR`` turns annotators' label files
(``{"id", "labels", "note"}`` lines, as written from the batches of
:mod:`cronaca.training.event_candidates` and :mod:`cronaca.training.wider_candidates`) into
these stand-off files, added to the records already there (an id labelled twice is an error).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from cronaca.inference.labels import EVENT_TYPES

from .corpora import (
    Sentence,
    read_conll,
    read_news_items,
    read_standoff_events,
    read_wikineural,
    shared_data_dir,
    text_hash,
)
from .event_candidates import kind_split, split_for
from .wider_candidates import KIND_STEMS, WIKINEURAL_STEM, kind_dev_split, position_split

EVENTS_DIR = Path(__file__).resolve().parents[1] / "data" / "events"
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


# --------------------------------------------------------------------------- import


def import_labels(
    labels_dir: Path, data_dir: Path | None = None, events_dir: Path = EVENTS_DIR
) -> dict[str, Counter]:
    """Annotators' ``*.labels.jsonl`` files -> the stand-off files (sorted by id), added to
    the records those files already hold."""
    sources = source_records(data_dir)
    rows = {name: _existing_rows(Path(events_dir) / name) for name in sources}
    for path, line_number, label in _annotations(Path(labels_dir)):
        name = next((n for n, by_id in sources.items() if label["id"] in by_id), None)
        if name is None:
            raise ValueError(f"{path}:{line_number}: unknown id {label['id']!r}")
        if label["id"] in rows[name]:
            raise ValueError(f"{path}:{line_number}: {label['id']} is already in {name}")
        unknown = set(label["labels"]) - set(EVENT_TYPES)
        if unknown:
            raise ValueError(f"{path}:{line_number}: unknown labels {sorted(unknown)}")
        sentence = sources[name][label["id"]]
        rows[name][label["id"]] = {
            "id": label["id"],
            "split": sentence.meta["split"],
            "labels": sorted(label["labels"], key=EVENT_TYPES.index),
            "sha256": text_hash(sentence.text),
            "note": label.get("note", ""),
        }
    events_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, by_id in rows.items():
        lines = [by_id[key] for key in sorted(by_id)]
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in lines)
        (events_dir / name).write_text(text, encoding="utf-8")
        counts[name] = Counter(label for row in lines for label in row["labels"] or ["none"])
    return counts


def _existing_rows(path: Path) -> dict[str, dict]:
    if not path.is_file():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {row["id"]: row for row in rows}


ADJUDICATION = "adjudication.jsonl"


def _annotations(labels_dir: Path):
    """``(path, line, label)`` of every annotation, the adjudicator's decisions replacing the
    annotators' for the ids they cover (a second reading that settles inconsistent stories)."""

    def lines(path: Path):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                yield path, number, json.loads(line)

    adjudicated = labels_dir / ADJUDICATION
    final = {}
    if adjudicated.is_file():
        final = {label["id"]: (p, n, label) for p, n, label in lines(adjudicated)}
    seen = set()
    for path in sorted(labels_dir.glob("*.labels.jsonl")):
        for p, n, label in lines(path):
            if label["id"] in seen:
                raise ValueError(f"{p}:{n}: {label['id']} annotated twice")
            seen.add(label["id"])
            yield final.get(label["id"], (p, n, label))
    unknown = set(final) - seen
    if unknown:
        raise ValueError(f"{adjudicated}: ids no annotator labelled: {sorted(unknown)[:5]}")


def stats_table(events_dir: Path = EVENTS_DIR) -> str:
    """Markdown counts per label, source and split, straight from the stand-off files."""
    counts: Counter = Counter()
    for name in FILES:
        for line in (events_dir / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for label in row["labels"] or ["(none)"]:
                counts[(label, name, row["split"])] += 1
            counts[("records", name, row["split"])] += 1
    columns = [(n, s) for n in FILES for s in ("train", "dev", "test")]
    header = "| label | " + " | ".join(f"{n.split('.')[0]} {s}" for n, s in columns) + " | all |"
    lines = [header, "|---" * (len(columns) + 2) + "|"]
    for label in ("records", *EVENT_TYPES, "(none)"):
        cells = [counts[(label, n, s)] for n, s in columns]
        lines.append(f"| {label} | " + " | ".join(map(str, cells)) + f" | {sum(cells)} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    imported = sub.add_parser("import", help="annotators' label files -> data/events stand-off")
    imported.add_argument("labels_dir", type=Path)
    imported.add_argument("--data-dir", type=Path)
    sub.add_parser("stats", help="counts per label, source and split (Markdown)")
    args = parser.parse_args(argv)
    if args.command == "stats":
        print(stats_table())
        return
    for name, counts in import_labels(args.labels_dir, args.data_dir).items():
        print(name, dict(counts))


if __name__ == "__main__":
    main()
