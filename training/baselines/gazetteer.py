"""The entity rule baseline: :class:`GazetteerTagger`, a ``WordTagger`` and an ``EntityTagger``
like the models, so one harness scores both and the Predictor serves both (``cronaca predict
--model gazetteer``; each match scores 1.0).

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

import csv
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cronaca.inference.entities import tagged_entities
from cronaca.inference.labels import OUTSIDE
from cronaca.inference.protocols import WordSpans
from cronaca.inference.types import Entity
from cronaca.inference.words import word_spans

from ..data.corpora import shared_data_dir
from ..data.records import Sentence

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
    """Longest-match, case-sensitive lookup of known names over words (a ``WordTagger`` and an
    ``EntityTagger``)."""

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

    def tag_entities(
        self, texts: Sequence[str], words: Sequence[WordSpans], batch_size: int = 32
    ) -> list[list[Entity]]:
        """The matched names as entities, score 1.0 (``batch_size`` is unused: no batches)."""
        return tagged_entities(texts, words, self.tag_words(texts, words))

    @classmethod
    def from_files(
        cls,
        train_sentences: Iterable[Sentence] = (),
        ucdp_csv: str | os.PathLike[str] | None = DEFAULT,
        kind_org: str | os.PathLike[str] | None = DEFAULT,
        **options,
    ) -> GazetteerTagger:
        """The baseline from training sentences and the gazetteer files (``None`` skips a file;
        ``DEFAULT`` reads it from :func:`~cronaca.training.data.corpora.shared_data_dir`).
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
