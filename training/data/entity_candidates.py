"""Which news items annotators read for the conflict-news entity corpus (selection, not labels).

The items are drawn from the news records of the event corpus (``data/events/news-in-brief.jsonl``:
already de-duplicated, split by date), so every entity-annotated item also has event types:
the joint model and the per-source tables can read both layers of one text. Per split, two
thirds are *conflict* items (event types annotated, or a selection cue of
:mod:`.selection_cues` matches) and one third *ordinary* news, so the model is scored on what
analysts read and does not learn that every text is about war. A fixed seed makes the
selection reproducible; an agreement sample (:data:`AGREEMENT_SIZE` items across the splits)
is read a second time, independently.

    python -m cronaca.training.data.entity_candidates --out DIR
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from .event_candidates import DEFAULT_ITEMS, is_candidate, matching_cues, news_item_text, read_items
from .files import write_jsonl

SEED = 17
EVENTS_FILE = Path(__file__).resolve().parents[2] / "data" / "events" / "news-in-brief.jsonl"
# items per split: (conflict, ordinary); test is the largest, it is the domain benchmark
QUOTAS = {"train": (500, 250), "dev": (200, 100), "test": (300, 150)}
AGREEMENT_SIZE = 150
BATCH_SIZE = 250


def _pools(events_file: Path, items_path: Path) -> dict[tuple[str, bool], list[dict]]:
    """Event-corpus news records by (split, is_conflict), each with its item's text."""
    items = {item["id"]: item for item in read_items(items_path)}
    pools: dict[tuple[str, bool], list[dict]] = {}
    with open(events_file, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            item = items[record["id"]]
            text = news_item_text(item)
            conflict = bool(record["labels"]) or is_candidate(matching_cues(text))
            row = {"id": record["id"], "date": item["date"], "split": record["split"], "text": text}
            pools.setdefault((record["split"], conflict), []).append(row)
    return pools


def select(events_file: Path = EVENTS_FILE, items_path: Path = DEFAULT_ITEMS, seed: int = SEED):
    """The selected rows (date order) and the agreement sample's ids."""
    rng = random.Random(seed)
    pools, chosen = _pools(events_file, items_path), []
    for split, (n_conflict, n_ordinary) in QUOTAS.items():
        for conflict, wanted in ((True, n_conflict), (False, n_ordinary)):
            pool = sorted(pools.get((split, conflict), []), key=lambda row: row["id"])
            if len(pool) < wanted:
                raise ValueError(f"{split}: only {len(pool)} items for {wanted} wanted")
            chosen += rng.sample(pool, wanted)
    chosen.sort(key=lambda row: (row["date"], row["id"]))
    agreement = sorted(rng.sample([row["id"] for row in chosen], AGREEMENT_SIZE))
    return chosen, agreement


def main(args) -> None:
    rows, agreement = select(Path(args.events), Path(args.items), args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for number, start in enumerate(range(0, len(rows), BATCH_SIZE), 1):
        write_jsonl(out / f"ent-batch-{number:02d}.jsonl", rows[start : start + BATCH_SIZE])
    by_id = {row["id"]: row for row in rows}
    write_jsonl(out / "ent-agreement.jsonl", [by_id[i] for i in agreement])
    print(f"{len(rows)} items in {out}; agreement sample {len(agreement)} (ent-agreement.jsonl)")


if __name__ == "__main__":  # the arguments are parsed where all of cronaca's are
    from cronaca.training.cli import run_tool

    run_tool(
        "entity_candidates", main, events=str(EVENTS_FILE), items=str(DEFAULT_ITEMS), seed=SEED
    )
