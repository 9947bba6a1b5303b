"""The second round of event-type candidates: sources beyond six weeks of Wikinews and news.

The first round (:mod:`.event_candidates`) left every type short of 300
positives and battle at 72. This round widens the corpus, reproducibly (seed 13), and again
only chooses what annotators read; it never assigns a label:

- **news-in-brief-it, the rest of the pool**: items not read in the first round (and not a
  near-duplicate of one), selected by any single event or weak cue (the first round needed
  two) with riot and clash vocabulary first, plus random items as negatives;
- **KIND fiction and De Gasperi** (``FIC_*``, ``ADG_*`` train/dev): sentences with a cue or
  an armed-conflict word, plus random negatives;
- **WikiNEuRal-it validation** (history articles of Wikipedia, rich in battles and sieges):
  sentences with a cue or an armed-conflict word, plus random negatives.

Round four (:func:`round_four`) looks for the two types still under 300 positives, explosions
and riots, where the first three rounds found them: the unread sentences next to a gold
explosion, riot or protest sentence (an article that reports a bombing or a riot usually does
so over several sentences; the neighbours' own labels are still read, never inherited), and the
unread news items with bombing, drone or riot vocabulary.

Held out and never selected: KIND ``WN_test`` and WikiNEuRal-it ``test``.

Splits (fixed, never random: a story or an article must not straddle two splits) are the
rules of :mod:`.splits`: news by date as before; KIND ``*_train`` -> train, ``*_dev`` halves ->
dev/test; WikiNEuRal ``val`` by position: first 70 % train, next 15 % dev, last 15 % test.

    python -m cronaca.training.data.wider_candidates --out /tmp/annot2
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Container, Mapping
from pathlib import Path

from .agreement import corpus_labels
from .columns import read_conll, read_wikineural
from .corpora import shared_data_dir
from .event_candidates import (
    ARMED_CONFLICT,
    DEFAULT_SEED,
    dedup_key,
    deduplicate,
    matching_cues,
    news_item_text,
    read_items,
    select_news_candidates,
)
from .files import write_jsonl
from .splits import KIND_STEMS, WIKINEURAL_STEM, kind_dev_split, position_split, split_for

SEED = 13

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


def _pick(rows: list[dict], wanted, n_cued: int, n_random: int, rng: random.Random) -> list[dict]:
    cued = [r for r in rows if wanted(r["text"])]
    rest = [r for r in rows if not wanted(r["text"])]
    chosen = rng.sample(cued, min(n_cued, len(cued))) + rng.sample(rest, min(n_random, len(rest)))
    order = {id(r): i for i, r in enumerate(rows)}
    return sorted(chosen, key=lambda r: order[id(r)])


def unread_items(items: list[dict], read: Container[str]) -> list[dict]:
    """The items left after near-duplicates are dropped that are neither read (their id in
    ``read``) nor a near-duplicate of a read one: each story is read once."""
    kept, _ = deduplicate(items)
    seen_keys = {dedup_key(i) for i in kept if i["id"] in read}
    return [i for i in kept if i["id"] not in read and dedup_key(i) not in seen_keys]


def news_rows(items_path: Path, annotated: set[str], n_cued: int, n_random: int) -> list[dict]:
    rows = [
        {"id": i["id"], "split": split_for(i["date"]), "text": news_item_text(i)}
        for i in unread_items(read_items(items_path), annotated)
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
    """Batch lines for corpus sentences; ``split_of(sentence_id, position, total)``."""
    n = len(sentences)
    return [
        {"id": s.id, "split": split_of(s.id, k, n), "text": s.text} for k, s in enumerate(sentences)
    ]


def conflict_cue(text: str) -> bool:
    return bool(matching_cues(text) or ARMED_CONFLICT.search(text) or HISTORY_CONFLICT.search(text))


# the sample labelled a second time, independently, for agreement (drawn from round two)
AGREEMENT_SEED, AGREEMENT_SIZE = 29, 400

# (cue-selected, random) sentences per source in round two, as annotated on 2026-12-02
ROUND_TWO = {
    "FIC_train": (300, 60),
    "FIC_dev": (100, 20),
    "ADG_train": (350, 60),
    "ADG_dev": (100, 20),
    "wikineural": (1500, 250),
    "news": (1500, 250),
}


def sentence_sources(data_dir: Path) -> dict[str, list[dict]]:
    """Batch lines of every KIND FIC/ADG and WikiNEuRal-it val sentence, by source name."""
    kind_dir = data_dir / "kind" / "evalita-2023"
    sources = {
        stem: sentence_rows(
            list(read_conll(kind_dir / f"{stem}.tsv")), lambda i, _k, n: kind_dev_split(i, n)
        )
        for stem in KIND_STEMS
    }
    wiki = read_wikineural(
        data_dir / "wikineural-it" / f"{WIKINEURAL_STEM}.conllu", label_map={"MISC": None}
    )
    sources["wikineural"] = sentence_rows(list(wiki), lambda _i, k, n: position_split(k, n))
    return sources


def round_two(data_dir: Path, annotated: set[str]) -> dict[str, list[dict]]:
    """``{"news", "kind", "wikineural": rows}``: the seeded round-two selection."""
    rng = random.Random(SEED)
    sources = sentence_sources(data_dir)
    kind = []
    for stem in KIND_STEMS:
        kind += _pick(sources[stem], conflict_cue, *ROUND_TWO[stem], rng)
    wiki = _pick(sources["wikineural"], conflict_cue, *ROUND_TWO["wikineural"], rng)
    items = data_dir / "news-in-brief-it" / "items-2025-12_2026-01.jsonl"
    news = news_rows(items, annotated, *ROUND_TWO["news"])
    return {"news": news, "kind": kind, "wikineural": wiki}


def round_three(data_dir: Path, taken: set[str]) -> dict[str, list[dict]]:
    """Every cue-matching KIND FIC/ADG and WikiNEuRal sentence that round two left: news had
    given 1-3 % positives in round two, these sentences 15-25 %."""
    sources = sentence_sources(data_dir)
    kind = [r for stem in KIND_STEMS for r in sources[stem]]
    return {
        name: [r for r in rows if r["id"] not in taken and conflict_cue(r["text"])]
        for name, rows in (("kind", kind), ("wikineural", sources["wikineural"]))
    }


# round four: bombing and riot vocabulary for the unread news items, and the gold types whose
# unread neighbouring sentences (within NEIGHBOURS positions, same file) are read
EXPLOSION_OR_RIOT = re.compile(
    r"\bdron[ei]\b|missil|bombard|\braid\b|esplos|ordign|razz[oi]\b|artiglier|bomb[ae]\b"
    r"|kamikaze|autobomb|\bcolpit[oaie]\b|scontri|tafferugl|guerriglia|disordin|sommoss"
    r"|saccheggi|molotov|lacrimogen|idranti|vandal|devastat|teppist|ultras|rivolt|linciagg"
    r"|barricat|cariche|caricat|rissa|aggredit|petard|bomba carta|fumogen|antagonist",
    re.IGNORECASE,
)
NEIGHBOUR_TYPES = ("explosion_remote_violence", "riot", "protest")
NEIGHBOURS = 3


def neighbour_rows(sentences: dict, gold: Mapping[str, Collection[str]]) -> list[dict]:
    """Unread sentences within :data:`NEIGHBOURS` positions of a gold sentence of a
    :data:`NEIGHBOUR_TYPES` type in the same file; ``sentences`` maps ids (``STEM:N``, in file
    order) to sentences carrying ``meta["split"]``."""
    by_stem: dict[str, list] = {}
    for sentence_id, sentence in sentences.items():
        by_stem.setdefault(sentence_id.partition(":")[0], []).append(sentence)
    rows = []
    for stem_sentences in by_stem.values():
        hits = [
            k
            for k, s in enumerate(stem_sentences)
            if any(t in gold.get(s.id, ()) for t in NEIGHBOUR_TYPES)
        ]
        near = {j for k in hits for j in range(k - NEIGHBOURS, k + NEIGHBOURS + 1)}
        rows += [
            {"id": s.id, "split": s.meta["split"], "text": s.text}
            for j, s in enumerate(stem_sentences)
            if j in near and s.id not in gold
        ]
    return rows


def round_four(data_dir: Path, gold: Mapping[str, Collection[str]]) -> dict[str, list[dict]]:
    """``{"sentences", "news": rows}``: neighbours of gold explosion/riot/protest sentences,
    and the unread news items (no near-duplicate of a read one) with bombing or riot words;
    ``gold`` maps every labelled id to its labels."""
    from .event_corpus import FIC_ADG_FILE, KIND_FILE, NEWS_FILE, WIKINEURAL_FILE, source_records

    sources = source_records(data_dir)
    sentences = [
        row
        for name in (KIND_FILE, FIC_ADG_FILE, WIKINEURAL_FILE)
        for row in neighbour_rows(sources[name], gold)
    ]
    items = read_items(data_dir / "news-in-brief-it" / "items-2025-12_2026-01.jsonl")
    news = [
        {"id": i["id"], "split": sources[NEWS_FILE][i["id"]].meta["split"], "text": text}
        for i in unread_items(items, gold)
        if EXPLOSION_OR_RIOT.search(text := news_item_text(i))
    ]
    return {"sentences": sentences, "news": news}


def main(args) -> None:
    """Write the round-two, -three and -four batches and the agreement sample into ``args.out``
    (``--out``, ``--data-dir``, as :func:`cronaca.training.cli.run_tool` parses them)."""
    data = args.data_dir or shared_data_dir()
    args.out.mkdir(parents=True, exist_ok=True)
    items = read_items(data / "news-in-brief-it" / "items-2025-12_2026-01.jsonl")
    first = {item_id for item_id, _ in select_news_candidates(items, seed=DEFAULT_SEED)}
    two = round_two(data, first)
    three = round_three(data, {r["id"] for rows in two.values() for r in rows})
    agreement = random.Random(AGREEMENT_SEED).sample(
        [r for rows in two.values() for r in rows], AGREEMENT_SIZE
    )
    write_jsonl(
        args.out / "agreement.jsonl", [{"id": r["id"], "text": r["text"]} for r in agreement]
    )
    four = round_four(data, corpus_labels())
    for round_name, chosen in (("r2", two), ("r3", three), ("r4", four)):
        for source, rows in chosen.items():
            path = args.out / f"{round_name}-{source}.jsonl"
            write_jsonl(path, [{"id": r["id"], "text": r["text"]} for r in rows])
            print(f"wrote {path} ({len(rows)} records)")


if __name__ == "__main__":  # the arguments are parsed where all of cronaca's are
    from cronaca.training.cli import run_tool

    run_tool("wider_candidates", main)
