"""Italian word segmentation, KIND style: the one definition of a "word" for raw text.

KIND (and so every gold sentence the model learns from) splits an elided article or preposition
from its word and keeps the apostrophe on it (``l'`` ``Istituto``), puts each punctuation mark in a
token of its own, and keeps numbers (``3,5``, ``1.000``) and hyphenated names (``Al-Khalakhil``)
whole. Raw text (JSONL annotations, news feeds, inference input) must be cut the same way, or the
model would see words it never saw in training; :func:`word_spans` does that with one regex.

An apostrophe between letters is an elision only after a known elision form (:data:`ELISIONS`);
anywhere else it belongs to the word, so transliterated names stay whole (``Sha'Fah``,
``Donec'k``, ``al-Qa'eda``). ``'`` and ``’`` are treated alike.

:func:`detokenize` goes the other way: it joins CoNLL tokens into natural text with exact
character offsets, so that a KIND sentence reads like the news text the model meets at inference.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Italian forms that are written elided before a vowel (lowercase; matched case-insensitively).
# Grouped by kind so that a missing one is easy to spot; the frequent ones in KIND come first.
ELISIONS: tuple[str, ...] = (
    # articles and articulated prepositions: l'Istituto, dell'esercito, sull'isola
    *("l", "gl", "un", "dell", "degl", "all", "agl", "dall", "dagl", "nell", "negl"),
    *("sull", "sugl", "coll", "pell", "quegl"),
    # clitic pronouns and particles: c'è, d'Italia, m'ha, s'è, t'ho, v'è, n'è
    *("c", "ch", "d", "m", "n", "s", "t", "v", "gliel"),
    # demonstratives, adverbs and conjunctions: quest'anno, anch'io, com'era, senz'altro
    *("quest", "quell", "codest", "anch", "com", "cos", "dov", "quand", "senz", "nient"),
    *("ov", "ond", "mentr", "sott", "contr", "tutt", "altr"),
    # adjectives and titles: sant'Egidio, bell'Italia, mezz'ora, nessun'altra
    *("sant", "bell", "buon", "grand", "mezz", "tant", "quant", "qual", "alcun", "nessun"),
    *("ciascun", "cert", "dev", "marc"),
    # numerals: vent'anni, cinquant'anni, cent'anni
    *("vent", "trent", "quarant", "cinquant", "sessant", "settant", "ottant", "novant"),
    *("cent", "mill", "quattr", "ventiquattr", "diciott"),
)

# Truncated words whose apostrophe ends the word: un po' di, a mo' di, de' Medici, E' (= È).
TRUNCATIONS: tuple[str, ...] = ("po", "mo", "de", "be", "va", "fa", "sta", "da", "di", "to", "e")

# Abbreviations that keep their full stop (titles and the like; matched case-insensitively).
ABBREVIATIONS: tuple[str, ...] = (
    *("dott", "prof", "sig", "sigg", "avv", "ing", "on", "sen", "dep", "gen", "mons", "arch"),
    *("dr", "mr", "mrs", "ms", "jr", "st", "ecc", "cfr", "art", "pag"),
)

_APOS = "'’"
_WORD = r"[\w\u0300-\u036f]"  # \w plus combining accents, so NFD text keeps whole words
_TLD = r"(?:it|com|org|net|eu|gov|edu|info|int|uk|de|fr|es|ch)"


def _one_of(words: Sequence[str], then: str) -> str:
    """Case-insensitive ``words`` followed by ``then``, behind a cheap lookahead: the costly
    alternation only runs where a short word really is followed by ``then``."""
    longest = max(map(len, words))
    alternation = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return rf"\b(?=[^\W\d_]{{1,{longest}}}{then})(?i:{alternation}){then}"


_ELIDED = _one_of(ELISIONS, f"[{_APOS}]")
_TRUNCATED = _one_of(TRUNCATIONS, f"[{_APOS}]")
_ABBREVIATED = _one_of(ABBREVIATIONS, r"\.")
_NUMBER_SIGN = _one_of(("n", "nn", "nr", "no"), r"\.")

# Alternatives are tried in order at each position; the first that matches wins. The first one
# is a fast path for the common case (a plain word followed by a space) and changes no result:
# every later alternative that starts with a letter needs a non-space right after the letters.
_TOKEN = re.compile(
    rf"""
    {_WORD}++(?=\s|\Z)                                            # plain word (fast path)
  | https?://(?:\S*[^\s.,;:!?)\]»"”'’]|\S)                      # URL, minus trailing punctuation
  | [\w.+-]{{1,64}}@[\w-]+(?:\.[\w-]+)+                          # e-mail address
  | (?:www\.)?[\w-]{{1,63}}(?:\.[\w-]{{1,63}}){{0,10}}\.{_TLD}\b    # bare domain: Repubblica.it
  | {_ELIDED}(?={_WORD}|["«“])                                    # elision: l' dell' un' all’
  | {_TRUNCATED}(?!{_WORD})                                       # truncation: po' mo'
  | (?<!{_WORD})[{_APOS}]ndr{_WORD}*                            # aphaeresis: 'ndrangheta
  | \d+(?:[.,:/]\d+)+                                           # number: 3,5  1.000  11:30
  | (?:[^\W\d_]\.){{2,}}                                        # dotted acronym: S.p.A. U.S.A.
  | {_ABBREVIATED}                                                # title: dott. prof. St.
  | [A-Z]\.(?=\s+[A-Z])                                         # initial: George W. Bush
  | {_NUMBER_SIGN}(?=\s*\d)                                        # number sign: legge n. 104
  | \#{_WORD}+                                                  # hashtag: #blackouttuesday
  | {_WORD}+(?:[-‐‑{_APOS}‘]{_WORD}+)*                          # word: Al-Khalakhil Sha'Fah
  | \.{{2,}}                                                    # ellipsis written with dots
  | \S                                                          # any other mark, one a token
    """,
    re.VERBOSE,
)


_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str) -> int:
    """Index of the first lone surrogate in ``text`` (a ``"\\ud800"`` JSON escape with no pair
    decodes to one; no encoder or tokenizer accepts it), or -1 when there is none."""
    found = _SURROGATE.search(text)
    return found.start() if found else -1


def surrogate_problem(text: str) -> str | None:
    """Why ``text`` is not valid Unicode (a lone surrogate), or None."""
    at = lone_surrogate(text)
    if at < 0:
        return None
    return f"lone surrogate U+{ord(text[at]):04X} at character {at}: not valid Unicode"


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the words of ``text``, KIND-style."""
    return list(map(re.Match.span, _TOKEN.finditer(text)))


def words(text: str) -> list[str]:
    """The words of ``text`` (see :func:`word_spans`)."""
    return _TOKEN.findall(text)


# --- detokenize -------------------------------------------------------------------------------

_ELISION_SET = frozenset(ELISIONS)
# Typographic marks say which side they attach to; straight quotes alternate (open, close, ...).
_NO_SPACE_BEFORE = frozenset(",.;:!?)]}»”’%°…") | {"...", "'s", "’s"}
_NO_SPACE_AFTER = frozenset("([{«“‘")
_STRAIGHT_QUOTES = frozenset({'"', "'"})


def _is_elision(token: str) -> bool:
    return len(token) > 1 and token[-1] in _APOS and token[:-1].lower() in _ELISION_SET


def _quote_role(token: str, previous: str, following: str, open_quotes: set[str]) -> str:
    """``"open"`` or ``"close"`` for a straight quote; updates ``open_quotes`` for real pairs."""
    if token == "'" and following[:1].isdigit():
        return "open"  # a decade: gli anni '70
    if token == "'" and previous[-1:].isdigit():
        return "close"  # minutes or feet: al 40' della ripresa
    if token in open_quotes:
        open_quotes.discard(token)
        return "close"
    open_quotes.add(token)
    return "open"


def detokenize(tokens: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join tokens into natural text; returns ``(text, offsets)`` with ``text[s:e] == token``."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    position, glue_next, open_quotes = 0, True, set()
    for i, token in enumerate(tokens):
        role = "plain"
        if token in _STRAIGHT_QUOTES:
            previous, following = tokens[i - 1] if i else "", "".join(tokens[i + 1 : i + 2])
            role = _quote_role(token, previous, following, open_quotes)
        glue = glue_next or token in _NO_SPACE_BEFORE or role == "close"
        if not glue:
            parts.append(" ")
            position += 1
        parts.append(token)
        offsets.append((position, position + len(token)))
        position += len(token)
        glue_next = token in _NO_SPACE_AFTER or _is_elision(token) or role == "open"
    return "".join(parts), offsets
