"""Annotators' label files into the stand-off files of ``data/events``, and their counts.

``python -m cronaca.training.data.event_import import LABELS_DIR`` turns annotators' label files
(``{"id", "labels", "note"}`` lines, as written from the batches of
:mod:`.event_candidates` and :mod:`.wider_candidates`) into the stand-off files read by
:mod:`.event_corpus`, added to the records already there (an id labelled twice is an error);
``python -m cronaca.training.data.event_import stats`` prints the counts per label, source and
split. An annotation tool, apart from the loader that training reads.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from cronaca.inference.labels import EVENT_TYPES

from .event_corpus import EVENTS_DIR, FILES, source_records
from .files import write_jsonl
from .records import text_hash


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
        write_jsonl(events_dir / name, lines)
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


def main(args) -> None:
    """``import LABELS_DIR [--data-dir DIR]`` or ``stats``, as :func:`cronaca.training.cli.run_tool`
    parses them."""
    if args.command == "stats":
        print(stats_table())
        return
    for name, counts in import_labels(args.labels_dir, args.data_dir).items():
        print(name, dict(counts))


if __name__ == "__main__":  # the arguments are parsed where all of cronaca's are
    from cronaca.training.cli import run_tool

    run_tool("event_import", main)
