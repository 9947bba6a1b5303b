"""The project's event-type corpus: stand-off labels in ``data/events``, joined to their sources.

The repository holds ids, labels, a hash of each text, the split and the annotator's note for
hard cases; the text stays with its publishers (news-in-brief-it) and with KIND, and is joined
at load time. A changed source text fails the hash check instead of silently mislabelling.

    data/events/news-in-brief.jsonl   items of news-in-brief-it (headline + description)
    data/events/kind-wn.jsonl         sentences of KIND WN_train / WN_dev (never WN_test)

``python -m cronaca.training.event_corpus import LABELS_DIR`` turns annotators' label files
(``{"id", "labels", "note"}`` lines, as written from the batches of
:mod:`cronaca.training.event_candidates`) into these stand-off files.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from cronaca.inference.labels import EVENT_TYPES

from .corpora import (
    Sentence,
    read_conll,
    read_news_items,
    read_standoff_events,
    shared_data_dir,
    text_hash,
)
from .event_candidates import kind_split, split_for

EVENTS_DIR = Path(__file__).resolve().parents[1] / "data" / "events"
NEWS_FILE = "news-in-brief.jsonl"
KIND_FILE = "kind-wn.jsonl"
NEWS_SOURCE = Path("news-in-brief-it") / "items-2025-12_2026-01.jsonl"
KIND_SOURCES = ("WN_train", "WN_dev")  # WN_test is the held-out benchmark: never annotated


def source_records(data_dir: Path | None = None) -> dict[str, dict[str, Sentence]]:
    """Every record an annotation may point to, by source file, by id."""
    data = Path(data_dir) if data_dir else shared_data_dir()
    sources = {NEWS_FILE: {s.id: s for s in read_news_items(data / NEWS_SOURCE)}}
    kind: dict[str, Sentence] = {}
    for stem in KIND_SOURCES:
        kind |= {s.id: s for s in read_conll(data / "kind" / "evalita-2023" / f"{stem}.tsv")}
    sources[KIND_FILE] = kind
    return sources


def record_split(sentence: Sentence, n_wn_dev: int) -> str:
    if sentence.id.startswith("nib-"):
        return split_for(sentence.meta["date"])
    return kind_split(sentence.id, n_wn_dev)


def load_event_corpus(
    data_dir: Path | None = None, events_dir: Path = EVENTS_DIR
) -> list[Sentence]:
    """All labelled records, with ``events`` set and ``meta["split"]``/``meta["note"]``."""
    records = []
    for name, by_id in source_records(data_dir).items():
        records += read_standoff_events(Path(events_dir) / name, by_id)
    return records


def by_split(records: Sequence[Sentence]) -> dict[str, list[Sentence]]:
    splits: dict[str, list[Sentence]] = {"train": [], "dev": [], "test": []}
    for record in records:
        splits[record.meta["split"]].append(record)
    return splits


# --------------------------------------------------------------------------- import


def import_labels(
    labels_dir: Path, data_dir: Path | None = None, events_dir: Path = EVENTS_DIR
) -> dict[str, Counter]:
    """Annotators' ``*.labels.jsonl`` files -> the two stand-off files (sorted by id)."""
    sources = source_records(data_dir)
    n_wn_dev = sum(1 for key in sources[KIND_FILE] if key.startswith("WN_dev:"))
    rows: dict[str, list[dict]] = {name: [] for name in sources}
    for path, line_number, label in _annotations(Path(labels_dir)):
        name = NEWS_FILE if label["id"].startswith("nib-") else KIND_FILE
        sentence = sources[name].get(label["id"])
        if sentence is None:
            raise ValueError(f"{path}:{line_number}: unknown id {label['id']!r}")
        unknown = set(label["labels"]) - set(EVENT_TYPES)
        if unknown:
            raise ValueError(f"{path}:{line_number}: unknown labels {sorted(unknown)}")
        rows[name].append(
            {
                "id": label["id"],
                "split": record_split(sentence, n_wn_dev),
                "labels": sorted(label["labels"], key=EVENT_TYPES.index),
                "sha256": text_hash(sentence.text),
                "note": label.get("note", ""),
            }
        )
    events_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, lines in rows.items():
        lines.sort(key=lambda row: row["id"])
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in lines)
        (events_dir / name).write_text(text, encoding="utf-8")
        counts[name] = Counter(label for row in lines for label in row["labels"] or ["none"])
    return counts


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
    for name in (NEWS_FILE, KIND_FILE):
        for line in (events_dir / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for label in row["labels"] or ["(none)"]:
                counts[(label, name, row["split"])] += 1
            counts[("records", name, row["split"])] += 1
    columns = [(n, s) for n in (NEWS_FILE, KIND_FILE) for s in ("train", "dev", "test")]
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
