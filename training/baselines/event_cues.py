"""The keyword baseline's lexicon (data): event type -> cues, their contexts, blocking markers;
:mod:`.keywords` says how they apply. Written from the cue column of the guidelines
(event-types.md), the annotation decisions for hard cases (numbered as the annotators'
instructions) and Italian news wording; not fitted to the annotated data. The TRAIN split was
read only to check coverage (spelling bugs such as ``droni?`` missing "drone", inflections,
news wording: "raid Usa", "scarcerazione"), fixed as general patterns; no dev or test text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal


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
SPORT_CONTEXT = _rx(SPORT)
