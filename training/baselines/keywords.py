"""The event-type rule baseline: :class:`KeywordEventLabeller`, an ``EventLabeller`` like the
models, so one harness scores both and the Predictor serves both (``cronaca predict --model
keywords``). Its lexicon is :mod:`.event_cues`.

Every rule is a regex matched case-insensitively on the text with ``’`` read as ``'``.

A **cue** is a pattern that reports an event of its type. Ambiguous cues carry a *context*:
``requires`` must match in the cue's scope, ``excludes`` must not. The scope is the cue's
sentence (cut at ``. ! ?`` before a space, and at newlines: a news item's headline is one
sentence) or, for cues whose actor is often named in the headline (``scontri``, arrests,
strikes, rioters' damage), the whole text. So ``scontri`` is ``battle`` next to armed actors
and no demonstrators, ``riot`` next to demonstrators or police; ``uccisi`` is
``violence_against_civilians`` next to an armed or criminal actor and not in a sentence with
an air strike (its casualty count, decision 4); an arrest is ``strategic_development`` near
militants, protesters, opponents or journalists (decision 7), not near a thief.

A cue is then **blocked** when, in its own clause (cut at ``. ; : ! ? , ( )``, a newline,
``ma``, ``mentre``, ``però``, ``tuttavia``),

- a *close negation* ``nessun…``, ``senza``, ``né``, ``alcun…`` is among the 2 words before
  it ("nessuno scontro", "senza alcuna esplosione": it scopes over one noun phrase, so
  "nessun ferito negli scontri" still reports the clashes);
- a *negation* ``non`` (not "non solo", "non lontano", "non meno" …), ``smentit…``,
  ``smentisce``, ``nega…`` is among the 5 words before it ("non ci sono stati scontri");
- a *hypothesis* marker is among the 5 words before it: ``potrebbe/potrebbero/potrà``,
  ``possibile``, ``eventuale``, ``rischio di``, ``rischia di``, ``minaccia di``, ``pronti a``,
  ``se`` (not "se ne"), ``qualora``, ``in caso di``, ``ipotesi``, ``piano per``, ``intende``,
  ``vuole``, ``per evitare``, ``scongiurare``, ``teme``, ``chiede``, ``appello``, ``invita
  a``, ``domani``, ``prossimo``, ``entro``, ``dovrebbe``, ``vorrebbe`` and any future-tense
  verb (a word ending in ``-rà`` / ``-ranno``: "attaccherà", "sarà", "manifesteranno"; not
  "parà"). The reportative conditional ("sarebbero stati uccisi") is *not* a hypothesis:
  Italian news uses it for reported, unconfirmed facts, which count (decision 1);
- a *mention* marker is among the 5 words before it: a commemoration, trial or anniversary
  that only names a past event (``anniversario``, ``commemorazione``, ``ricordo``,
  ``memoria``, ``processo``, ``sentenza``, ``condannato per``, ``ergastolo``, ``funerali``,
  ``inchiesta``, ``a 30 anni da``; decision 13).

**Sport**: cues of battle, explosion_remote_violence, violence_against_civilians and
strategic_development are ignored in a sentence that speaks of sport (``partita``,
``campionato``, ``gol``, ``Serie A``, ``Juventus``, ``derby`` …): "la Juventus conquista la
vetta", "un bombardamento dell'Inter". Protest and riot cues are kept there: ultras' clashes
are riots (decision 6). "L'attacco della Juventus" fires nothing anyway: a bare ``attacco``
is no cue (it needs ground forces, an air means or a terror qualifier next to it).

**Riot over protest**: a protest cue in a sentence where a riot cue counts is dropped: the
demonstration that turned violent is the riot (decision 5); a peaceful demonstration reported
in another sentence of the item keeps its protest label.

A text gets score 1.0 for each type with at least one unblocked cue; nothing else.
:meth:`KeywordEventLabeller.explain` lists every cue match and why it was blocked.

Known limits (what a rule set cannot see): negation and hypothesis are a word window before
the cue, so "non ci sono feriti negli scontri" blocks "scontri", and "i bombardamenti
potrebbero riprendere" (marker after the cue) is not blocked; actors come from word lists, so
a private murder with "killer" fires violence_against_civilians; background mentions ("dopo
l'attentato di Bondi Beach", "la repressione delle proteste") fire like reports; metaphors
outside sport fire unless the cue is guarded ("battaglia legale" is, "agguato" is not);
generic talk ("la tregua regge a fatica") fires like a report; casualty counts alone ("50
morti") never fire.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .event_cues import BLOCKERS, EVENT_CUES, NEGATION_NEAR, SPORT_CONTEXT, SPORT_GUARDED, Cue

WINDOW = 5  # words before a cue searched for negation, hypothesis and mention markers
NEAR_WINDOW = 2  # words before a cue searched for a close negation
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
_CLAUSE_END = re.compile(r"[.;:!?,()\[\]\n]|\s(?:ma|mentre|però|tuttavia)\s", re.IGNORECASE)


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
        if label in SPORT_GUARDED and SPORT_CONTEXT.search(sentence):
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
