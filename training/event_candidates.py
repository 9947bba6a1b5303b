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
       :data:`CUES` ("bombardamenti", "corteo", "cessate il fuoco", "ostaggi" ...), or a WEAK cue
       ("ucciso", "arrestato", "attacco", "protesta", "soldati" ...) together with a CONTEXT
       cue (a named conflict or actor: Ucraina, Gaza, Hamas, Iran, Isis, Venezuela,
       Askatasuna ...; "guerra"; "in piazza"). The two-cue rule keeps the pool near
       2,000 items: alone, the weak words select ordinary crime, accidents and politics
       by the thousand, and the place names alone select every diplomatic comment.
    3. Negatives: a seeded random sample of the other (not selected) items, some of them
       partial cue matches, so the corpus shows what "no event" looks like and the
       annotators' labels on them measure what the cues miss.

Splits are fixed by date (:func:`split_for`), never random: the same event is reported
by many outlets on the same days, so a random split would leak stories across splits.

Regenerate the annotation batches (text goes to a scratch folder outside git: the
publishers' text is never stored in the repository, only ids and our own labels)::

    python -m cronaca.training.event_candidates --out /tmp/annot
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from .corpora import news_text

DEFAULT_ITEMS = Path(__file__).resolve().parents[2] / (
    "shared/data/news-in-brief-it/items-2025-12_2026-01.jsonl"
)
DEFAULT_SEED = 13
DEFAULT_NEGATIVES = 450
DEFAULT_BATCH_SIZE = 250
TEST_FROM = "2026-01-24"  # test: date >= TEST_FROM (last days of January 2026, and later)
DEV_FROM = "2026-01-17"  # dev: DEV_FROM <= date < TEST_FROM; train: everything earlier

_I = re.IGNORECASE

EVENT, WEAK, CONTEXT = "event", "weak", "context"


class Cue(NamedTuple):
    """A named cue regex and its kind.

    ``kind`` is :data:`EVENT` (specific event vocabulary: one match selects the item),
    :data:`WEAK` (event words that are mostly ordinary crime, accidents, politics or sport:
    "ucciso", "arrestato", "attacco", "sciopero", "droni") or :data:`CONTEXT` (conflict
    frames and actors: named conflicts, "guerra", armed groups, "antagonisti", "in piazza").
    A WEAK or CONTEXT match selects the item only together with a match of the other kind.
    """

    name: str
    pattern: re.Pattern[str]
    kind: str


# (name, kind, pattern). Stems end in \w* to cover inflections; every alternative starts at
# a word boundary; matching is case-insensitive except inside (?-i:...), used for words that
# are also common Italian words or surnames (Mali/mali, Mosca/mosca, Russo, La Russa, Ice).
# Deliberately broad: selection is not labelling, a false hit costs one read.
_CUE_SOURCES: tuple[tuple[str, str, str], ...] = (
    # === EVENT: selects alone ================================================================
    # armed clashes (battle)
    ("combattimenti", EVENT, r"\bcombattiment\w*|\bcombattent\w*|\bcontrattacc\w*"),
    ("offensiva", EVENT, r"\b(?:contr)?offensiv[ae]\s+(?:milit|russ|ucrain|israel|terrest)\w*"),
    ("scontri", EVENT, r"\bscontri\b|\bscontr[oi]\s+a\s+fuoco\b|\bconflitto\s+a\s+fuoco\b"),
    ("guerriglia", EVENT, r"\bguerriglia\w*|\bguerriglier\w*|\bcecchin[oi]\b"),
    ("agguato", EVENT, r"\bagguat\w*|\bimboscat\w*"),
    ("fuoco", EVENT, r"\b(?:apert[oi]|aprono|apre|aprendo)\s+il\s+fuoco\b|\bfuoco\s+amico\b"),
    ("gruppi_armati", EVENT, r"\b(?:uomini|gruppi?|bande?|banda|milizie)\s+armat[ie]\b"),
    # explosions and remote violence
    ("bombardamenti", EVENT, r"\bbombardament\w*|\bbombardat\w*|\bbombardier\w*"),
    ("ordigno", EVENT, r"\bordign\w*|\bautobomb\w*|\bkamikaze\b|\bmin[ae]\s+antiuomo\b"),
    ("attentato", EVENT, r"\battentat\w*"),
    ("missili", EVENT, r"\bmissil\w*|\bmortai[oi]?\b|\bartiglieri\w*|\bgranate\b"),
    (
        "raid_aereo",
        EVENT,
        r"\b(?:raid|attacc\w*|incursion\w*)\s+aere\w*|\bcaccia\s+(?:israel|russ)\w*",
    ),
    # violence against civilians
    (
        "massacro",
        EVENT,
        r"\bmassacr[oi]\b|\beccidi\w*|\bgenocidi\w*|\bpulizia\s+etnica|\bpogrom\w*",
    ),
    ("esecuzioni", EVENT, r"\bgiustiziat\w*|\bdecapitat\w*|\bfucilat\w*"),
    ("rapimento", EVENT, r"\brap(?:it[oaie]|iment\w*|ire|iscono)\b|\bsequestrat[oaie]\s+da[il]?\b"),
    ("ostaggi", EVENT, r"\bostaggi\b|\bprigionieri\b"),
    ("terrorismo", EVENT, r"\bterroris\w*|\bjihad\w*|\bestremist\w*|\bradicalizzat\w*"),
    ("rastrellamenti", EVENT, r"\brastrellament\w*|\bdesaparecid\w*"),
    # protest and riot
    ("manifestanti", EVENT, r"\bmanifestant\w*|\bcontestator\w*"),
    ("corteo", EVENT, r"\bcorte[oi]\b|\bsit-?in\b|\bfiaccolat\w*|\bflash\s?mob\b|\bpicchett\w*"),
    (
        "disordini",
        EVENT,
        r"\bdisordin[ei]\b|\btumult\w*|\btafferugli\w*|\bsommoss\w*|\binsurrezion\w*",
    ),
    ("saccheggi", EVENT, r"\bsaccheg\w*|\blinciagg\w*|\blinciat\w*"),
    (
        "antisommossa",
        EVENT,
        r"\blacrimogen\w*|\bidranti?\b|\bcaric(?:a|he)\s+dell[ae]\b|\bantisommossa\b",
    ),
    ("molotov", EVENT, r"\bmolotov\b|\bbombe\s+carta\b"),
    # strategic developments
    ("cessate_il_fuoco", EVENT, r"\bcessate?[\s-]+il[\s-]+fuoco\b|\barmistizi\w*"),
    (
        "pace",
        EVENT,
        r"\b(?:accord[oi]|piano|colloqui|negoziat\w*|trattativ\w*|processo)\s+di\s+pace",
    ),
    (
        "milizie",
        EVENT,
        r"\bmilizi\w*|\bparamilitar\w*|\bmercenari\w*|\bribelli\b|\binsort[ie]\b",
    ),
    (
        "reparti",
        EVENT,
        r"\bbattaglion\w*|\breggiment\w*|\bforze\s+special\w*|\bpeacekeep\w*|\bcaschi\s+blu\b",
    ),
    ("mezzi_militari", EVENT, r"\bcarr[oi]\s+armat[oi]\b|\bportaere\w*|\bnav[ei]\s+da\s+guerra\b"),
    (
        "dispiegamento",
        EVENT,
        r"\bdispiegament\w*|\bdispiegat\w*|\britiro\s+delle\s+truppe|\bdisert\w*",
    ),
    (
        "golpe",
        EVENT,
        r"\bgolpe\b|\bgolpist\w*|\bcolpo\s+di\s+stato\b|\bputsch\b|\bgiunta\s+militare",
    ),
    ("occupazione", EVENT, r"\boccupazione\s+(?:israel|russ|milit)\w*|\bterritori\s+occupati\b"),
    ("checkpoint", EVENT, r"\bcheck-?point\b|\bposti?\s+di\s+blocco\b|\bzona\s+cuscinetto\b"),
    ("sfollati", EVENT, r"\bsfollat\w*|\bprofugh\w*|\bcorridoi?\s+umanitari\w*"),
    ("prigionieri_politici", EVENT, r"\bprigionieri?\s+politic\w*|\bdetenut[io]\s+politic\w*"),
    ("forze_sicurezza", EVENT, r"\bforze\s+di\s+sicurezza\b|\bguardia\s+nazionale\b"),
    # === WEAK: selects with a CONTEXT cue ====================================================
    ("protesta", WEAK, r"\bprotest\w*|\bcontestat[oaie]\b|\bmanifestazion[ei]\b"),
    ("sciopero", WEAK, r"\bscioper\w*"),
    (
        "rivolta",
        WEAK,
        r"(?-i:\b[Rr]ivolt[ae]\b)(?!\s+(?:a|al|alla|ai|agli|alle|allo|all'|verso)\b)",
    ),
    ("scontro", WEAK, r"\bscontro\b"),
    ("attacco", WEAK, r"\battacc(?:o|hi|at[oaie]|ano|are|aron[oa])\b"),
    ("assalto", WEAK, r"\bassalt\w*|\bassali(?:t[oaie]|rono|sce|scono)\b"),
    ("aggressione", WEAK, r"\baggression\w*|\baggredit\w*|\baggressor\w*|\bpestag\w*|\bpestat\w*"),
    ("violenza", WEAK, r"\bviolen(?:z[ae]|t[oaie])\b|\bviolentemente\b"),
    (
        "spari",
        WEAK,
        r"\bspar(?:i|at[oaie]|atori[ae]?|ano|ava|avano|ando|are|o)\b|\bcolpi\s+di\s+pistola",
    ),
    ("armi", WEAK, r"\barm(?:i|at[oaie]|ament[oi])\b|\bfucil\w*|\bkalashnikov\b|\bmitra\w*"),
    ("bombe", WEAK, r"\bbomb[ae]\b|\brazz[io]\b"),
    ("esplosione", WEAK, r"\besplo(?:sion[ei]|s[oaie]|dere|de|dono)\b|\bdeflagrazion\w*"),
    ("droni", WEAK, r"\bdron[ei]?\b"),
    ("raid", WEAK, r"\braid\b|\bblitz\b|\bincursion\w*|\bstrike\b|\bbombardare\b"),
    ("strage", WEAK, r"\bstrag[ei]\b"),
    (
        "uccisi",
        WEAK,
        r"\buccis\w*|\buccid\w*|\bammazz\w*|\btrucidat\w*|\bfreddat[oaie]\b|\bmassacrat\w*",
    ),
    ("morti", WEAK, r"\bmort[oi]\b|\bvittim[ae]\b|\bferit[oi]\b"),
    ("esecuzione", WEAK, r"\besecuzion[ei]\b|\bimpiccat\w*"),
    ("ostaggio", WEAK, r"\bostaggio\b|\bprigionier[oa]\b"),
    ("tregua", WEAK, r"\btregu[ae]\b"),
    ("repressione", WEAK, r"\brepression\w*"),
    ("torture", WEAK, r"\btortur\w*|\bstupr\w*|\bsevizi\w*|\bpicchiat\w*"),
    ("arresti", WEAK, r"\barrest\w*|\bcatturat\w*|\bmanette\b|\bdetenut[oi]\b|\bdetenzion\w*"),
    ("ultras", WEAK, r"\bultras\b|\briss[ae]\b"),
    ("vandalismo", WEAK, r"\bvandal\w*|\bdevastat\w*|\bincendiat[oaie]\b"),
    ("fumogeni", WEAK, r"\bpetard\w*|\bfumogen\w*"),
    ("truppe", WEAK, r"\btrupp[ae]\b|\bsoldat[ie]\b|\bmilitar[ie]\b|\bmilitarment\w*|\bmarines\b"),
    ("esercito", WEAK, r"\beserc?it(?:o|i|azion\w*)\b|\bforz[ae]\s+armat[ae]\b|\bbrigat[ae]\b"),
    ("negoziati", WEAK, r"\bnegoziat\w*|\btrattativ[ae]\b|\bmediazion\w*|\bmediator\w*"),
    ("schieramento", WEAK, r"\bschierat[ie]\b|\brinforz[io]\b|\britirat[ae]\b|\bavanzat[ae]\b"),
    ("conquista", WEAK, r"\bconquist\w*|\bassedi\w*|\boccupat[oaie]\b|\bannession\w*|\bannett\w*"),
    ("confine", WEAK, r"\bconfin[ei]\b|\bfrontier\w*|\bvalic\w*|\bdeportat\w*|\bdeportazion\w*"),
    # === CONTEXT: conflict frames, places and actors; selects with a WEAK cue ===============
    ("guerra", CONTEXT, r"\bguerr[ae]\b|\bbellic\w*|\bbelligeran\w*"),
    ("conflitto", CONTEXT, r"\bconflitt[oi]\b(?!\s+d'?\s*interess)"),
    (
        "difesa",
        CONTEXT,
        r"\bministr[oi]\s+della\s+difesa\b|\bpentagono\b|(?-i:\bNATO\b|(?<=\w )Nato\b)"
        r"|\bpolizia\s+(?:antisommossa|militare|federale)\b",
    ),
    (
        "piazza",
        CONTEXT,
        r"\bin\s+piazza\b|\bpresidi[oi]\b|\bmobilitazion\w*|\bmarc[ei]a?\s+(?:per|contro)\b",
    ),
    (
        "antagonisti",
        CONTEXT,
        r"\bantagonist[ie]\b|\bblack\s*bloc\b|\baskatasuna\b|\bcentr[oi]\s+social\w*"
        r"|\banarchic\w*|\bpro[\s-]?pal\b",
    ),
    ("dissidenti", CONTEXT, r"\boppositor\w*|\bdissident\w*|\bregime\b"),
    (
        "criminalita_organizzata",
        CONTEXT,
        r"\bmafi\w*|\bcamorr\w*|\b'?ndranghet\w*|\bcosc[ah]e?\b|\bclan\b|\bfaida\b"
        r"|\bcartell[io]\b|\bnarcotraffic\w*|\bnarcos\b",
    ),
    (
        "ucraina_russia",
        CONTEXT,
        r"\bucrain\w*|\bkiev\b|\bkyiv\b|\bkharkiv\b|\bzaporizh\w*|\bdonbas+\b|\bdonetsk\b"
        r"|\bluhansk\b|\bcrimea\b|\bodessa\b|\bpokrovsk\b|\bkherson\b|\bdnipro\b|\bkursk\b"
        r"|\brussia\b|(?-i:(?<!\bLa )\bruss[oaie]\b)|\bcremlino\b|\bputin\w*|\bzelensk\w*"
        r"|(?-i:\bMosca\b)",
    ),
    (
        "israele_palestina",
        CONTEXT,
        r"\bgaza\b|\bcisgiordania\b|\bwest\s+bank\b|\bhamas\b|\bisrael\w*|\bidf\b|\btsahal\b"
        r"|\bnetanyahu\b|\bpalestin\w*|\brafah\b|\bkhan\s+you?nis\b|\bjenin\b|\bflotilla\b"
        r"|\bhezbollah\b|\blibano\b|\blibanes\w*|\bbeirut\b|\bcoloni\b",
    ),
    (
        "iran_medio_oriente",
        CONTEXT,
        r"\biran\w*|\bteheran\b|\btehran\b|\bayatollah\w*|\bkhamenei\b|\bpasdaran\b"
        r"|\bbasij\b|\byemen\w*|\bhouthi\b|\bhuthi\b|\bsiria\w*|\bsirian\w*|\bdamasco\b"
        r"|\baleppo\b|\bcurd[oi]\b|\bsdf\b|\biraq\w*|\bafghan\w*|\btaleban\w*|\btalib[ae]n\w*",
    ),
    (
        "jihadisti",
        CONTEXT,
        r"\bisis\b|\bstato\s+islamico\b|\bdaesh\b|\bal[- ]?qa[ei]d[ae]\b|\bshabaab\b"
        r"|\bboko\s+haram\b|\bjnim\b|\bsahel\b",
    ),
    (
        "africa",
        CONTEXT,
        r"\bsudan\w*|\bdarfur\b|\bel[- ]fasher\b|\bcongo\w*|\bm23\b|\bkivu\b|\bsomal\w*"
        r"|\betiopi\w*|\btigray\b|\blibi[ac]\w*|\bhaftar\b|(?-i:\bMali\b)|\bburkina\b"
        r"|\bnigeria\w*|\bmozambic\w*|\bcamerun\w*",
    ),
    (
        "americhe_asia",
        CONTEXT,
        r"\bvenezuel\w*|\bmaduro\b|\bcaracas\b|\bmyanmar\b|\bbirmani\w*|\bpyongyang\b"
        r"|\bcorea\s+del\s+nord\b|\bkashmir\b|\bminneapolis\b|\bminnesota\b|\bhaiti\w*"
        r"|(?-i:\bICE\b|\bIce\b)|\bgroenlandia\b|\bcuba\b|\btaiwan\b|\bmessico\b",
    ),
)

CUES: tuple[Cue, ...] = tuple(
    Cue(name, re.compile(pattern, _I), kind) for name, kind, pattern in _CUE_SOURCES
)
"""Named, compiled cues with their kind (see :class:`Cue`)."""

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


def split_for(date: str) -> str:
    """Fixed split by the item's ``date`` (ISO ``YYYY-MM-DD``): train / dev / test."""
    if date >= TEST_FROM:
        return "test"
    if date >= DEV_FROM:
        return "dev"
    return "train"


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


def kind_split(sentence_id: str, n_dev_sentences: int) -> str:
    """KIND: train from ``WN_train``; ``WN_dev`` cut in two by position (articles are
    contiguous, so a positional cut leaks at most one article): first half dev, second test.
    ``WN_test`` is the held-out NER benchmark and is never selected."""
    stem, _, index = sentence_id.partition(":")
    if stem == "WN_train":
        return "train"
    if stem == "WN_dev":
        return "dev" if int(index) < n_dev_sentences // 2 else "test"
    raise ValueError(f"{sentence_id}: only WN_train and WN_dev sentences are annotated")


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


def kind_records(kind_dir: Path) -> list[dict]:
    """KIND sentences to annotate, first pass then the armed-conflict pass, as batch lines."""
    from .corpora import read_conll

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


def write_kind_batches(kind_dir: Path, out_dir: Path, batch_size: int = DEFAULT_BATCH_SIZE):
    """``kind-batch-XX.jsonl`` of ``{"id", "split", "text"}`` from WN_train and WN_dev: the
    first pass in balanced batches, then the armed-conflict pass in one batch of its own."""
    records, supplement = kind_records(kind_dir)
    for stale in out_dir.glob("kind-batch-*.jsonl"):
        stale.unlink()
    n_batches = max(1, -(-len(records) // batch_size))
    for b in range(n_batches):
        chunk = records[b * len(records) // n_batches : (b + 1) * len(records) // n_batches]
        path = out_dir / f"kind-batch-{b + 1:02d}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chunk))
        print(f"wrote {path} ({len(chunk)} sentences)")
    path = out_dir / f"kind-batch-{n_batches + 1:02d}.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in supplement))
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
    for stale in out.glob("nib-batch-*.jsonl"):
        stale.unlink()
    n = len(selection)
    n_batches = max(1, -(-n // batch_size))
    written: list[tuple[Path, int]] = []
    for b in range(n_batches):
        chunk = selection[b * n // n_batches : (b + 1) * n // n_batches]
        path = out / f"nib-batch-{b + 1:02d}.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for item_id, _reason in chunk:
                item = by_id[item_id]
                record = {
                    "id": item_id,
                    "date": item["date"],
                    "split": split_for(item["date"]),
                    "text": news_item_text(item),
                }
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        written.append((path, len(chunk)))
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Write annotation batches of event-type candidates from news-in-brief-it."
    )
    parser.add_argument("--items", default=str(DEFAULT_ITEMS), help="news-in-brief-it JSONL")
    parser.add_argument("--out", required=True, help="scratch folder for the batches (not git)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--negatives", type=int, default=DEFAULT_NEGATIVES)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    args = parser.parse_args(argv)

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


if __name__ == "__main__":
    main()
