"""The second round of event-type candidates: sources beyond six weeks of Wikinews and news.

The first round (:mod:`cronaca.training.event_candidates`) left every type short of 300
positives and battle at 72. This round widens the corpus, reproducibly (seed 13), and again
only chooses what annotators read; it never assigns a label:

- **news-in-brief-it, the rest of the pool**: items not read in the first round (and not a
  near-duplicate of one), selected by any single event or weak cue (the first round needed
  two) with riot and clash vocabulary first, plus random items as negatives;
- **KIND fiction and De Gasperi** (``FIC_*``, ``ADG_*`` train/dev): sentences with a cue or
  an armed-conflict word, plus random negatives;
- **WikiNEuRal-it validation** (history articles of Wikipedia, rich in battles and sieges):
  sentences with a cue or an armed-conflict word, plus random negatives.

Held out and never selected: KIND ``WN_test`` and WikiNEuRal-it ``test``.

Splits (fixed, never random: a story or an article must not straddle two splits):
news by date as before; KIND ``*_train`` -> train, ``*_dev`` halves -> dev/test;
WikiNEuRal ``val`` by position: first 70 % train, next 15 % dev, last 15 % test.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from .event_candidates import (
    ARMED_CONFLICT,
    deduplicate,
    dedup_key,
    matching_cues,
    news_item_text,
    read_items,
    split_for,
)

SEED = 13
KIND_STEMS = ("FIC_train", "FIC_dev", "ADG_train", "ADG_dev")
WIKINEURAL_STEM = "val"

# Riots and ground fighting are the types the first round found least: look for them first.
RIOT_OR_CLASH = re.compile(
    r"scontri|tafferugl|guerriglia|disordin|sommoss|saccheggi|molotov|lacrimogen|idranti"
    r"|vandal|devastat|teppist|ultras|rivolt|linciagg|barricat|cariche|caricat"
    r"|combatt|conquist|assedi|offensiv|avanzat|ripres[oa] il controllo|truppe|fronte",
    re.IGNORECASE,
)
HISTORY_CONFLICT = re.compile(
    r"battagli|assedi|sconfi|vittori|sbarc|invas|occup|guerr|ribell|rivolt|insurrez|sommoss"
    r"|tumult|massacr|eccidi|stermin|deport|armistizi|trattato di pace|resa\b|capitol",
    re.IGNORECASE,
)


def position_split(index: int, total: int) -> str:
    """WikiNEuRal val: articles are contiguous, so cut by position (leaks at most one)."""
    if index < total * 0.70:
        return "train"
    return "dev" if index < total * 0.85 else "test"


def kind_dev_split(sentence_id: str, n_sentences: int) -> str:
    stem, _, index = sentence_id.partition(":")
    if stem.endswith("_train"):
        return "train"
    return "dev" if int(index) < n_sentences // 2 else "test"


def _pick(rows: list[dict], wanted, n_cued: int, n_random: int, rng: random.Random) -> list[dict]:
    cued = [r for r in rows if wanted(r["text"])]
    rest = [r for r in rows if not wanted(r["text"])]
    chosen = rng.sample(cued, min(n_cued, len(cued))) + rng.sample(rest, min(n_random, len(rest)))
    order = {id(r): i for i, r in enumerate(rows)}
    return sorted(chosen, key=lambda r: order[id(r)])


def news_rows(items_path: Path, annotated: set[str], n_cued: int, n_random: int) -> list[dict]:
    items = read_items(items_path)
    kept, _ = deduplicate(items)
    seen_keys = {dedup_key(i) for i in kept if i["id"] in annotated}
    rows = [
        {"id": i["id"], "split": split_for(i["date"]), "text": news_item_text(i)}
        for i in kept
        if i["id"] not in annotated and dedup_key(i) not in seen_keys
    ]
    rng = random.Random(SEED)
    riot = [r for r in rows if RIOT_OR_CLASH.search(r["text"])]
    taken = {r["id"] for r in riot}
    rest = [r for r in rows if r["id"] not in taken]
    n_riot = min(len(riot), n_cued // 2)
    chosen = rng.sample(riot, n_riot) + _pick(
        rest, lambda t: bool(matching_cues(t)), n_cued - n_riot, n_random, rng
    )
    order = {r["id"]: k for k, r in enumerate(rows)}
    return sorted(chosen, key=lambda r: order[r["id"]])


def sentence_rows(sentences, split_of) -> list[dict]:
    return [
        {"id": s.id, "split": split_of(s.id, k), "text": s.text} for k, s in enumerate(sentences)
    ]


def conflict_cue(text: str) -> bool:
    return bool(matching_cues(text) or ARMED_CONFLICT.search(text) or HISTORY_CONFLICT.search(text))


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def select_all(data_dir: Path, annotated: set[str], sizes: dict[str, tuple[int, int]]):
    """``{source: rows}`` for the three wider sources, each ``(cued, random)`` as in ``sizes``."""
    from .corpora import read_conll, read_wikineural

    rng = random.Random(SEED)
    kind_dir = data_dir / "kind" / "evalita-2023"
    kind: list[dict] = []
    for stem in KIND_STEMS:
        corpus = list(read_conll(kind_dir / f"{stem}.tsv"))
        rows = sentence_rows(corpus, lambda sid, _k, n=len(corpus): kind_dev_split(sid, n))
        n_cued, n_random = sizes[stem]
        kind += _pick(rows, conflict_cue, n_cued, n_random, rng)
    wiki = list(
        read_wikineural(
            data_dir / "wikineural-it" / f"{WIKINEURAL_STEM}.conllu", label_map={"MISC": None}
        )
    )
    rows = sentence_rows(wiki, lambda _sid, k, n=len(wiki): position_split(k, n))
    n_cued, n_random = sizes["wikineural"]
    news = news_rows(
        data_dir / "news-in-brief-it" / "items-2025-12_2026-01.jsonl", annotated, *sizes["news"]
    )
    return {
        "news": news,
        "kind": kind,
        "wikineural": _pick(rows, conflict_cue, n_cued, n_random, rng),
    }
