"""Annotators' entity lists -> character spans -> the stand-off file ``data/entities``.

Annotators read each item and write one JSONL line per item::

    {"id": "nib-…", "entities": [["JNIM", "ORG"], ["Acharan", "LOC"]], "note": "…"}

listing every mention in reading order, a repeated name once per occurrence. Writing the
surface string is less error-prone for a reader than counting characters; this module finds
each mention after the previous one, on word boundaries (:func:`~cronaca.inference.words.
word_spans`), and so turns the list into exact spans. ``check`` lists every mention it cannot
place (misspelt, out of order, inside a word) so the annotator fixes the line; ``import``
refuses a file with any. Nothing here proposes a label: the spans are exactly what was written.

    python -m cronaca.training.data.entity_import check FILE...
    python -m cronaca.training.data.entity_import import FILE... [--out STANDOFF_FILE]
    python -m cronaca.training.data.entity_import agreement FIRST SECOND
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from cronaca.inference.labels import ENTITY_TYPES
from cronaca.inference.words import word_spans

from .entity_candidates import EVENTS_FILE
from .event_candidates import DEFAULT_ITEMS, news_item_text, read_items
from .files import write_jsonl
from .records import text_hash

ENTITY_FILE = Path(__file__).resolve().parents[2] / "data" / "entities" / "news-in-brief.jsonl"
Span = tuple[int, int, str]


def resolve(text: str, mentions: list) -> tuple[list[Span], list[str]]:
    """Each ``[surface, type]`` placed after the previous one on word boundaries; problems."""
    words = word_spans(text)
    starts, ends = {s for s, _ in words}, {e for _, e in words}
    spans, problems, cursor = [], [], 0
    for mention in mentions:
        if not (
            isinstance(mention, list)
            and len(mention) == 2
            and all(isinstance(m, str) for m in mention)
        ):
            problems.append(f"not a [surface, type] pair: {mention!r}")
            continue
        surface, label = mention
        if label not in ENTITY_TYPES:
            problems.append(f"{surface!r}: unknown type {label!r} (PER, ORG, LOC)")
            continue
        found = _find(text, surface, cursor, starts, ends)
        if found is None:
            where = "inside a word or" if surface in text[cursor:] else ""
            problems.append(f"{surface!r} {label}: not found {where} after character {cursor}")
            continue
        spans.append((found, found + len(surface), label))
        cursor = found + len(surface)
    return spans, problems


def _find(text: str, surface: str, cursor: int, starts: set, ends: set) -> int | None:
    position = text.find(surface, cursor)
    while position >= 0 and surface:
        if position in starts and position + len(surface) in ends:
            return position
        position = text.find(surface, position + 1)
    return None


def _texts(items_path: Path = DEFAULT_ITEMS) -> dict[str, str]:
    return {item["id"]: news_item_text(item) for item in read_items(items_path)}


def _splits(events_file: Path = EVENTS_FILE) -> dict[str, str]:
    with open(events_file, encoding="utf-8") as handle:
        return {r["id"]: r["split"] for r in map(json.loads, handle)}


def read_annotations(path: Path, texts: dict[str, str]) -> tuple[dict[str, dict], list[str]]:
    """An annotator's file: id -> {spans, note}, and every problem as ``file:line: reason``."""
    rows, problems = {}, []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(f"{where}: not JSON ({error.msg})")
                continue
            record_id = record.get("id") if isinstance(record, dict) else None
            if record_id not in texts:
                problems.append(f"{where}: unknown or missing id {record_id!r}")
                continue
            if record["id"] in rows:
                problems.append(f"{where}: {record['id']} annotated twice")
            spans, bad = resolve(texts[record["id"]], record.get("entities", []))
            problems += [f"{where}: {record['id']}: {reason}" for reason in bad]
            rows[record["id"]] = {"spans": spans, "note": record.get("note", "")}
    return rows, problems


def standoff_rows(
    rows: dict[str, dict], texts: dict[str, str], splits: dict[str, str]
) -> list[dict]:
    return [
        {
            "id": item_id,
            "split": splits[item_id],
            "sha256": text_hash(texts[item_id]),
            "entities": [list(span) for span in row["spans"]],
            "note": row["note"],
        }
        for item_id, row in sorted(rows.items())
    ]


def span_agreement(first: dict[str, list[Span]], second: dict[str, list[Span]]) -> dict:
    """Exact-span F1 of one annotation against the other over their common items (symmetric),
    overall, per type and ignoring the type."""
    common = sorted(set(first) & set(second))

    def f1(select) -> float:
        a = {(i, *s) for i in common for s in first[i] if select(s)}
        b = {(i, *s) for i in common for s in second[i] if select(s)}
        return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0

    untyped_a = {(i, s, e) for i in common for s, e, _ in first[i]}
    untyped_b = {(i, s, e) for i in common for s, e, _ in second[i]}
    return {
        "items": len(common),
        "mentions": [sum(len(first[i]) for i in common), sum(len(second[i]) for i in common)],
        "exact_span_f1": f1(lambda s: True),
        "per_type_f1": {t: f1(lambda s, t=t: s[2] == t) for t in ENTITY_TYPES},
        "unlabelled_span_f1": 2
        * len(untyped_a & untyped_b)
        / max(1, len(untyped_a) + len(untyped_b)),
    }


def main(args) -> None:
    texts = _texts()
    if args.command == "agreement":
        first, p1 = read_annotations(args.first, texts)
        second, p2 = read_annotations(args.second, texts)
        if p1 or p2:
            raise SystemExit("\n".join(p1 + p2))
        spans = lambda rows: {i: r["spans"] for i, r in rows.items()}  # noqa: E731
        print(json.dumps(span_agreement(spans(first), spans(second)), indent=2))
        return
    rows, problems = {}, []
    for path in args.files:
        found, bad = read_annotations(path, texts)
        rows.update(found)
        problems += bad
    print("\n".join(problems) or f"{len(rows)} items, every mention placed")
    if args.command == "import":
        if problems:
            raise SystemExit(f"{len(problems)} problems: nothing written")
        out = Path(args.out or ENTITY_FILE)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl(out, standoff_rows(rows, texts, _splits()))
        counts = Counter(s[2] for r in rows.values() for s in r["spans"])
        print(f"wrote {out}: {len(rows)} items, mentions {dict(counts)}")


if __name__ == "__main__":  # the arguments are parsed where all of cronaca's are
    from cronaca.training.cli import run_tool

    run_tool("entity_import", main)
