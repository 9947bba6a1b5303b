"""The keyword baseline for event types: an Italian cue lexicon behind the ``EventLabeller``
protocol, so the same harness scores it and the model on the same records.

The cues come from the guidelines' cue column and ordinary Italian news wording (lemmas with
their inflections as regex alternations); they were written, not fitted to the annotated data.
A cue is ignored when a negation ("non", "nessun", "senza", "smentit…") or a hypothesis marker
("potrebbe", "rischio di", "minaccia di", "pronti a", a future "attaccherà") stands in the five
words before it, in the same clause. A text gets score 1.0 for each type with a surviving cue.
Known limits: no sense disambiguation ("l'attacco della Juventus" fires ``battle``), no
actor checks (a domestic murder fires ``violence_against_civilians``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cronaca.inference.labels import EVENT_TYPES

CUES: dict[str, list[str]] = {
    "battle": [
        r"scontr[oi] (?:armat|a fuoco|tra (?:l'esercito|le truppe|i ribelli|milizi))\w*",
        r"combattiment[oi]",
        r"combattut[oaie]",
        r"offensiv[ae]",
        r"controffensiv[ae]",
        r"contrattacc\w+",
        r"assedi\w*",
        r"conquist(?:at[oaie]|a|ano|ato)",
        r"ripres[oaie] il controllo",
        r"riconquist\w+",
        r"cacciat[oaie] da",
        r"battagli[ae]",
        r"conflitto a fuoco",
        r"sparatoria con (?:la polizia|l'esercito|i militari)",
        r"imboscat[ae]",
        r"avanzat[ae] (?:delle truppe|russ\w+|ucrain\w+)",
    ],
    "explosion_remote_violence": [
        r"raid aere\w+",
        r"bombardament[oi]",
        r"bombardat[oaie]",
        r"bombard\w+",
        r"razz[oi]",
        r"missil[ei]",
        r"colpi di mortaio",
        r"mortai",
        r"artiglieria",
        r"autobomba",
        r"kamikaze",
        r"ordign[oi]",
        r"(?:esplosivo|esplosione|esplos[oaie])",
        r"mine? antiuomo",
        r"droni? (?:kamikaze|d'attacco)",
        r"attacc\w+ con (?:i )?droni",
        r"attacco (?:aereo|missilistico|con droni)",
        r"granat[ae]",
        r"attentato dinamitardo",
    ],
    "violence_against_civilians": [
        r"uccis[oaie]",
        r"ammazzat[oaie]",
        r"massacr\w+",
        r"strag[ei]",
        r"sequestrat[oaie]",
        r"rapit[oaie]",
        r"rapiment[oi]",
        r"ostagg\w+",
        r"giustiziat[oaie]",
        r"esecuzion[ei]",
        r"agguat[oi]",
        r"tortur\w+",
        r"stupr\w+",
        r"fucilat[oaie]",
        r"trucidat[oaie]",
        r"spar\w+ (?:sulla folla|sui manifestanti|sui civili)",
        r"civili (?:uccisi|morti)",
    ],
    "protest": [
        r"manifestazion[ei]",
        r"manifestant[ei]",
        r"corte[oi]",
        r"protest[ae]",
        r"protestano",
        r"sit-in",
        r"presidi[oi]",
        r"sciopero",
        r"scioperi",
        r"in piazza",
        r"marcia (?:per|contro|di protesta)",
        r"fiaccolata",
        r"mobilitazion[ei]",
    ],
    "riot": [
        r"sommoss\w+",
        r"rivolt[ae]",
        r"disordini",
        r"guerriglia urbana",
        r"saccheggi\w*",
        r"scontri tra (?:manifestanti|ultras|tifosi|dimostranti) e (?:polizia|forze)\w*",
        r"scontri con la polizia",
        r"tafferugli",
        r"linciat\w+",
        r"lanci\w* di (?:pietre|sassi|"
        r"bottiglie|oggetti)",
        r"auto (?:date alle fiamme|incendiate)",
        r"cariche della polizia",
    ],
    "strategic_development": [
        r"rinforzi",
        r"schierat[oaie]",
        r"dispiegat[oaie]",
        r"dispiegamento",
        r"truppe inviate",
        r"inviat[oaie] (?:truppe|soldati|militari)",
        r"check ?point",
        r"tregua",
        r"cessate il fuoco",
        r"accordo di pace",
        r"arrestat[oaie]",
        r"arresti",
        r"ritirat[ae]",
        r"ritiro delle truppe",
        r"golpe",
        r"colpo di stato",
        r"prigionieri (?:rilasciati|liberati)",
        r"scambio di prigionieri",
    ],
}

_BLOCKERS = re.compile(
    r"\b(?:non|nessun[oa]?|senza|né|smentit\w*|potrebb\w+|potrà|rischio di|rischia\w* di|"
    r"minacci\w* di|pronti a|pronto a|intende\w*|vorrebbe\w*|se|qualora|ipotesi|possibil\w+|"
    r"\w+(?:erà|eranno|irà|iranno))\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[.;:!?\n]")
WINDOW = 5  # words before a cue that can negate it or make it hypothetical


def _compile(patterns: list[str]) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


class KeywordEventLabeller:
    """Cue lexicon per type; a cue counts unless negated or hypothetical just before it."""

    name = "keywords"

    def __init__(self, cues: dict[str, list[str]] = CUES):
        self.labels = list(EVENT_TYPES)
        self.cues = {label: _compile(cues[label]) for label in self.labels}
        self.thresholds = {label: 0.5 for label in self.labels}

    def fires(self, text: str, match: re.Match) -> bool:
        clause_start = max((m.end() for m in _CLAUSE.finditer(text, 0, match.start())), default=0)
        before = text[clause_start : match.start()].split()[-WINDOW:]
        return not _BLOCKERS.search(" ".join(before))

    def event_scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [
            {
                label: 1.0
                for label, pattern in self.cues.items()
                if any(self.fires(text, m) for m in pattern.finditer(text))
            }
            for text in texts
        ]
