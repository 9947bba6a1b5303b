"""The cues that choose which news items annotators read for the event-type corpus (data).

A cue match is a reason to *look at* an item, nothing more: selection is not labelling
(:mod:`.event_candidates`). These are not the keyword baseline's cues
(:mod:`cronaca.training.baselines.event_cues`), which decide a label and so are much narrower.
"""

from __future__ import annotations

import re
from typing import NamedTuple

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
