"""Candidate selection for the event-type corpus (selection is *not* labelling).

The project labels its own Italian corpus with the six ACLED event types (see
``shared/guidelines/event-types.md``). This module only decides, reproducibly, **which**
news-in-brief-it items annotators will read; it never assigns a label. A cue match is a
reason to *look at* an item, nothing more: sport metaphors, trials, commemorations and
ordinary crime news matched by a cue are wanted as hard negatives.

Selection (:func:`select_news_candidates`)
    1. Items are taken in date order (ties: file order); an item whose normalised text
       (:func:`dedup_key`: casefolded, punctuation-free, outlet boilerplate such as
       ``" - Fanpage"`` removed) equals an earlier item's is dropped.
    2. Candidates: items whose text (:func:`news_item_text`) matches an EVENT cue of
       :data:`~.selection_cues.CUES` ("bombardamenti", "corteo", "cessate il fuoco",
       "ostaggi" ...), or a WEAK cue ("ucciso", "arrestato", "attacco", "protesta",
       "soldati" ...) together with a CONTEXT cue (a named conflict or actor: Ucraina, Gaza,
       Hamas, Iran, Isis, Venezuela, Askatasuna ...; "guerra"; "in piazza"). The two-cue
       rule keeps the pool near 2,000 items: alone, the weak words select ordinary crime,
       accidents and politics by the thousand, and the place names alone select every
       diplomatic comment.
    3. Negatives: a seeded random sample of the other (not selected) items, some of them
       partial cue matches, so the corpus shows what "no event" looks like and the
       annotators' labels on them measure what the cues miss.

Splits are fixed by date (:func:`~.splits.split_for`), never random: the same event is reported
by many outlets on the same days, so a random split would leak stories across splits.

Regenerate the annotation batches (text goes to a scratch folder outside git: the
publishers' text is never stored in the repository, only ids and our own labels)::

    python -m cronaca.training.data.event_candidates --out /tmp/annot
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from .columns import read_conll
from .corpora import shared_data_dir
from .files import write_jsonl
from .news import news_text
from .selection_cues import CONTEXT, CUES, EVENT, WEAK
from .splits import kind_split, split_for

DEFAULT_ITEMS = shared_data_dir() / "news-in-brief-it" / "items-2025-12_2026-01.jsonl"
DEFAULT_SEED = 13
DEFAULT_NEGATIVES = 450
DEFAULT_BATCH_SIZE = 250

_I = re.IGNORECASE

# Outlet boilerplate that two feeds of the same outlet add differently to the same story.
_BOILERPLATE = re.compile(
    r"\s*[-|–]\s*(?:fanpage(?:\.it)?|la\s+stampa|lastampa\.it|il\s+post"
    r"|libero\s+quotidiano(?:\.it)?|liberoquotidiano\.it)\s*$"
    r"|\s+(?:fanpage|la\s+stampa|il\s+post)\s*$|\s*continua\s+a\s+leggere\s*$",
    _I,
)


def news_item_text(item: dict) -> str:
    """The record text, as the corpus reader builds it (one definition: the hashes depend on it)."""
    return news_text(item.get("title") or "", item.get("description") or "")


def _strip_boilerplate(text: str) -> str:
    previous = None
    text = text.strip()
    while previous != text:
        previous, text = text, _BOILERPLATE.sub("", text).strip()
    return text


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def dedup_key(item: dict) -> str:
    """Normalised text used for de-duplication.

    Casefolded, punctuation and whitespace collapsed, outlet boilerplate (``" - Fanpage"``,
    ``"| Libero Quotidiano.it - Libero Quotidiano"``, ``"Continua a leggere"`` ...) removed,
    and a description that only repeats the title ignored: the same story from two feeds of
    one outlet gets one key.
    """
    title = _normalise(_strip_boilerplate(item.get("title") or ""))
    description = _normalise(_strip_boilerplate(item.get("description") or ""))
    if description and description != title:
        return f"{title}\n{description}"
    return title


def matching_cues(text: str) -> list[str]:
    """Names of the cues that match ``text`` (in :data:`CUES` order)."""
    return [cue.name for cue in CUES if cue.pattern.search(text)]


_KIND = {cue.name: cue.kind for cue in CUES}


def is_candidate(cue_names: Iterable[str]) -> bool:
    """Selected: an EVENT cue matched, or a WEAK cue together with a CONTEXT cue."""
    kinds = {_KIND[name] for name in cue_names}
    return EVENT in kinds or {WEAK, CONTEXT} <= kinds


def _date_order(items: Iterable[dict]) -> list[dict]:
    """Items sorted by date, ties kept in input order (stable)."""
    return sorted(items, key=lambda item: item.get("date") or "")


def deduplicate(items: Iterable[dict]) -> tuple[list[dict], int]:
    """Drop items whose :func:`dedup_key` equals an earlier item's; date order, then input order.

    Returns the kept items (in date order) and the number dropped.
    """
    seen: set[str] = set()
    kept: list[dict] = []
    dropped = 0
    for item in _date_order(items):
        key = dedup_key(item)
        if key in seen:
            dropped += 1
            continue
        seen.add(key)
        kept.append(item)
    return kept, dropped


def select_news_candidates(
    items: Sequence[dict], seed: int = DEFAULT_SEED, negatives: int = DEFAULT_NEGATIVES
) -> list[tuple[str, str]]:
    """Items to annotate as ``(item_id, reason)``, in date order; deterministic.

    ``reason`` is ``"cue:" + "+".join(cue names)`` for a candidate (:func:`is_candidate`);
    for one of the ``negatives`` items drawn with ``random.Random(seed)`` from the items not
    selected it is ``"negative"``, or ``"negative:" + "+".join(cue names)`` when some cue
    matched without selecting it. Duplicates (see :func:`deduplicate`) are dropped first.
    """
    kept, _ = deduplicate(items)
    selected: dict[str, str] = {}
    rest: dict[str, list[str]] = {}
    for item in kept:
        cues = matching_cues(news_item_text(item))
        if is_candidate(cues):
            selected[item["id"]] = "cue:" + "+".join(cues)
        else:
            rest[item["id"]] = cues
    for item_id in random.Random(seed).sample(list(rest), min(negatives, len(rest))):
        selected[item_id] = "negative:" + "+".join(rest[item_id]) if rest[item_id] else "negative"
    return [(item["id"], selected[item["id"]]) for item in kept if item["id"] in selected]


KIND_NEGATIVES = {"WN_train": 150, "WN_dev": 60}


def select_kind_candidates(sentences: Sequence, seed: int = DEFAULT_SEED, negatives: int = 150):
    """``(sentence, reason)`` for KIND sentences: cue candidates plus seeded random negatives."""
    chosen, rest = [], []
    for sentence in sentences:
        cues = matching_cues(sentence.text)
        (chosen if is_candidate(cues) else rest).append((sentence, "cue:" + "+".join(cues)))
    drawn = random.Random(seed).sample(rest, min(negatives, len(rest)))
    picked = {id(s) for s, _ in chosen} | {id(s) for s, _ in drawn}
    reasons = dict((id(s), r) for s, r in chosen) | {id(s): "negative" for s, _ in drawn}
    return [(s, reasons[id(s)]) for s in sentences if id(s) in picked]


# A second, broader pass over KIND for armed conflict: the first pass left the battle type short
# of examples (Wikinews war reports say "truppe", "insorti", "attaccati" without the news cues).
# It only adds sentences the first pass did not select, so the first pass's batches stay as made.
ARMED_CONFLICT = re.compile(
    r"combattiment|scontr[io]\b|ribell|insort|talebani|miliz|guerriglier|truppe|conquist"
    r"|offensiv|assedi|ripres[oa] il controllo|esercito|soldati|militari|forze armate"
    r"|jihadist|terroris|bombard|attacc|razz[oi]|missil|artiglieria",
    _I,
)


def kind_records(kind_dir: Path) -> tuple[list[dict], list[dict]]:
    """KIND sentences to annotate, first pass then the armed-conflict pass, as batch lines."""
    first, second = [], []
    for stem, n_negatives in KIND_NEGATIVES.items():
        corpus = read_conll(kind_dir / f"{stem}.tsv")
        chosen = select_kind_candidates(corpus, negatives=n_negatives)
        taken = {sentence.id for sentence, _ in chosen}
        extra = [s for s in corpus if s.id not in taken and ARMED_CONFLICT.search(s.text)]
        for target, sentences in ((first, [s for s, _ in chosen]), (second, extra)):
            target += [
                {"id": s.id, "split": kind_split(s.id, len(corpus)), "text": s.text}
                for s in sentences
            ]
    return first, second


def write_balanced(
    out_dir: Path, prefix: str, rows: Sequence[dict], batch_size: int
) -> list[tuple[Path, int]]:
    """``PREFIX-batch-XX.jsonl`` files of ``rows`` in order, replacing older ones: balanced,
    ``ceil(n / batch_size)`` files of nearly equal size."""
    for stale in out_dir.glob(f"{prefix}-batch-*.jsonl"):
        stale.unlink()
    n = len(rows)
    n_batches = max(1, -(-n // batch_size))
    written = []
    for b in range(n_batches):
        chunk = rows[b * n // n_batches : (b + 1) * n // n_batches]
        path = out_dir / f"{prefix}-batch-{b + 1:02d}.jsonl"
        write_jsonl(path, chunk)
        written.append((path, len(chunk)))
    return written


def write_kind_batches(kind_dir: Path, out_dir: Path, batch_size: int = DEFAULT_BATCH_SIZE):
    """``kind-batch-XX.jsonl`` of ``{"id", "split", "text"}`` from WN_train and WN_dev: the
    first pass in balanced batches, then the armed-conflict pass in one batch of its own."""
    records, supplement = kind_records(kind_dir)
    written = write_balanced(out_dir, "kind", records, batch_size)
    for path, size in written:
        print(f"wrote {path} ({size} sentences)")
    path = out_dir / f"kind-batch-{len(written) + 1:02d}.jsonl"
    write_jsonl(path, supplement)
    print(f"wrote {path} ({len(supplement)} sentences, armed-conflict pass)")
    print("KIND:", Counter(r["split"] for r in records + supplement))


def read_items(path: str | Path) -> list[dict]:
    """Read a news-in-brief-it JSONL file."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_batches(
    items: Sequence[dict],
    selection: Sequence[tuple[str, str]],
    out_dir: str | Path,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> list[tuple[Path, int]]:
    """Write ``nib-batch-XX.jsonl`` files of ``{"id", "date", "split", "text"}`` lines.

    Lines follow the selection's order (date order), so an annotator sees a story develop.
    Batches are balanced: ``ceil(n / batch_size)`` files of nearly equal size. The reason
    is *not* written: annotators must read, not be primed by the cue that selected an item.
    """
    by_id = {item["id"]: item for item in items}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = [
        {
            "id": item_id,
            "date": by_id[item_id]["date"],
            "split": split_for(by_id[item_id]["date"]),
            "text": news_item_text(by_id[item_id]),
        }
        for item_id, _reason in selection
    ]
    return write_balanced(out, "nib", rows, batch_size)


def main(args) -> None:
    """Write the first-round batches (arguments as :func:`cronaca.training.cli.run_tool` parses
    them: ``--items``, ``--out``, ``--seed``, ``--negatives``, ``--batch-size``)."""
    items = read_items(args.items)
    _, dropped = deduplicate(items)
    selection = select_news_candidates(items, seed=args.seed, negatives=args.negatives)
    dates = {item["id"]: item["date"] for item in items}
    counts = Counter(
        (split_for(dates[i]), "negative" if r.startswith("negative") else "candidate")
        for i, r in selection
    )
    print(f"items read: {len(items)}; duplicates dropped: {dropped}; cues: {len(CUES)}")
    for split in ("train", "dev", "test"):
        cand, neg = counts[(split, "candidate")], counts[(split, "negative")]
        print(f"{split:5s}: {cand} candidates + {neg} negatives = {cand + neg}")
    n_cand = sum(v for (_, kind), v in counts.items() if kind == "candidate")
    n_neg = sum(v for (_, kind), v in counts.items() if kind == "negative")
    print(f"total: {n_cand} candidates + {n_neg} negatives = {len(selection)}")
    for path, size in write_batches(items, selection, args.out, args.batch_size):
        print(f"wrote {path} ({size} items)")
    write_kind_batches(Path(args.items).parents[1] / "kind" / "evalita-2023", Path(args.out))


if __name__ == "__main__":  # the arguments are parsed where all of cronaca's are
    from cronaca.training.cli import run_tool

    run_tool(
        "event_candidates",
        main,
        items=str(DEFAULT_ITEMS),
        seed=DEFAULT_SEED,
        negatives=DEFAULT_NEGATIVES,
        batch_size=DEFAULT_BATCH_SIZE,
    )
