# SPDX-License-Identifier: EUPL-1.2
"""The recurring Dutch election narratives (domain.md §3), as seeded by migration 0002.

Each with the false claim in Dutch and English, the correct rule and where it is written.
"""

from __future__ import annotations

KIESRAAD_INVALID = "https://www.kiesraad.nl/verkiezingen/provinciale-staten/stemmen/blanco-ongeldig"

NARRATIVES = [
    {
        "slug": "two-boxes",
        "title": "Twee vakjes inkleuren",
        "claim_nl": "Je mag of moet twee vakjes rood maken, bijvoorbeeld één voor elke partij "
        "van een gezamenlijke lijst zoals GroenLinks/PvdA.",
        "claim_en": "You may or must colour two boxes, for example one for each party of a "
        "combined list such as GroenLinks/PvdA.",
        "correct_rule": "Je stemt door precies één wit vakje rood te maken. Wie twee vakjes "
        "inkleurt, brengt een ongeldige stem uit.",
        "rule_source": "Kieswet, art. N 7 (geldigheid van het stembiljet); Kiesraad",
        "rule_source_url": KIESRAAD_INVALID,
        "examples": "kleur twee vakjes in\nstem op allebei: één GroenLinks en één PvdA\n"
        "vote for both parties by checking two boxes\ntwee hokjes rood maken telt dubbel",
    },
    {
        "slug": "colour-not-red",
        "title": "Een andere kleur dan rood",
        "claim_nl": "Je mag het vakje met blauw, zwart of potlood inkleuren; of: rood potlood "
        "wordt uitgegumd, neem je eigen pen mee.",
        "claim_en": "You may mark the box in blue, black or pencil; or: red pencil gets erased, "
        "bring your own pen.",
        "correct_rule": "Je maakt het vakje rood; elke rode pen of elk rood potlood mag. Een "
        "andere kleur maakt de stem ongeldig (een blauwe stip kostte D66 in 2011 een "
        "Eerste-Kamerzetel).",
        "rule_source": "Kieswet, art. J 25 en N 7; Kiesraad",
        "rule_source_url": KIESRAAD_INVALID,
        "examples": "stem met blauwe pen\npotlood wordt uitgegumd, gebruik een pen\n"
        "use a blue pen to vote\nthe red pencil can be erased",
    },
    {
        "slug": "writing-on-the-ballot",
        "title": "Iets op het stembiljet schrijven",
        "claim_nl": "Schrijf je naam, 'blanco' of een boodschap op het stembiljet om je stem "
        "te laten tellen of om te protesteren.",
        "claim_en": "Write your name, 'blank' or a message on the ballot to make your vote "
        "count or to protest.",
        "correct_rule": "Een naam of het woord 'blanco' op het stembiljet maakt de stem "
        "ongeldig; een blanco stem breng je uit met het vakje daarvoor, als dat er is.",
        "rule_source": "Kieswet, art. N 7; Kiesraad",
        "rule_source_url": KIESRAAD_INVALID,
        "examples": "zet je naam op het stembiljet\nschrijf blanco op je biljet\n"
        "sign your ballot so it counts",
    },
    {
        "slug": "wrong-date-or-hours",
        "title": "Verkeerde verkiezingsdatum of openingstijden",
        "claim_nl": "De verkiezing is een dag later, of de stembureaus zijn maar tot 17.00 uur "
        "open.",
        "claim_en": "The election is a day later, or polling stations only open until 5 pm.",
        "correct_rule": "Stembureaus zijn op de verkiezingsdag open van 7.30 tot 21.00 uur; de "
        "datum staat op de stempas en bij de gemeente.",
        "rule_source": "Kieswet, art. J 1; Kiesraad",
        "rule_source_url": "https://www.kiesraad.nl/verkiezingen",
        "examples": "stemmen kan morgen ook nog\nstembureau sluit om 17 uur\n"
        "you can also vote tomorrow\npolls close at 5pm",
    },
    {
        "slug": "online-voting",
        "title": "Online of via een app stemmen",
        "claim_nl": "Je kunt dit jaar online, per app of per e-mail stemmen.",
        "claim_en": "This year you can vote online, by app or by e-mail.",
        "correct_rule": "Stemmen kan alleen met een papieren stembiljet in het stembureau, per "
        "volmacht of (vanuit het buitenland) per brief of met een kiezerspas. Internetstemmen "
        "bestaat niet.",
        "rule_source": "Kieswet; Kiesraad (stemmen vanuit het buitenland)",
        "rule_source_url": "https://www.kiesraad.nl/verkiezingen/europees-parlement/stemmen/vanuit-het-buitenland",
        "examples": "stem via de app\nstemmen kan nu ook online met DigiD\nvote online with this link\n"
        "download the voting app",
    },
    {
        "slug": "id-and-proxy",
        "title": "Regels voor identiteitsbewijs en volmacht",
        "claim_nl": "Een verlopen identiteitsbewijs is ongeldig, of je mag zoveel volmachten "
        "meenemen als je wilt.",
        "claim_en": "An expired ID is not accepted, or you may carry as many proxy votes as you "
        "like.",
        "correct_rule": "Een paspoort, identiteitskaart of rijbewijs mag tot 5 jaar verlopen "
        "zijn. Je mag hoogstens 2 volmachtstemmen uitbrengen, tegelijk met je eigen stem.",
        "rule_source": "Kieswet, art. J 25 en L 4; Kiesraad",
        "rule_source_url": "https://www.kiesraad.nl/verkiezingen/europees-parlement/stemmen/identificatie",
        "examples": "verlopen paspoort mag niet\nneem de stempassen van je hele straat mee\n"
        "expired ID not allowed\nunlimited proxy votes",
    },
    {
        "slug": "vote-counts-half",
        "title": "Je stem telt maar half",
        "claim_nl": "Je stem telt maar half, bijvoorbeeld als je op een gezamenlijke lijst of "
        "op een kandidaat lager op de lijst stemt.",
        "claim_en": "Your vote only counts half, for example for a combined list or a candidate "
        "lower on the list.",
        "correct_rule": "Elke geldige stem telt volledig mee voor de lijst; voorkeurstemmen "
        "tellen mee voor de kandidaat.",
        "rule_source": "Kieswet, hoofdstuk P (zetelverdeling); Kiesraad",
        "rule_source_url": "https://www.kiesraad.nl/verkiezingen",
        "examples": "je stem telt maar voor de helft\nstem op nummer 1 anders telt het niet\n"
        "your vote only counts half",
    },
]
