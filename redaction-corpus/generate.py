# SPDX-License-Identifier: EUPL-1.2
"""Writes the synthetic development corpus: ``python redaction-corpus/generate.py``.

Every person, address, number and account here is invented. Each document is one JSON file
with ``text``, ``personal`` (strings that must disappear, every occurrence) and ``keep``
(strings that must stay). The "test" split uses its own templates and its own people and is
not used to tune the engine; the "dev" split is.

The files are committed; rerun only to change the corpus (the output is deterministic).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"
HANDWRITTEN = ("hand-", "unseen-")

ORG = "Ministry of the Interior and Kingdom Relations"
ORG_NL = "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"
ADDRESS = "Turfmarkt 147 | 2511 DP Den Haag | Postbus 20011 | 2500 EA Den Haag"
ORG_KEEP = [ORG, "Turfmarkt 147", "2511 DP Den Haag", "Postbus 20011"]


@dataclass(frozen=True)
class Person:
    first: str
    interfix: str
    last: str
    email_local: str

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.first, self.interfix, self.last) if p)

    @property
    def surname(self) -> str:
        return " ".join(p for p in (self.interfix, self.last) if p)

    @property
    def initials_name(self) -> str:
        return f"{self.first[0]}. {self.surname}"


def person(first: str, interfix: str, last: str) -> Person:
    local = f"{first[0]}.{(interfix + last).replace(' ', '').replace(chr(39), '')}".lower()
    return Person(first, interfix, last, local)


DEV_DUTCH = [
    person(*p.split("|"))
    for p in [
        "Sanne|de|Vries",
        "Pieter||Bakker",
        "Marloes|van der|Berg",
        "Joost||Kloosterhuis",
        "Ilse||Tjepkema",
        "Thijs|van|Dijk",
        "Noor||Vlaskamp",
        "Wouter|de|Graaf",
        "Eline||Brinkgreve",
        "Ruben||Zwanenburg",
        "Femke|van den|Heuvel",
        "Daan||Oosterwijk",
        "Lotte||Hoogendoorn-Lelie",
        "Koen|de|Haan",
        "Anouk||Verhoeven",
        "Jeroen|van|Vliet",
        "Mirjam||Terpstra",
        "Gijs||Dijkstra",
        "Yara|el|Amrani",
        "Bram||Wolterbeek",
        "Iris||Mulder",
        "Floor|ter|Horst",
    ]
]
DEV_ENGLISH = [
    person(*p.split("|"))
    for p in [
        "Emily||Carter",
        "Liam||O'Connor",
        "Priya||Raman",
        "Daniel||Whitfield",
        "Hannah||Brooks",
        "Marcus||Lindqvist",
        "Sofia||Alvarez",
        "Aoife||Byrne",
        "Tom||Fairbanks",
        "Rachel||Okafor",
        "Claire||Dubois",
        "Nadia||Haddad",
        "Megan||Holloway",
        "Kwame||Mensah",
        "Siobhan||Kelly",
        "Oliver||Pemberton",
    ]
]
TEST_DUTCH = [
    person(*p.split("|"))
    for p in [
        "Maaike||Schrijvers",
        "Hidde|van|Lent",
        "Roel||Kampstra",
        "Fenna|de|Lange",
        "Willemijn||Beerens",
        "Stijn||Ottens",
        "Esther|van der|Zwaag",
        "Lars||Hofstede",
    ]
]
TEST_ENGLISH = [
    person(*p.split("|"))
    for p in [
        "Charlotte||Ashdown",
        "Ethan||Mallory",
        "Zainab||Idris",
        "Connor||Walsh",
        "Julia||Kowalski",
        "Samuel||Achterberg",
    ]
]

PLATFORMS = [
    ("X", "twitter.com", "x.com", "X's civic integrity policy"),
    ("Meta", "meta.com", "facebook.com", "Meta's Community Standards"),
    ("TikTok", "tiktok.com", "tiktok.com", "TikTok's Community Guidelines"),
    ("Google", "google.com", "youtube.com", "YouTube's elections misinformation policies"),
]
MUNICIPALITIES = [
    ("Zuidhaven", "Stadhuisplein 1", "4811 AB Zuidhaven", "zuidhaven.nl"),
    ("Oostmeer", "Raadhuisstraat 10", "7701 CD Oostmeer", "oostmeer.nl"),
    ("Westerbroek", "Marktplein 3", "9601 EF Westerbroek", "westerbroek.nl"),
]
PARTIES = ["GroenLinks/PvdA", "VVD", "NSC", "BBB", "D66", "PVV", "CDA"]
ELECTIONS = ["Tweede Kamerverkiezing 22 november 2023", "Parliamentary Elections"]
HANDLES = [
    "kees_stemt",
    "echtewaarheid88",
    "hollandsnieuws_nu",
    "stembusjan",
    "patriotpiet",
    "truthseeker_nl2",
    "waakzaam_willem",
    "de_klokkenluider",
    "freevoter_22",
    "annie_ontwaakt",
]
PRIVATE_DOMAINS = [
    "gmail.com",
    "hotmail.com",
    "ziggo.nl",
    "kpnmail.nl",
    "outlook.com",
    "icloud.com",
]
STREETS = [
    ("Kerkstraat", "12"),
    ("Lindenlaan", "7a"),
    ("Beukenweg", "143"),
    ("Molenstraat", "2-4"),
    ("Prinses Irenestraat", "19"),
    ("Zonnebloemhof", "31"),
    ("Dorpsstraat", "88"),
]
PLACES = [
    ("1234 AB", "Dwingeloo"),
    ("3512 KX", "Utrecht"),
    ("6811 LS", "Arnhem"),
    ("9712 GH", "Groningen"),
    ("2313 BZ", "Leiden"),
    ("5611 EM", "Eindhoven"),
]
BSNS = ["111222333", "123456782", "987654321"]  # all pass the 11-proof; invented
IBANS = ["NL91 ABNA 0417 1643 00", "NL02ABNA0123456789", "NL20 INGB 0001 2345 67"]
PLATES = ["12-ABC-3", "GB-12-TX", "4-KRT-56", "XS-471-P"]


def mobile(rng: random.Random) -> str:
    digits = "".join(str(rng.randint(0, 9)) for _ in range(8))
    forms = [
        f"06-{digits}",
        f"06 {digits[:4]} {digits[4:]}",
        f"+31 6 {digits[:4]} {digits[4:]}",
        f"+31 (0)6 {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}",
        f"0031 6{digits}",
    ]
    return rng.choice(forms)


def landline(rng: random.Random) -> str:
    d = "".join(str(rng.randint(0, 9)) for _ in range(7))
    return rng.choice(
        [
            f"070-{d}",
            f"(070) {d[:3]} {d[3:5]} {d[5:]}",
            f"030 {d[:3]} {d[3:]}",
            f"+31 20 {d[:3]} {d[3:]}",
            f"050-{d[:3]} {d[3:]}",
        ]
    )


def status_url(rng: random.Random, host: str, handle: str) -> str:
    number = rng.randint(10**18, 10**19 - 1)
    if host == "tiktok.com":
        return f"https://www.tiktok.com/@{handle}/video/{number}"
    if host == "facebook.com":
        return f"https://www.facebook.com/{handle}/posts/{number}"
    if host == "youtube.com":
        return f"https://www.youtube.com/@{handle}"
    return f"https://{host}/{handle}/status/{number}"


Doc = dict[str, object]
Template = Callable[[random.Random, list[Person], list[Person]], Doc]


def doc(text: str, personal: list[str], keep: list[str], lang: str) -> Doc:
    return {
        "lang": lang,
        "text": text,
        "personal": sorted(set(personal)),
        "keep": sorted(set(keep)),
    }


def notice_en(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    me, them, cc = rng.choice(nl), rng.choice(en), rng.choice(en)
    name, domain, host, policy = rng.choice(PLATFORMS)
    handle, party = rng.choice(HANDLES), rng.choice(PARTIES)
    phone = mobile(rng)
    url = status_url(rng, host, handle)
    text = f"""Van: {me.full} <{me.email_local}@minbzk.nl>
Aan: {them.full} <{them.email_local}@{domain}>
Cc: {cc.full} <{cc.email_local}@{domain}>; Verkiezingen BZK <verkiezingen@minbzk.nl>
Onderwerp: Urgent notification of possible violations - Dutch election
Datum: woensdag 22 november 2023 11:02:13

Dear {them.first},

The Dutch ministry of the Interior would like to point you to a specific message being spread on {name}.
It claims that voters for {party} must bring two forms of ID to the polling station. This is false and
might keep people from voting in the {ELECTIONS[1]}. Can you check whether the message violates
{policy}? See {url}

The account @{handle} posted similar messages during previous elections.

Kind regards,

{me.full}
Senior policy officer
Democracy and Governance Division
{ORG}
{ADDRESS}
T {phone}
E {me.email_local}@minbzk.nl
"""
    personal = [
        me.full,
        them.first,
        them.full,
        cc.full,
        me.email_local,
        them.email_local,
        cc.email_local,
        handle,
        phone,
    ]
    keep = [
        *ORG_KEEP,
        party,
        policy,
        "verkiezingen@minbzk.nl",
        "Democracy and Governance Division",
        ELECTIONS[1],
        "@minbzk.nl",
        f"@{domain}",
        "Senior policy officer",
    ]
    return doc(text, personal, keep, "en")


def platform_reply_en(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    me, them = rng.choice(nl), rng.choice(en)
    name, domain, _host, _policy = rng.choice(PLATFORMS)
    text = f"""From: {them.full} <{them.email_local}@{domain}>
Sent: Wednesday, 22 November 2023 14:45
To: {me.full} <{me.email_local}@minbzk.nl>
Subject: RE: Urgent notification - Dutch election

Hi {me.first},

Thanks a lot, our Trust & Safety teams will look into it. We'll get back to you today.

Best,
{them.first}
{name} Government Affairs

On Wed 22 Nov 2023 at 14:43 {me.full} <{me.email_local}@minbzk.nl> wrote:
> Dear {them.first},
> Could you please confirm receipt of our notification?
> Kind regards,
> {me.full}
"""
    personal = [them.full, them.first, me.full, me.first, them.email_local, me.email_local]
    keep = [
        "Trust & Safety",
        f"{name} Government Affairs",
        "Dutch election",
        "@minbzk.nl",
        f"@{domain}",
        "22 November 2023",
    ]
    return doc(text, personal, keep, "en")


def internal_note_nl(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    a, b, c = rng.sample(nl, 3)
    town, _street, _pc, _dom = rng.choice(MUNICIPALITIES)
    phone = landline(rng)
    text = f"""Notitie – signaal gemeente {town}
Datum: 21 november 2023
Aanwezig: {a.full}, {b.initials_name}, {c.full}

Op 21 november om 16:20 belde mevrouw {c.last} van de gemeente {town} (tel. {phone}). Het X-account
van de gemeente is gehackt; er worden berichten geplaatst dat het stembureau in het gemeentehuis
gesloten is. {c.first} heeft zelf al drie keer contact gezocht met X, zonder resultaat.

Afspraak: {a.first} beoordeelt vóór 18:00 of inzet van de trusted flagger status nodig is.
{b.initials_name} informeert de Kiesraad.
"""
    personal = [a.full, b.initials_name, c.full, c.last, c.first, a.first, phone]
    keep = [
        f"gemeente {town}",
        "Kiesraad",
        "trusted flagger status",
        "21 november 2023",
        "X-account",
    ]
    return doc(text, personal, keep, "nl")


def municipality_signal_nl(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    sender, me = rng.sample(nl, 2)
    town, street, pc, dom = rng.choice(MUNICIPALITIES)
    phone = mobile(rng)
    text = f"""Van: {sender.full} <{sender.email_local}@{dom}>
Aan: verkiezingen@minbzk.nl
Onderwerp: Advertentie over stemmen geblokkeerd door Meta

Beste {me.first},

Onze advertentie over het stemmen met volmacht is door Meta aangemerkt als politieke advertentie
en geblokkeerd. Wij hebben sinds maandag via het Meta-formulier en via info@{dom} drie keer
bezwaar gemaakt. Kunnen jullie dit onder de aandacht van Meta brengen? De verkiezing is over twee
dagen. Onze officiële pagina is https://www.facebook.com/Gemeente{town} en op X @Gemeente{town}.

Met vriendelijke groet,

{sender.full}
Adviseur communicatie
Gemeente {town}
{street} | {pc}
Mobiel: {phone}
"""
    personal = [sender.full, me.first, sender.email_local, phone]
    keep = [
        f"Gemeente {town}",
        street,
        pc,
        f"info@{dom}",
        "verkiezingen@minbzk.nl",
        "Meta",
        f"@Gemeente{town}",
        "Adviseur communicatie",
        f"@{dom}",
    ]
    return doc(text, personal, keep, "nl")


def media_inquiry_nl(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    journalist = rng.choice(nl)
    outlet, odom = rng.choice([("NOS", "nos.nl"), ("RTL Nieuws", "rtl.nl"), ("ANP", "anp.nl")])
    handle, party = rng.choice(HANDLES), rng.choice(PARTIES)
    phone = mobile(rng)
    private = f"{journalist.first.lower()}{journalist.last.lower().replace(chr(39), '')}@{rng.choice(PRIVATE_DOMAINS)}"
    text = f"""Van: {journalist.full} <{journalist.email_local}@{odom}>
Aan: pers@minbzk.nl
Onderwerp: Vraag over bericht op X

Goedemiddag,

Bij de redactie van {outlet} komen vragen binnen over een bericht van @{handle} op X, waarin staat
dat kiezers van {party} twee vakjes mogen inkleuren. Klopt het dat het ministerie dit bij X heeft
gemeld? Ik ben vandaag bereikbaar op {phone} of via mijn privéadres {private}.

Groet,
{journalist.full}
Redacteur {outlet}
"""
    personal = [journalist.full, journalist.email_local, handle, phone, private]
    keep = [outlet, "pers@minbzk.nl", party, f"@{odom}", "Vraag over bericht op X"]
    return doc(text, personal, keep, "nl")


def factcheck_signal_en(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    checker = rng.choice(en)
    h1, h2 = rng.sample(HANDLES, 2)
    text = f"""From: {checker.full} <{checker.email_local}@nieuwscheckers.nl>
To: verkiezingen@minbzk.nl
Subject: Signal: fake ballot instructions on TikTok and Instagram

Dear colleagues,

We found two videos that tell viewers to vote by text message:
- https://www.tiktok.com/@{h1}/video/7304411122233344455
- https://www.instagram.com/{h2}/

Both accounts were reported through the platforms' own channels on 20 November. The claim is
false; voting is only possible at a polling station or by proxy. Our fact check:
https://nieuwscheckers.nl/factcheck-stemmen-per-sms

Best regards,
{checker.full}
Nieuwscheckers, Leiden University
"""
    personal = [checker.full, checker.email_local, h1, h2]
    keep = [
        "Nieuwscheckers",
        "Leiden University",
        "verkiezingen@minbzk.nl",
        "https://nieuwscheckers.nl/factcheck-stemmen-per-sms",
        "polling station",
        "@nieuwscheckers.nl",
    ]
    return doc(text, personal, keep, "en")


def citizen_note_nl(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    citizen, me = rng.sample(nl, 2)
    street, number = rng.choice(STREETS)
    postcode, place = rng.choice(PLACES)
    private = f"{citizen.first.lower()}.{citizen.last.lower()}@{rng.choice(PRIVATE_DOMAINS)}"
    phone = mobile(rng)
    extra_personal: list[str] = []
    extra = ""
    roll = rng.random()
    if roll < 0.3:
        bsn = rng.choice(BSNS)
        extra = f"\nHij stuurde ongevraagd een kopie van zijn stempas mee, met BSN {bsn}."
        extra_personal.append(bsn)
    elif roll < 0.55:
        iban = rng.choice(IBANS)
        extra = f"\nIn het bericht wordt gevraagd € 25 over te maken op {iban} voor een 'stempas'."
        extra_personal.append(iban)
    elif roll < 0.75:
        plate = rng.choice(PLATES)
        extra = f"\nDe melder zag een busje met kenteken {plate} met misleidende posters."
        extra_personal.append(plate)
    text = f"""Notitie doorverwijzing burger

Op 22 november 2023 mailde {citizen.full} ({private}), {street} {number}, {postcode} {place},
geboren op 14-03-1961, over een bericht op Facebook. Telefoon: {phone}.{extra}

Het ministerie is geen meldpunt voor burgers. {me.first} heeft de melder gewezen op het
meldformulier van Meta. Geen inzet van de trusted flagger status.
"""
    personal = [
        citizen.full,
        private,
        f"{street} {number}",
        f"{postcode} {place}",
        "14-03-1961",
        phone,
        me.first,
        *extra_personal,
    ]
    keep = ["22 november 2023", "Meta", "trusted flagger status", "Facebook", "meldpunt"]
    return doc(text, personal, keep, "nl")


def forwarded_en(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    me, colleague = rng.sample(nl, 2)
    them = rng.choice(en)
    name, domain, _host, _policy = rng.choice(PLATFORMS)
    text = f"""FYI, see below. {colleague.first}, can you add this to the case?

---------- Forwarded message ---------
From: {them.full} <{them.email_local}@{domain}>
Date: Thu, 23 Nov 2023 at 09:12
Subject: Re: Hacked municipal account
To: {me.full} <{me.email_local}@minbzk.nl>

Hello {me.first},

The account has been restored to the municipality. For future cases please also use
escalations@{domain}.

Regards,
{them.full}
{name} | Public Policy Benelux
"""
    personal = [colleague.first, them.full, them.email_local, me.full, me.email_local, me.first]
    keep = [
        f"escalations@{domain}",
        f"{name} | Public Policy Benelux",
        "Hacked municipal account",
        "Thu, 23 Nov 2023 at 09:12",
    ]
    return doc(text, personal, keep, "en")


def meeting_minutes_en(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    a, b = rng.sample(nl, 2)
    c, d = rng.sample(en, 2)
    text = f"""Minutes – election day call with platforms
Attendees: {a.full} (BZK), {b.initials_name} (Kiesraad), {c.full} (X), {d.full} (Meta)

1. {c.first} confirmed the Urgent Escalation Channel is staffed until midnight.
2. {d.last} asked whether BZK will share a list of official municipal accounts. {a.first} agreed.
3. Next call: 23 November 2023, 10:00.
"""
    personal = [a.full, b.initials_name, c.full, d.full, c.first, d.last, a.first]
    keep = ["BZK", "Kiesraad", "(X)", "(Meta)", "Urgent Escalation Channel", "23 November 2023"]
    return doc(text, personal, keep, "en")


def phone_note_nl(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    caller, me = rng.sample(nl, 2)
    town, _street, _pc, _dom = rng.choice(MUNICIPALITIES)
    phone = mobile(rng)
    text = f"""Telefoonnotitie 22-11-2023 10:15
Gebeld door: dhr. {caller.initials_name}, griffier gemeente {town}, {phone}
Opgenomen door: {me.full}

Dhr. {caller.last} meldt dat er op Instagram een nepaccount van de burgemeester actief is dat
oproept om pas na 21:00 te stemmen. De gemeente heeft het account gemeld via het formulier van
Instagram. Teruggebeld om 11:30.
"""
    personal = [caller.initials_name, caller.last, phone, me.full]
    keep = [f"gemeente {town}", "Instagram", "22-11-2023", "21:00", "griffier"]
    return doc(text, personal, keep, "nl")


def tiktok_reply_en(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    me, them = rng.choice(nl), rng.choice(en)
    text = f"""From: TikTok Trust & Safety <trustandsafety@tiktok.com>
To: {me.full} <{me.email_local}@minbzk.nl>
Subject: [Case 0934-2211] Your report has been received

Hi {me.first},

Thank you for your report. Our team has reviewed the video and removed it for violating our
Community Guidelines on election misinformation.

If you have any questions, reply to this message or contact {them.first} {them.last} directly
at {them.email_local}@tiktok.com.

Kind regards,
{them.first}
TikTok Trust & Safety, Dublin
"""
    personal = [me.full, me.email_local, me.first, them.full, them.email_local, them.first]
    keep = [
        "TikTok Trust & Safety",
        "trustandsafety@tiktok.com",
        "Community Guidelines",
        "[Case 0934-2211]",
        "Dublin",
    ]
    return doc(text, personal, keep, "en")


# --- held-out templates: used only for the test split ----------------------------------


def police_signal_nl(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    officer, me = rng.sample(nl, 2)
    town, _street, _pc, _dom = rng.choice(MUNICIPALITIES)
    phone = mobile(rng)
    handle = rng.choice(HANDLES)
    text = f"""Van: {officer.full} <{officer.email_local}@politie.nl>
Aan: {me.full} <{me.email_local}@minbzk.nl>
Onderwerp: Gehackt account gemeente {town}

Geachte heer {me.last},

Het account van de gemeente {town} op X is overgenomen. Sinds vanochtend plaatst de
overnemer berichten dat de stembureaus in {town} gesloten zijn. De gemeente heeft aangifte
gedaan. Het account verwijst naar x.com/{handle} voor "nieuwe informatie".

Voor vragen ben ik bereikbaar op {phone}; algemene vragen kunnen naar 0900-8844.

Met vriendelijke groeten,

{officer.initials_name}
Politie Eenheid Den Haag
"""
    personal = [
        officer.full,
        officer.email_local,
        me.full,
        me.email_local,
        me.last,
        handle,
        phone,
        officer.initials_name,
    ]
    keep = [
        f"gemeente {town}",
        "0900-8844",
        "Politie Eenheid Den Haag",
        "@politie.nl",
        "@minbzk.nl",
    ]
    return doc(text, personal, keep, "nl")


def partner_email_en(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    sender = rng.choice(en)
    dutch = rng.choice(nl)
    street, number = rng.choice(STREETS)
    postcode, place = rng.choice(PLACES)
    text = f"""Dear Ms {dutch.last},

Further to our call, I am forwarding the complaint of a voter, {dutch.full}, who lives at
{street} {number}, {postcode} {place}. She was born on 2 February 1958 and received a letter
claiming her vote "was already cast". She can be reached at {dutch.first.lower()}{rng.randint(10, 99)}@hotmail.com.

We have not passed this on to any platform; the letter was sent by post.

Warm regards,

{sender.full}
Programme Lead, Democracy Reporting International
+44 20 7946 {rng.randint(1000, 9999)}
"""
    phone = text.split("\n")[-2]
    private = text.split("reached at ")[1].split(".com")[0] + ".com"
    personal = [
        dutch.last,
        dutch.full,
        f"{street} {number}",
        f"{postcode} {place}",
        "2 February 1958",
        private,
        sender.full,
        phone,
    ]
    keep = ["Democracy Reporting International", "Programme Lead", "by post"]
    return doc(text, personal, keep, "en")


def election_log_nl(rng: random.Random, nl: list[Person], en: list[Person]) -> Doc:
    a, b = rng.sample(nl, 2)
    c = rng.choice(en)
    text = f"""Logboek verkiezingsdag 22 november 2023

09:05  {a.full} opent het logboek.
11:40  Signaal van ANP over bericht op X (@{rng.choice(HANDLES)}); {b.first} beoordeelt.
14:43  Melding verstuurd aan X via het Urgent Escalation Channel door {a.first}.
14:46  Ontvangstbevestiging van {c.full} (X).
17:00  {b.full} sluit af; geen verdere meldingen.
"""
    handle = text.split("(@")[1].split(")")[0]
    personal = [a.full, b.first, a.first, c.full, b.full, handle]
    keep = ["Logboek verkiezingsdag 22 november 2023", "ANP", "Urgent Escalation Channel", "(X)"]
    return doc(text, personal, keep, "nl")


DEV_TEMPLATES: list[Template] = [
    notice_en,
    platform_reply_en,
    internal_note_nl,
    municipality_signal_nl,
    media_inquiry_nl,
    factcheck_signal_en,
    citizen_note_nl,
    forwarded_en,
    meeting_minutes_en,
    phone_note_nl,
    tiktok_reply_en,
]
TEST_TEMPLATES: list[Template] = [police_signal_nl, partner_email_en, election_log_nl]


def build() -> list[Doc]:
    rng = random.Random(20231122)
    docs: list[Doc] = []
    for round_ in range(5):
        for template in DEV_TEMPLATES:
            item = template(rng, DEV_DUTCH, DEV_ENGLISH)
            docs.append({"id": f"dev-{template.__name__}-{round_}", "split": "dev", **item})
    for round_ in range(4):
        for template in TEST_TEMPLATES:
            item = template(rng, TEST_DUTCH, TEST_ENGLISH)
            docs.append({"id": f"test-{template.__name__}-{round_}", "split": "test", **item})
        # Dev templates with unseen people also go to the test split.
        item = notice_en(rng, TEST_DUTCH, TEST_ENGLISH)
        docs.append({"id": f"test-notice_en-{round_}", "split": "test", **item})
    return docs


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for old in DOCS.glob("*.json"):
        if not old.name.startswith(HANDWRITTEN):
            old.unlink()  # the hand-written documents are not generated: they stay
    for item in build():
        path = DOCS / f"{item['id']}.json"
        path.write_text(json.dumps(item, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
