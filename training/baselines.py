"""Rule baselines behind the same protocols as the models, so one harness scores both:
:class:`GazetteerTagger` (entities, a ``WordTagger``) and :class:`KeywordEventLabeller` (event
types, an ``EventLabeller``; its rules are documented above :data:`EVENT_CUES`).

:class:`GazetteerTagger` tags the longest known name at each word, from three sources:

- **training entities**: every entity string of the training annotations, with its most frequent
  type there (ties: the type seen first). The strongest source: in-domain and typed.
- **UCDP actors** (``ucdp-actor-221.csv``): armed groups as ``ORG`` (short name, original and
  English full names, new names). A state appears as ``Government of X``: that string never
  occurs in Italian news, but ``X`` often does (``Iraq``, ``Mali``, ``Sudan``, ``Nigeria`` are
  spelled alike in English and Italian) and KIND tags a country as ``LOC`` far more often than as
  ``ORG`` (``Italia`` 167 / 58 in ``WN_train``), so ``X`` is added as ``LOC``
  (``ucdp_governments="loc"``; ``"skip"`` leaves states out). ``Supporters of …`` / ``Opponents
  of …`` rows (UCDP ``Org`` 2) are skipped: no text writes them, and their ``X`` is another
  actor already listed. Informal identity groups (``Org`` 3: ``Dayak``, ``Ngok Dinka``) are
  skipped by default too: KIND tags no ethnic group.
- **KIND's organisation gazetteer** (``kind-it-ORG-wikipedia.txt``, ``ORG name`` per line, KIND
  tokens separated by spaces, apostrophes split off: ``dell ' India``): ``ORG``.

A name's type comes from the first source that has it, in that order; then come the variants
without a leading article (below), in the same source order.

Matching (:meth:`GazetteerTagger.tag_tokens`) is case-sensitive, on word sequences, so a name
never matches inside a word; at each word the longest name starting there wins and the scan goes
on after it. Words are compared with ``’`` read as ``'``. Lookup is one dict: first word → the
name lengths starting with it (longest first), then a set lookup of the word tuple.

Italian articles: a name written with a leading article (``L'Aquila``, ``Il Cairo``, ``La
Stampa``) also matches without it, so ``dell'Aquila`` (words ``dell'`` ``Aquila``) finds
``Aquila``; a name that starts with a *lowercase* article (``il Cairo``) is only kept without it,
and one that starts with another lowercase function word (``di``, ``del``, ``e`` …) is dropped:
no match ever starts on such a word.

Filters against floods of false positives (what each removed is counted in
:attr:`GazetteerTagger.info`; F1 figures are strict micro-F1 on KIND ``WN_dev``, never ``WN_test``):

- one-character names (``A``, ``X``), from every source; names without a letter (``1860``) from
  the gazetteers;
- gazetteer names with no uppercase letter (``zumba``, ``marina cilena``: KIND's list has ~8,000
  lowercase lines, mostly common nouns) or starting with a lowercase word other than an article
  (``premio Adelbert von Chamisso``, ``reintrodotta in modo definitivo da Augusto``): keeping
  the latter adds ~1,900 names for +0.0003 F1;
- one-word gazetteer names (and article-less variants) that are common Italian words: their
  lowercase form occurs at least ``common_word_min`` (3) times in lowercase in the training text
  (``Oggi``, ``Stampa``, ``Tempo`` would fire at every sentence start). A safety net for text
  unlike the training text: on ``WN_dev`` the next filter already catches most of them;
- **precision on the training text** (``min_precision``, 0.2), every source: a name whose
  occurrences as a word sequence in the training sentences are a gold entity of its type less
  than 20% of the time is dropped. Every occurrence counts, also inside a longer entity: a
  first name (``Francesco``, ``Marco``) is right alone in training, where its full names are
  known, but in new text it mostly precedes an unknown surname. Lowercase training strings stay
  when they pass (``governo`` is ``ORG`` 103 times in ``WN_train``). On ``WN_dev``: 0.5595
  without the filter, 0.5882 / 0.5925 / 0.5894 / 0.5769 at 0.1 / 0.2 / 0.3 / 0.5.
"""

from __future__ import annotations

import bisect
import csv
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from cronaca.inference.labels import OUTSIDE
from cronaca.inference.protocols import WordSpans
from cronaca.inference.words import word_spans

from .corpora import Sentence, shared_data_dir

Words = tuple[str, ...]
DEFAULT = "default"  # a source path argument meaning "the file in the shared data folder"
UCDP_FILE = "gazetteers/ucdp-actor-221.csv"
KIND_ORG_FILE = "gazetteers/kind-it-ORG-wikipedia.txt"
SOURCES = ("train", "ucdp", "kind")

# Leading articles, dropped to make a name's article-less variant (lowercase; elided ones keep
# their apostrophe, as words are cut: ``l'`` ``Aquila``).
ARTICLES = frozenset({"il", "lo", "la", "i", "gli", "le", "l'", "un", "uno", "una", "un'", "gl'"})
# Lowercase function words no name may start with (after its article is dropped).
FUNCTION_WORDS = ARTICLES | frozenset(
    {
        *("di", "a", "da", "in", "con", "su", "per", "tra", "fra", "e", "ed", "o", "d'"),
        *("del", "dello", "della", "dei", "degli", "delle", "dell'", "degl'"),
        *("al", "allo", "alla", "ai", "agli", "alle", "all'"),
        *("dal", "dallo", "dalla", "dai", "dagli", "dalle", "dall'"),
        *("nel", "nello", "nella", "nei", "negli", "nelle", "nell'"),
        *("sul", "sullo", "sulla", "sui", "sugli", "sulle", "sull'"),
        *("col", "coi", "che", "non", "si"),
    }
)
_SPLIT_APOSTROPHE = re.compile(r"\s*(['’])\s*")


def _key(word: str) -> str:
    """How a word is compared: ``’`` and ``'`` alike, case kept."""
    return word.replace("’", "'")


def _words(name: str) -> Words:
    """A name cut into words exactly as text is (:func:`~cronaca.inference.words.word_spans`)."""
    name = " ".join(name.split())
    return tuple(_key(name[s:e]) for s, e in word_spans(name))


# --- the tagger ---------------------------------------------------------------------------------


class GazetteerTagger:
    """Longest-match, case-sensitive lookup of known names over words (a ``WordTagger``)."""

    name = "gazetteer"

    def __init__(self, names: Mapping[Words, str], name: str = "gazetteer", info=None) -> None:
        self.names = {tuple(map(_key, words)): label for words, label in names.items() if words}
        self.name = name
        self.info: dict = dict(info or {}, names=len(self.names))
        lengths: dict[str, set[int]] = defaultdict(set)
        for words in self.names:
            lengths[words[0]].add(len(words))
        # first word -> the lengths of the names that start with it, longest first
        self._lengths = {first: sorted(ls, reverse=True) for first, ls in lengths.items()}

    def tag_tokens(self, tokens: Sequence[str]) -> list[str]:
        """IOB2 tags for one sequence of words."""
        keys = [_key(token) for token in tokens]
        tags = [OUTSIDE] * len(keys)
        i = 0
        while i < len(keys):
            match = self._match_at(keys, i)
            if match is None:
                i += 1
                continue
            length, label = match
            tags[i] = f"B-{label}"
            tags[i + 1 : i + length] = [f"I-{label}"] * (length - 1)
            i += length
        return tags

    def _match_at(self, keys: Sequence[str], i: int) -> tuple[int, str] | None:
        for length in self._lengths.get(keys[i], ()):
            if i + length <= len(keys):
                label = self.names.get(tuple(keys[i : i + length]))
                if label is not None:
                    return length, label
        return None

    def tag_words(self, texts: Sequence[str], words: Sequence[WordSpans]) -> list[list[str]]:
        return [
            self.tag_tokens([text[s:e] for s, e in spans])
            for text, spans in zip(texts, words, strict=True)
        ]

    @classmethod
    def from_files(
        cls,
        train_sentences: Iterable[Sentence] = (),
        ucdp_csv: str | os.PathLike[str] | None = DEFAULT,
        kind_org: str | os.PathLike[str] | None = DEFAULT,
        **options,
    ) -> GazetteerTagger:
        """The baseline from training sentences and the gazetteer files (``None`` skips a file;
        ``DEFAULT`` reads it from :func:`~cronaca.training.corpora.shared_data_dir`).
        ``options`` go to :class:`GazetteerBuilder`."""
        data = shared_data_dir()
        ucdp = data / UCDP_FILE if ucdp_csv == DEFAULT else ucdp_csv
        kind = data / KIND_ORG_FILE if kind_org == DEFAULT else kind_org
        builder = GazetteerBuilder(list(train_sentences), **options)
        builder.add_training()
        if ucdp is not None:
            builder.add("ucdp", read_ucdp_actors(ucdp, builder.ucdp_governments, builder.ucdp_orgs))
        if kind is not None:
            builder.add("kind", read_kind_gazetteer(kind))
        return builder.build(name="gazetteer")


# --- building the name table ------------------------------------------------------------------


@dataclass
class GazetteerBuilder:
    """Collects names source by source (first source wins), then filters them; see the module
    docstring for every rule."""

    train_sentences: Sequence[Sentence] = ()
    ucdp_governments: Literal["loc", "skip"] = "loc"
    ucdp_orgs: frozenset[str] = frozenset({"1", "4"})  # UCDP Org codes read (see module doc)
    common_word_min: int = 3  # lowercase occurrences in training that make a word common
    min_precision: float = 0.2  # names right in fewer of their matches on training: dropped
    exact: dict[Words, tuple[str, str]] = field(default_factory=dict)  # words -> (type, source)
    variants: dict[Words, tuple[str, str]] = field(default_factory=dict)
    info: dict[str, Counter] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lowercase = Counter(
            token.lower() for s in self.train_sentences for token in s.tokens if token.islower()
        )

    def add_training(self) -> None:
        """Entity strings of the training sentences, each with its most frequent type."""
        types: dict[Words, Counter[str]] = defaultdict(Counter)
        for sentence in self.train_sentences:
            for span in sentence.entity_spans():
                types[tuple(map(_key, sentence.tokens[span.start : span.end]))][span.label] += 1
        names = [(words, counts.most_common(1)[0][0]) for words, counts in types.items()]
        self.add("train", names, gazetteer=False)  # most_common: ties go to the first seen

    def add(self, source: str, names: Iterable[tuple[Words, str]], gazetteer: bool = True) -> None:
        """Names of one source; a name already known keeps its first type."""
        for words, label in names:
            reason = self._reject(words, gazetteer)
            stripped = None if reason else _strip_article(words)
            if reason is None and stripped is None:
                reason = "starts with a lowercase function word"
            if reason is None and stripped is not words:
                if self._reject(stripped, True) is None:
                    self.variants.setdefault(stripped, (label, source))
                if words[0].islower():
                    reason = "kept without its lowercase article"  # "il Cairo": "Cairo" only
            if reason is None and words in self.exact:
                reason = "already known"
            if reason is None:
                self.exact[words] = (label, source)
                reason = f"kept {label}"
            self._count(source, reason)

    def _reject(self, words: Words, gazetteer: bool) -> str | None:
        text = "".join(words)
        if len(text) < 2:
            return "one character"
        if not gazetteer:
            return None
        if not any(c.isalpha() for c in text):
            return "no letter"
        if not any(c.isupper() for c in text):
            return "all lowercase"
        if words[0][:1].islower() and words[0].lower() not in ARTICLES:
            return "starts with a lowercase word"
        if len(words) == 1 and self._lowercase[text.lower()] >= self.common_word_min:
            return "common word"
        return None

    def _count(self, source: str, what: str) -> None:
        self.info.setdefault(source, Counter())[what] += 1

    def build(self, name: str = "gazetteer") -> GazetteerTagger:
        """The tagger, less the names that are mostly wrong where it matches them in training."""
        names = {**self.variants, **self.exact}  # an exact name beats an article-less variant
        for words in self._imprecise(names):
            label, source = names.pop(words)
            self._count(source, f"dropped {label}: precision on training < {self.min_precision}")
        info = {source: dict(counts) for source, counts in self.info.items()}
        info["variants"] = len(set(self.variants) - set(self.exact))
        return GazetteerTagger({w: label for w, (label, _) in names.items()}, name, info)

    def _imprecise(self, names: Mapping[Words, tuple[str, str]]) -> list[Words]:
        """Names that are a gold entity of their type in fewer than ``min_precision`` of their
        occurrences in the training text. Every occurrence counts, also inside a longer entity:
        ``Francesco`` is right alone in training where ``Francesco Totti`` is a known name, but
        in new text the surname after it is mostly unknown."""
        if self.min_precision <= 0 or not self.train_sentences:
            return []
        lengths: dict[str, set[int]] = defaultdict(set)
        for words in names:
            lengths[words[0]].add(len(words))
        seen: Counter[Words] = Counter()
        right: Counter[Words] = Counter()
        for sentence in self.train_sentences:
            keys = [_key(token) for token in sentence.tokens]
            gold = {(s.start, s.end): s.label for s in sentence.entity_spans()}
            for i, key in enumerate(keys):
                for length in lengths.get(key, ()):
                    words = tuple(keys[i : i + length])
                    if len(words) == length and words in names:
                        seen[words] += 1
                        right[words] += gold.get((i, i + length)) == names[words][0]
        return [w for w, n in seen.items() if right[w] / n < self.min_precision]


def _strip_article(words: Words) -> Words | None:
    """``words`` without leading articles; the same tuple if it has none; ``None`` if it would
    start with a lowercase function word (or is nothing but articles)."""
    i = 0
    while i < len(words) - 1 and words[i].lower() in ARTICLES:
        i += 1
    if words[i] in FUNCTION_WORDS or words[i].lower() in ARTICLES:
        return None
    return words if i == 0 else words[i:]


# --- reading the gazetteer files --------------------------------------------------------------

_GOVERNMENT = re.compile(r"^Government of (.+?)(?:\s*\(.*\))?\s*$")
_NOT_A_NAME = re.compile(r"^(?:Supporters|Opponents) of ")


def read_ucdp_actors(
    path: str | os.PathLike[str],
    governments: Literal["loc", "skip"] = "loc",
    orgs: Iterable[str] = ("1", "4"),
) -> Iterator[tuple[Words, str]]:
    """``(words, type)`` from the UCDP actor list: actors ``ORG``, ``Government of X`` → ``X``
    ``LOC`` (or nothing, ``governments="skip"``); only rows whose ``Org`` code is in ``orgs``."""
    orgs = set(orgs)
    columns = ("NameData", "NameOrig", "NameOrigFull", "NameOrigFullEng", "NewName")
    columns += ("NewNameFullMotherTongue", "NewNameFullEng")
    with open(path, encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            if row.get("Org", "").strip() not in orgs:
                continue
            for column in columns:
                value = " ".join((row.get(column) or "").split())
                if not value or value.lower() == "n/a" or _NOT_A_NAME.match(value):
                    continue
                government = _GOVERNMENT.match(value)
                if government is None:
                    yield _words(value), "ORG"
                elif governments == "loc":
                    yield _words(government.group(1)), "LOC"


def read_kind_gazetteer(path: str | os.PathLike[str]) -> Iterator[tuple[Words, str]]:
    """``(words, type)`` from a KIND gazetteer: ``TYPE name`` a line, the name in KIND tokens
    with apostrophes split off (``dell ' India``), glued back before cutting it into words."""
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, 1):
            label, _, name = line.strip().partition(" ")
            if not line.strip():
                continue
            if not name or label not in ("PER", "ORG", "LOC"):
                raise ValueError(f"{path}:{number}: expected 'TYPE name', found {line!r}")
            yield _words(_SPLIT_APOSTROPHE.sub(r"\1", name)), label


def gazetteer_paths(data_dir: str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """The shared gazetteer files (``ucdp``, ``kind``) under ``data_dir`` or the shared folder."""
    data = Path(data_dir) if data_dir else shared_data_dir()
    return {"ucdp": data / UCDP_FILE, "kind": data / KIND_ORG_FILE}


# === the keyword baseline for event types ======================================================
#
# Written from the cue column of /work/shared/guidelines/event-types.md, the project's annotation
# decisions for hard cases (numbered as in the annotators' instructions) and Italian news wording;
# not fitted to the annotated data. The TRAIN split was read only to check coverage: it showed
# spelling bugs (``droni?`` missed "drone"), missing inflections and general news wording
# ("raid Usa", "scarcerazione", "rafforza la presenza militare", protesters' arrests), which
# were added as general patterns; no dev or test text was read. Every rule is a regex matched
# case-insensitively on the text with ``’`` read as ``'``.
#
# A **cue** is a pattern that reports an event of its type. Ambiguous cues carry a *context*:
# ``requires`` must match in the cue's scope, ``excludes`` must not. The scope is the cue's
# sentence (cut at ``. ! ?`` before a space, and at newlines: a news item's headline is one
# sentence) or, for cues whose actor is often named in the headline (``scontri``, arrests,
# strikes, rioters' damage), the whole text. So ``scontri`` is ``battle`` next to armed actors
# and no demonstrators, ``riot`` next to demonstrators or police; ``uccisi`` is
# ``violence_against_civilians`` next to an armed or criminal actor and not in a sentence with
# an air strike (its casualty count, decision 4); an arrest is ``strategic_development`` near
# militants, protesters, opponents or journalists (decision 7), not near a thief.
#
# A cue is then **blocked** when, in its own clause (cut at ``. ; : ! ? , ( )``, a newline,
# ``ma``, ``mentre``, ``però``, ``tuttavia``),
#
# - a *close negation* ``nessun…``, ``senza``, ``né``, ``alcun…`` is among the 2 words before
#   it ("nessuno scontro", "senza alcuna esplosione": it scopes over one noun phrase, so
#   "nessun ferito negli scontri" still reports the clashes);
# - a *negation* ``non`` (not "non solo", "non lontano", "non meno" …), ``smentit…``,
#   ``smentisce``, ``nega…`` is among the 5 words before it ("non ci sono stati scontri");
# - a *hypothesis* marker is among the 5 words before it: ``potrebbe/potrebbero/potrà``,
#   ``possibile``, ``eventuale``, ``rischio di``, ``rischia di``, ``minaccia di``, ``pronti a``,
#   ``se`` (not "se ne"), ``qualora``, ``in caso di``, ``ipotesi``, ``piano per``, ``intende``,
#   ``vuole``, ``per evitare``, ``scongiurare``, ``teme``, ``chiede``, ``appello``, ``invita
#   a``, ``domani``, ``prossimo``, ``entro``, ``dovrebbe``, ``vorrebbe`` and any future-tense
#   verb (a word ending in ``-rà`` / ``-ranno``: "attaccherà", "sarà", "manifesteranno"; not
#   "parà"). The reportative conditional ("sarebbero stati uccisi") is *not* a hypothesis:
#   Italian news uses it for reported, unconfirmed facts, which count (decision 1);
# - a *mention* marker is among the 5 words before it: a commemoration, trial or anniversary
#   that only names a past event (``anniversario``, ``commemorazione``, ``ricordo``,
#   ``memoria``, ``processo``, ``sentenza``, ``condannato per``, ``ergastolo``, ``funerali``,
#   ``inchiesta``, ``a 30 anni da``; decision 13).
#
# **Sport**: cues of battle, explosion_remote_violence, violence_against_civilians and
# strategic_development are ignored in a sentence that speaks of sport (``partita``,
# ``campionato``, ``gol``, ``Serie A``, ``Juventus``, ``derby`` …): "la Juventus conquista la
# vetta", "un bombardamento dell'Inter". Protest and riot cues are kept there: ultras' clashes
# are riots (decision 6). "L'attacco della Juventus" fires nothing anyway: a bare ``attacco``
# is no cue (it needs ground forces, an air means or a terror qualifier next to it).
#
# **Riot over protest**: a protest cue in a sentence where a riot cue counts is dropped: the
# demonstration that turned violent is the riot (decision 5); a peaceful demonstration reported
# in another sentence of the item keeps its protest label.
#
# A text gets score 1.0 for each type with at least one unblocked cue; nothing else.
# :meth:`KeywordEventLabeller.explain` lists every cue match and why it was blocked.
#
# Known limits (what a rule set cannot see): negation and hypothesis are a word window before
# the cue, so "non ci sono feriti negli scontri" blocks "scontri", and "i bombardamenti
# potrebbero riprendere" (marker after the cue) is not blocked; actors come from word lists, so
# a private murder with "killer" fires violence_against_civilians; background mentions ("dopo
# l'attentato di Bondi Beach", "la repressione delle proteste") fire like reports; metaphors
# outside sport fire unless the cue is guarded ("battaglia legale" is, "agguato" is not);
# generic talk ("la tregua regge a fatica") fires like a report; casualty counts alone ("50
# morti") never fire.


def _rx(pattern: str) -> re.Pattern:
    """A cue or context pattern: whole words, case-insensitive."""
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)


# --- contexts (searched in the scope of a cue: its sentence or the whole text) -----------------

ARMED_ACTORS = (
    r"esercit\w*|militar[ei]|soldat[oi]|truppe|ribell[ei]|miliz\w+|jihad\w*|combattent[ei]|"
    r"guerriglier\w+|insort[ie]|paramilitar\w+|fanteria|carri armati|blindat[ie]|mercenari|"
    r"forze (?:armate|governative|speciali|russe|ucraine|israeliane|lealiste|curde|siriane|"
    r"di terra|di kiev|di mosca|nemiche)|battaglion\w+|brigat[ae]|reparti|commando|"
    r"russi|ucraini|hamas|hezbollah|houthi|isis|daesh|stato islamico|al[- ]qa'?ida|al[- ]shabaab|"
    r"boko haram|talebani|wagner|rsf|sdf|idf|tsahal|peshmerga|jnim|m23"
)
# who fights on the ground: an attack next to them is a clash, not a strike from afar
GROUND_FORCES = (
    r"truppe|soldati|fanteria|carri armati|blindat[ie]|forze di terra|via terra|terrestr\w+|"
    r"ribelli|milizian[oi]|combattenti|guerriglier\w+|insorti|commando|paramilitar\w+"
)
TERRITORY = (
    r"villagg\w+|città|cittadina|località|avampost\w+|roccaforte|trince\w+|capoluogo|"
    r"aeroporto|posizion[ei]|base|basi|territori?o?|quartier[ei]|regione|oblast"
)
CROWD = (
    r"manifestant[ei]|dimostrant[ei]|tifos[ie]|ultras|ultrà|hooligan\w*|contestator\w+|"
    r"attivist[ie]|studenti|folla|corteo|cortei|protest\w+|pro[- ]?pal\w*|antagonist[ie]|"
    r"black bloc|anarchic\w+|sommoss\w+"
)
POLICE = (
    r"polizia|poliziott\w+|agenti|forze dell'ordine|carabinieri|celere|reparto mobile|"
    r"gendarm\w+|antisommossa|guardia nazionale|ice"
)
PERPETRATORS = (
    rf"{ARMED_ACTORS}|terroris\w+|uomini armati|gruppo armato|gruppi armati|banditi|"
    r"bande armate|gang|sicari\w*|killer|cecchin\w+|coloni|polizia|poliziott\w+|agenti|"
    r"forze di sicurezza|forze dell'ordine|camorr\w+|mafi\w+|'ndrangh\w+|clan|cosca|cosche|"
    r"cartell\w+|narcos|pasdaran|basij|ice|squadroni della morte|pirati"
)
AIR_MEANS = (
    r"dron[ei]|missil\w+|razz[io]|raid aere\w+|bombard\w+|attacc\w+ aere\w+|aere[io]|caccia|"
    r"artiglieria|ordign\w+|bomb[ae]|kamikaze|autobomba|esplosion\w+|granat\w+|mortai\w*"
)
MILITANTS = (
    r"terroris\w+|jihad\w*|isis|daesh|stato islamico|al[- ]qa'?ida|hamas|hezbollah|"
    r"estremis\w+|radicalizzat\w+|foreign fighter|miliz\w+|ribell\w+|guerriglier\w+|"
    r"attivist\w+|manifestant\w+|dimostrant\w+|oppositor\w+|opposizione|dissident\w+|"
    r"giornalist\w+|reporter|blogger|eversi\w+|anarchic\w+|brigatist\w+|spionaggio|spi[ae]|"
    r"sabotat\w+|sabotaggio|golpist\w+|ex (?:presidente|premier|ministro)|leader|comandant\w+|"
    r"deputat\w+|parlamentar\w+|candidat\w+|sindaco di istanbul|separatist\w+|presidente|"
    r"dittatore|(?:prigionier|detenut)\w+ politic\w+|protest\w+|corte[oi]|pro[- ]?pal\w*|"
    r"scontri|disordini"
)
FORCES = (
    r"truppe|soldati|militari|carri armati|blindati|navi(?: da guerra)?|portaerei|"
    r"cacciatorpedinier\w+|caccia|jet|bombardieri|battaglion\w+|reparti|contingent\w+|"
    r"forze|riservisti|marines|paracadutist\w+|sistemi (?:missilistici|di difesa\w*)|"
    r"batterie|uomini|missili|sistem[ai] missilistic[oi]"
)
SPORT = (
    r"partit[ae]|campionat\w+|serie [ab]|champions|europa league|conference league|"
    r"coppa italia|supercoppa|scudetto|gol|goal|calcio|calciator\w+|allenator\w+|derby|"
    r"classifica|tennis|atp|wta|formula 1|gran premio|motogp|ciclismo|giro d'italia|"
    r"olimpiad\w+|olimpic\w+|medagli\w+|juventus|juve|inter|milan|atalanta|fiorentina|"
    r"basket|pallavolo|volley|rugby|slalom|sinner|tifosi del|in trasferta"
)
ACCIDENT = (
    r"gas|bombol\w+|caldai\w+|fuga di|fuochi d'artificio|botti|petard\w+|cantiere|"
    r"di (?:gioia|rabbia|violenza|casi|contagi|entusiasmo|colori|risate)"
)
SUPPLY = (
    r"test|prova|fornitur\w+|fornir\w*|fornisc\w+|consegn\w+|acquist\w+|vend\w+|produ\w+|"
    r"arsenal\w+|gittata|scorte|avvistat\w+|sorvol\w+|show|fiera|spettacolo"
)


@dataclass(frozen=True)
class Cue:
    """One cue: a pattern, and the contexts that must (``requires``) or must not (``excludes``)
    occur in its ``scope`` (its ``"sentence"``, or the whole ``"text"``) for it to count."""

    pattern: re.Pattern
    requires: re.Pattern | None = None
    excludes: re.Pattern | None = None
    scope: Literal["sentence", "text"] = "sentence"

    def __str__(self) -> str:
        return self.pattern.pattern


def cue(
    pattern: str,
    requires: str | None = None,
    excludes: str | None = None,
    scope: Literal["sentence", "text"] = "sentence",
) -> Cue:
    return Cue(_rx(pattern), requires and _rx(requires), excludes and _rx(excludes), scope)


# --- the lexicon: event type -> cues ------------------------------------------------------------

EVENT_CUES: dict[str, tuple[Cue, ...]] = {
    "battle": (
        cue(r"combattiment[oi]|scontr[oi] a fuoco|scontri armati|conflitt[oi] a fuoco"),
        cue(r"controffensiv[ae]|contrattacc\w+|imboscat[ae]"),
        cue(
            r"(?:l'|un'|nell'|dell'|all'|dall'|sull'|nuova |vasta |massiccia |grande |le |"
            r"delle |nuove )offensiv[ae]"
        ),
        cue(r"assedi(?:o|ata|ato|ati|ate|ano|avano)", excludes=r"giornalist\w+|fan|paparazz\w+"),
        cue(r"scontri", requires=ARMED_ACTORS, excludes=rf"{CROWD}|{POLICE}", scope="text"),
        cue(
            r"(?:hanno|ha|avevano) combattuto|combattono|combattevano|combattendo",
            requires=ARMED_ACTORS,
        ),
        cue(r"si (?:combatte|è combattuto|combatteva) (?:a|ad|in|nel|nella|nei|per)"),
        cue(r"battagli[ae]", requires=ARMED_ACTORS, excludes=r"legal\w+|politic\w+|giudiziari\w+"),
        cue(rf"(?:ri)?conquist\w+ (?:\w+ ){{0,2}}(?:{TERRITORY})"),
        cue(r"(?:ri)?conquist(?:at[oaie]|ano|ando|a)", requires=ARMED_ACTORS),
        cue(
            r"(?:ripres[oaie]|pres[oaie]|preso|prendono|riprendono|assunto) il controllo|"
            r"cacciat[oaie] da|respint[oaie] (?:\w+ ){0,2}(?:attacc\w+|assalt\w+|offensiv\w+)|"
            r"sfondat[oaie] (?:le linee|il fronte)|avanzat[ae]|avanzano",
            requires=ARMED_ACTORS,
        ),
        cue(rf"liberat[oaie] (?:il|la|l'|i|le|gli) (?:{TERRITORY})"),
        cue(r"caduta|cadut[oaie]", requires=r"nelle mani|in mano"),
        cue(
            r"assalt\w+|attacc(?:o|hi|ato|ata|ati|ate|ano|avano)",
            requires=GROUND_FORCES,
            excludes=rf"{AIR_MEANS}|{CROWD}",
        ),
    ),
    "explosion_remote_violence": (
        # "raid" in conflict news is an air or drone raid; in crime news a theft or a police
        # operation, which the context words rule out
        cue(
            r"raid",
            excludes=r"ladr\w+|furt\w+|vandal\w+|polizia|carabinieri|antidroga|punitiv\w+|"
            r"razzist\w+|rapin\w+|squadrist\w+|in (?:casa|villa|banca|gioielleria|negozio)",
        ),
        cue(r"dron[ei] (?:su|sul|sulla|sull'|sui|sulle|contro)", excludes=SUPPLY),
        cue(
            r"bombardament[oi]|bombardat[oaie]|bombardano|bombardavano|bombardiere",
            excludes=r"mediatic\w+|di (?:messaggi|critiche|domande|notizie|email|telefonate)",
        ),
        cue(r"bomb[ae]", excludes=r"bomb[ae] (?:d'acqua|carta)|bomba sexy|notizia bomba"),
        cue(r"razz[oi]|missil[ei]|attacc\w+ missilistic\w+|lanciarazzi", excludes=SUPPLY),
        cue(
            r"dron[ei]",
            requires=(
                r"attacc\w+|colpit\w+|colpisc\w+|colpiscono|lanciat\w+|lanci|abbattut\w+|"
                r"intercettat\w+|raid|kamikaze|esplos\w+|uccis\w+|mort[oie]|ferit[oie]|vittim\w+|"
                r"bersagli\w+|danneggiat\w+|incendi\w+|pioggia|sciame|ondata|massicci\w+|shahed|"
                r"geran\w*"
            ),
            excludes=SUPPLY,
        ),
        cue(r"colpi di (?:mortaio|artiglieria|cannone|obice)|mortai|cannoneggiament\w+"),
        cue(r"artiglieria|obici|tiri di artiglieria", excludes=SUPPLY),
        cue(r"autobomb[ae]|kamikaze|ordign[oi]|ied|granat[ae]|siluro|silurat\w+"),
        cue(r"min[ae] (?:antiuomo|anticarro|inesplos\w+)|saltat[oaie] su una mina"),
        cue(r"esplosion[ei]|deflagrazion[ei]|esplosiv[oi]", excludes=ACCIDENT),
        cue(
            r"(?:si è|si sono) fatt[oaie] esplodere|fatt[oaie] saltare in aria|"
            r"è esplos[oa]|sono esplos[ie]",
            excludes=ACCIDENT,
        ),
        cue(r"attentat[oi] (?:dinamitard\w+|esplosiv\w+|suicid\w+|kamikaze)"),
        cue(
            r"attacc\w+ (?:aere\w+|con (?:i |dei )?(?:droni|missili|razzi)|di droni|"
            r"russ\w+|israelian\w+|ucrain\w+|iranian\w+|american\w+|statunitens\w+|usa|"
            r"degli stati uniti|di israele|della russia)",
            excludes=SUPPLY,
        ),
        cue(r"strike|bombe (?:plananti|guidate|a grappolo)|bomba planante"),
    ),
    "violence_against_civilians": (
        cue(r"massacr\w+|eccidi[oi]|trucidat[oaie]|fucilat[oaie]|giustiziat[oaie]"),
        cue(
            r"strag[ei]",
            excludes=r"stradal\w+|incident\w+|sabato sera|frontale|incendi\w*|rogo|"
            r"naufragi\w*|crollo|alluvion\w+|terremoto|valanga|migranti",
        ),
        cue(r"agguat[oi]|lupara|gambizzat\w+|intimidazion[ei]|intimidatori[oa]"),
        cue(r"rapit[oaie]|rapiment[oi]|rapitor[ei]|sequestro di persona"),
        cue(r"(?:pres[oaie]|preso|tenut[oaie]|tengono) in ostaggio|presa di ostaggi|in ostaggio"),
        cue(
            rf"sequestrat[oaie] (?:da|dai|dagli|dalle|da parte di) (?:\w+ ){{0,2}}"
            rf"(?:{PERPETRATORS})"
        ),
        cue(r"tortur\w+|stupr\w+|violenz\w+ sessual\w+", requires=PERPETRATORS),
        cue(
            r"esecuzion[ei] (?:sommari\w+|extragiudizial\w+|di massa|in stile mafioso)|"
            r"un'esecuzione"
        ),
        cue(
            r"uccis[oaie]|ammazzat[oaie]|freddat[oaie]|assassinat[oaie]|crivellat[oaie]|"
            r"sparatoria|accoltellat[oaie]|aggredit[oaie]|picchiat[oaie]|pestat[oaie]",
            requires=PERPETRATORS,
            excludes=AIR_MEANS,
        ),
        cue(
            r"(?:uccis|ammazzat|massacrat|giustiziat|feriti|colpit)\w* (?:\w+ ){0,2}"
            r"(?:civili|manifestanti|dimostranti|giornalist\w+|operatori umanitari|passanti|"
            r"fedeli|palestinesi|bambini)|"
            r"(?:civili|manifestanti|dimostranti|palestinesi|fedeli|giornalisti|passanti) "
            r"(?:\w+ ){0,2}(?:uccis|ammazzat|massacrat|giustiziat|colpit)\w*",
            excludes=AIR_MEANS,
        ),
        cue(
            r"spar\w+ (?:sulla|sui|contro (?:la|i|le)|ad altezza d'uomo)(?: \w+)? "
            r"(?:folla|manifestanti|civili|dimostranti|passanti|persone)"
        ),
        cue(r"attentat[oi]|attacc\w+ terroristic\w+|attentator[ei]"),
        cue(
            r"incendiat[oaie]|dat[oaie] alle fiamme",
            requires=r"coloni|miliz\w+|jihad\w*|"
            r"terroris\w+|uomini armati|camorr\w+|mafi\w+|clan",
        ),
    ),
    "protest": (
        cue(
            r"manifestazion[ei]",
            excludes=r"manifestazion[ei] (?:di interesse|sportiv\w+|cultural\w+|fieristic\w+|"
            r"artistic\w+|musical\w+|cliniche|di volontà)",
        ),
        cue(r"manifestant[ei]|dimostrant[ei]"),
        cue(
            r"manifestano|hanno manifestato|manifestavano|manifestando|sit-in|sit in|"
            r"fiaccolat[ae]|flash ?mob"
        ),
        cue(
            r"protest[ae]|protestano|hanno protestato|protestavano|protestando",
            excludes=r"protesta (?:formale|diplomatica|ufficiale)|segno di protesta|"
            r"per protesta|nota di protesta",
        ),
        cue(
            r"corte[oi]",
            excludes=r"corteo (?:funebre|nuziale|storico|presidenziale|di auto|carnevalesco)",
        ),
        cue(
            r"presidi[oi] (?:di protesta|pacific\w+|permanent\w+|davanti|sotto|in piazza|"
            r"contro|di solidarietà|antifascist\w+|pro)"
        ),
        cue(r"marci[ae] (?:per|contro|della pace|di protesta|silenzios[ae]|pacific[ae]|su|verso)"),
        cue(
            r"dimostrazion[ei] (?:di protesta|contro|pacific\w+|antigovernativ\w+|"
            r"studentesc\w+)"
        ),
        cue(
            r"(?:scesi|scese|scendono|scende|sceso|riversat[oaie]) in piazza|"
            r"in piazza (?:contro|per|a sostegno|in difesa|in solidarietà)|"
            r"piazz[ae] (?:piene|gremite)"
        ),
        cue(
            r"blocc\w+ (?:\w+ ){0,2}(?:strade|stradal\w+|autostrad\w+|binari|tangenziale|porto|"
            r"porti|stazione)",
            requires=rf"{CROWD}|scioper\w+",
            scope="text",
        ),
        cue(
            r"occupat[oaie] (?:la |l'|le |il )?(?:scuol\w+|universit\w+|facoltà|liceo|licei|"
            r"ateneo|rettorato|aul[ae])|occupazion[ei] (?:della|dell'|delle|del) (?:scuol\w+|"
            r"universit\w+|facoltà|liceo|ateneo)"
        ),
        cue(
            r"scioper\w+",
            requires=r"piazz\w+|corte[oi]|manifest\w+|presidi\w*|picchett\w+|in strada",
            scope="text",
        ),
        cue(
            r"lacrimogen\w+|idranti|proiettili di gomma|cannoni ad acqua|"
            r"caric\w+ (?:della polizia|delle forze dell'ordine|di alleggerimento|degli agenti)"
        ),
    ),
    "riot": (
        cue(
            r"sommoss\w+|disordini|tafferugli\w*|guerriglia (?:urbana|in (?:centro|città|piazza))|"
            r"scene di guerriglia|saccheggi\w*|linciat\w+|linciaggi\w*|sassaiol\w+"
        ),
        cue(
            r"(?:la|una|della|nella|alla|dalla|in|di|le|delle|nelle|alle|sulla) rivolt[ae]"
            r"(?! (?:a|al|allo|alla|ai|agli|alle|all')\b)"
        ),
        cue(
            r"scontri|si sono scontrati|scontrat[oaie] con",
            requires=rf"{CROWD}|{POLICE}",
            scope="text",
        ),
        cue(r"incidenti", requires=rf"{CROWD}|{POLICE}", excludes=r"stradal\w+|sul lavoro"),
        cue(
            r"lanci\w* (?:di |\w+ )?(?:pietre|sassi|bottiglie|oggetti|petardi|bombe carta|"
            r"fumogeni|uova|molotov)|molotov|bombe carta|bomba carta|barricat[ae]"
        ),
        cue(
            r"assalt\w+|attacc(?:o|hi|ato|ata|ati|ate|ano|avano)|aggression[ei]|aggredit[oaie]|"
            r"aggrediscono|spranghe|sprangate",
            requires=CROWD,
            excludes=rf"{ARMED_ACTORS}|{AIR_MEANS}|terroris\w+",
            scope="text",
        ),
        cue(
            r"vandal\w+|devastat[oaie]|devastazion[ei]|vetrine (?:rotte|infrante|sfondate|"
            r"spaccate)|(?:dat[oaie]|appiccat[oaie]) (?:il )?fuoco|dat[oaie] alle fiamme|"
            r"incendiat[oaie]|in fiamme|ribaltat[oaie]",
            requires=CROWD,
            scope="text",
        ),
        cue(
            r"feriti (?:\d+ |alcuni |diversi )?(?:agenti|poliziotti|carabinieri)|"
            r"(?:agenti|poliziotti|carabinieri) (?:\w+ ){0,2}feriti",
            requires=CROWD,
            scope="text",
        ),
        cue(r"rissa (?:tra|fra) (?:ultras|tifosi|ultrà|bande|gruppi)|maxi-?rissa"),
        cue(r"rivolta in carcere|rivolte carcerarie|rivolta dei detenuti"),
    ),
    "strategic_development": (
        cue(r"rinforzi|dispiegament[oi]"),
        cue(
            rf"(?:schierat|dispiegat|inviat|ammassat|mobilitat|dislocat|ridispiegat|trasferit|"
            rf"invi|schier)\w* (?:\w+ ){{0,3}}(?:{FORCES})|(?:{FORCES}) (?:\w+ ){{0,2}}"
            r"(?:schierat|dispiegat|inviat|ammassat|dislocat|ridispiegat)\w*",
        ),
        cue(rf"schieramento (?:di|delle|dei) (?:{FORCES})|invio di (?:{FORCES})"),
        cue(r"check ?-?point|posti di blocco militari"),
        cue(
            r"tregua|cessate[ -]il[ -]fuoco|armistizio|accordo di pace|"
            r"firmat\w+ (?:la |l'|un )?(?:pace|accordo di pace)"
        ),
        cue(
            r"ritir\w+ (?:\w+ ){0,2}(?:truppe|soldati|militari|forze|personale militare)|"
            r"(?:truppe|soldati|forze|militari) (?:\w+ ){0,2}ritirat\w+|(?:la|una|in) ritirata|"
            r"rafforz\w+ (?:\w+ ){0,2}presenza militare|presenza militare (?:\w+ ){0,2}rafforzat\w+"
        ),
        cue(r"golpe|colpo di stato|putsch|giunta militare"),
        cue(
            r"scambio di prigionieri|"
            r"(?:rilasci\w*|liberat\w+|liberazione|scarcerat\w+|scarcerazion[ei]|restituit\w+) "
            r"(?:\w+ ){0,3}(?:ostaggi|prigionieri|detenut[oiae])|"
            r"(?:ostaggi|prigionieri|detenut[oiae]) (?:\w+ ){0,2}(?:liberat|rilasciat|restituit|"
            r"scarcerat)\w*"
        ),
        cue(
            r"arrestat[oaie]|arrest[oi]|fermat[oaie]|in manette|catturat[oaie]|retat[ae]|"
            r"rastrellament[oi]|incarcerat[oaie]|detenzione",
            requires=MILITANTS,
            excludes=r"mandat[oi] (?:d'|di )arresto",
            scope="text",
        ),
        cue(
            r"(?:sequestr|abbord|intercett|blocc)\w+ (?:\w+ ){0,2}(?:petrolier\w+|nave|navi|"
            r"imbarcazion\w+|flotill\w+|barche)|(?:petroliera|nave|flotilla|barche) (?:\w+ ){0,2}"
            r"(?:sequestrat|abbordat|intercettat)\w*"
        ),
        cue(r"esercitazion[ei]", requires=rf"{ARMED_ACTORS}|navi|militar\w+|nato"),
    ),
}
SPORT_GUARDED = frozenset(
    {"battle", "explosion_remote_violence", "violence_against_civilians", "strategic_development"}
)

NEGATION_NEAR = _rx(r"nessun\w*|senza|né|alcun\w*")
BLOCKERS = {
    "negation": _rx(
        r"non(?! (?:solo|soltanto|lontano|lontana|distante|meno|appena|più di))|smentit\w*|"
        r"smentisc\w+|neg(?:a|ano|ato|ata|ando)"
    ),
    "hypothesis": _rx(
        r"potrebb\w+|potrà|potranno|potess\w+|possibil\w+|eventual\w+|rischio di|"
        r"rischi\w* di|minacci\w* di|pront[oaie] (?:a|ad)|se(?! n[ei](?!\w))|qualora|nel caso|"
        r"in caso di|ipotes\w+|ipotizz\w+|piano (?:per|di)|progett\w+ di|intend\w+|vuole|"
        r"vogliono|volevano|per evitare|scongiurare|prevenire|teme\w*|timor[ei]|chied\w+|"
        r"chiest[oa]|appell[oi]|invoc\w+|invit\w+ (?:a|ad|alla|al|allo|ai|agli|alle)|domani|"
        r"prossim[oaie]|entro|dovrebb\w+|vorrebb\w+|(?!parà)\w+r(?:à|anno)"
    ),
    "mention": _rx(
        r"anniversari\w+|commemora\w+|ricord\w+|memoria|memoriale|process[oi]|sentenz\w+|"
        r"condannat\w+ (?:per|all'ergastolo)|ergastol\w+|funeral\w+|inchiesta|indagin\w+|"
        r"a \d+ anni (?:da|dalla|dal|dall')"
    ),
}
WINDOW = 5  # words before a cue searched for negation, hypothesis and mention markers
NEAR_WINDOW = 2  # words before a cue searched for a close negation
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
_CLAUSE_END = re.compile(r"[.;:!?,()\[\]\n]|\s(?:ma|mentre|però|tuttavia)\s", re.IGNORECASE)
_SPORT = _rx(SPORT)


@dataclass(frozen=True)
class CueMatch:
    """A cue found in a text: its type, text span and, if it does not count, why."""

    label: str
    start: int
    end: int
    text: str
    cue: str
    blocked: str | None = None  # negation, hypothesis, mention, sport, requires, excludes, riot
    sentence: int = 0  # index of the sentence it is in


class KeywordEventLabeller:
    """The cue lexicon behind the ``EventLabeller`` protocol: score 1.0 for each event type
    with an unblocked cue (rules above :data:`EVENT_CUES`)."""

    name = "keywords"

    def __init__(self, cues: Mapping[str, Sequence[Cue]] = EVENT_CUES) -> None:
        from cronaca.inference.labels import EVENT_TYPES

        unknown = set(cues) - set(EVENT_TYPES)
        if unknown:
            raise ValueError(f"cues for unknown event types {sorted(unknown)}")
        self.labels = [label for label in EVENT_TYPES if label in cues]
        self.cues = {label: tuple(cues[label]) for label in self.labels}
        self.thresholds = {label: 0.5 for label in self.labels}
        # one alternation per type: texts with no cue at all are skipped in one search
        self.any_cue = {
            label: re.compile(
                "|".join(f"(?:{c.pattern.pattern})" for c in self.cues[label]), re.IGNORECASE
            )
            for label in self.labels
        }
        self.info = {"cues": {label: len(c) for label, c in self.cues.items()}}

    def explain(self, text: str) -> list[CueMatch]:
        """Every cue match in ``text``, in order, with the reason it is blocked (or ``None``)."""
        text = text.replace("’", "'")
        sentence_ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        clause_ends = [m.end() for m in _CLAUSE_END.finditer(text)]
        sentences: dict[int, str] = {}
        found = []
        for label in self.labels:
            if not self.any_cue[label].search(text):
                continue
            for c in self.cues[label]:
                for match in c.pattern.finditer(text):
                    k = bisect.bisect_right(sentence_ends, match.start())
                    if k not in sentences:
                        first = sentence_ends[k - 1] if k else 0
                        last = sentence_ends[k] if k < len(sentence_ends) else len(text)
                        sentences[k] = text[first:last]
                    reason = self._blocked(label, c, text, match, sentences[k], clause_ends)
                    found.append(
                        CueMatch(
                            label, match.start(), match.end(), match.group(), str(c), reason, k
                        )
                    )
        # a demonstration that turns violent is a riot, not also a protest (decision 5)
        rioting = {m.sentence for m in found if m.label == "riot" and m.blocked is None}
        found = [
            replace(m, blocked="riot")
            if m.label == "protest" and m.blocked is None and m.sentence in rioting
            else m
            for m in found
        ]
        return sorted(found, key=lambda m: (m.start, self.labels.index(m.label)))

    def _blocked(
        self,
        label: str,
        c: Cue,
        text: str,
        match: re.Match,
        sentence: str,
        clause_ends: Sequence[int],
    ) -> str | None:
        context = text if c.scope == "text" else sentence
        if c.requires is not None and not c.requires.search(context):
            return "requires"
        if c.excludes is not None and c.excludes.search(context):
            return "excludes"
        if label in SPORT_GUARDED and _SPORT.search(sentence):
            return "sport"
        k = bisect.bisect_right(clause_ends, match.start())
        words = text[clause_ends[k - 1] if k else 0 : match.start()].split()
        if NEGATION_NEAR.search(" ".join(words[-NEAR_WINDOW:])):
            return "negation"
        window = " ".join(words[-WINDOW:])
        for reason, pattern in BLOCKERS.items():
            if pattern.search(window):
                return reason
        return None

    def event_scores(self, texts: Sequence[str], batch_size: int = 32) -> list[dict[str, float]]:
        """For each text, every type's score: 1.0 with at least one unblocked cue, else 0.0."""
        out = []
        for text in texts:
            fired = {m.label for m in self.explain(text) if m.blocked is None}
            out.append({label: float(label in fired) for label in self.labels})
        return out
