# SPDX-License-Identifier: EUPL-1.2
"""The report to parliament for one election, as plain data that every renderer shares.

:func:`build_report` reads the organisation's platforms, the election's signals, decisions,
notices and correspondence and returns a :class:`Report` of frozen dataclasses — no Django
objects. Its form follows the ministry's report on the 22 November 2023 election:
Achtergrond, Werkwijze (Signalering, Beoordeling), Toepassing rondom de verkiezing,
footnotes, figures and appendices with the correspondence.

Two rules hold for everything in here:

- The method section is generated from :mod:`flagdesk.rules.eligibility` (accepted sources,
  criteria, reason texts), so the text cannot say something the engine does not do.
- Personal data never enters the report: every stored free text goes through a
  :class:`~flagdesk.reports.redactions.RedactionSource`, and a withheld span is kept only as
  its ground and length (:class:`Redacted`).

The report's language is Dutch, whatever the UI language: it is a Dutch parliamentary
document, so its sentences are data here, not gettext messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from flagdesk.assessments import service as decisions
from flagdesk.mailarchive import selectors as mail_reads
from flagdesk.mailarchive.models import Kind
from flagdesk.narratives import selectors as narrative_reads
from flagdesk.notices import service as notices
from flagdesk.notices.models import NoticeStatus
from flagdesk.platforms import service as platforms
from flagdesk.reports import figures as figure_data
from flagdesk.reports.document import (
    Appendix,
    Bar,
    Block,
    BulletList,
    Document,
    Figure,
    Footnote,
    FootnoteRef,
    Inline,
    InventoryEntry,
    Line,
    Link,
    Paragraph,
    Redacted,
    Report,
    Section,
    Text,
    paragraphs,
)
from flagdesk.reports.dutch import (
    dutch_date,
    dutch_datetime,
    dutch_duration,
    enumeration,
    short_duration,
    times,
)
from flagdesk.reports.redactions import RedactionSource
from flagdesk.rules import eligibility, legal_basis
from flagdesk.rules import reasons as reason_codes

# ------------------------------------------------------------------------ Dutch wording

ELECTION_TITLES = {
    "TK": "Tweede Kamerverkiezing",
    "EK": "Eerste Kamerverkiezing",
    "EP": "Europees Parlementsverkiezing",
    "PS": "Provinciale Statenverkiezing",
    "WS": "Waterschapsverkiezing",
    "GR": "Gemeenteraadsverkiezing",
    "CN": "Eilandsraadsverkiezing",
}
# How the report names each source type the rules accept; a test checks every accepted
# source has one, so a new source in the rules cannot go undescribed.
SOURCE_DESCRIPTIONS = {
    "media": "berichtgeving in de media",
    "factchecker": "berichten van onafhankelijke factcheckers",
    "government_monitoring": "meldingen van andere overheidsinstanties met de juiste grondslag "
    "voor monitoring",
    "co_government": "meldingen van medeoverheden",
}
SOURCE_ORDER = ("media", "factchecker", "government_monitoring", "co_government")
SOURCE_PHRASES = {
    "media": "vanuit de media",
    "factchecker": "van een onafhankelijke factchecker",
    "government_monitoring": "van een overheidsinstantie met een grondslag voor monitoring",
    "co_government": "van een medeoverheid",
}
SOURCE_NAMES = {
    "media": "Media",
    "factchecker": "Factchecker",
    "government_monitoring": "Overheid (monitoring)",
    "co_government": "Medeoverheid",
    "citizen": "Burger",
    "anonymous": "Anoniem",
    "own_monitoring": "Eigen monitoring",
}
CATEGORY_NAMES = {
    "misinformation": "Mis- of desinformatie",
    "hacked_channel": "Gehackt kanaal",
    "blocked_ad": "Geblokkeerde advertentie",
    "other": "Overig",
}
HARM_PHRASES = {
    "invalid_vote": "kan leiden tot een ongeldige stem",
    "wrong_candidate": "kan ertoe leiden dat een ander dan de bedoelde kandidaat wordt aangewezen",
    "deprived_of_vote": "kan kiezers de mogelijkheid ontnemen om te stemmen",
}
# Opening sentence per stage of the engine (eligibility.CRITERIA), in the order it applies them.
STAGE_INTROS = {
    "intake": "Bij binnenkomst wordt een signaal niet in behandeling genomen wanneer:",
    "scope": "Een signaal valt buiten de inzet van de status wanneer:",
    "criteria": "Na beoordeling wordt de status niet ingezet wanneer:",
}


def short_name(organisation: str) -> str:
    """``Ministerie van Binnenlandse Zaken en Koninkrijksrelaties`` → ``BZK``."""
    prefix = "Ministerie van "
    if not organisation.startswith(prefix):
        return organisation
    words = organisation[len(prefix) :].split()
    return "".join(w[0] for w in words if w[:1].isupper())


# ------------------------------------------------------------------------- the builder


class _Notes:
    """Footnotes, numbered in the order the text refers to them."""

    def __init__(self) -> None:
        self.notes: list[Footnote] = []

    def add(self, *inlines: Inline) -> FootnoteRef:
        number = len(self.notes) + 1
        self.notes.append(Footnote(number, tuple(inlines)))
        return FootnoteRef(number)


@dataclass
class _Context:
    election: Any
    organisation: str
    short: str
    redactions: RedactionSource
    notes: _Notes = field(default_factory=_Notes)

    def redact(self, kind: str, object_id: int, text: str) -> Line:
        return redact_line(self.redactions, kind, object_id, text)


def build_report(
    election: Any,
    *,
    organisation: str | None = None,
    organisation_short: str | None = None,
    redactions: RedactionSource,
    today: dt.date | None = None,
) -> Report:
    """The report for ``election`` (an ``Election``); see the module docstring."""
    organisation = organisation or settings.ORGANISATION_NAME
    short = organisation_short or short_name(organisation)
    ctx = _Context(election, organisation, short, redactions)
    deployed = deployed_cases(election)
    appendices = _appendices(ctx, deployed)
    sections = (
        _background(ctx),
        _method(ctx),
        _application(ctx, deployed, appendices),
    )
    return Report(
        organisation=organisation,
        organisation_short=short,
        title=f"Rapport - Inzet Trusted Flagger Status {short}",
        subtitle=election_title(election),
        date=today or timezone.localdate(),
        election_code=election.code,
        rules_version=eligibility.RULES_VERSION,
        sections=sections,
        figures=_figures(election),
        footnotes=tuple(ctx.notes.notes),
        appendices=tuple(a for a, _case in appendices),
        inventory=tuple(_inventory(a for a, _case in appendices)),
        deployments=len(deployed),
    )


def election_title(election: Any) -> str:
    kind = ELECTION_TITLES.get(election.type, election.name)
    return f"{kind} {dutch_date(election.election_day)}"


def redact_line(source: RedactionSource, kind: str, object_id: int, text: str) -> Line:
    """The text as inlines, with each withheld span replaced by its ground and length."""
    segments = source.segments(kind, object_id, text)
    if "".join(s.text for s in segments) != text:
        # A source that loses or adds text could also misplace a redaction: refuse.
        raise ValueError(f"redaction segments of {kind} {object_id} do not cover the text")
    return tuple(
        Redacted(s.ground, len(s.text)) if s.ground else Text(s.text) for s in segments if s.text
    )


# -------------------------------------------------------------------------- Achtergrond


def _background(ctx: _Context) -> Section:
    held = platforms.all_platforms()
    names = enumeration([p.name for p in held])
    note = ctx.notes.add(Text(_programmes_text(held)))
    first = (
        Text(
            f"Het {ctx.organisation} ({ctx.short}) heeft de status van «trusted flagger» bij "
            f"{names}."
        ),
        note,
        Text(
            " Meldingen van trusted flaggers worden door de genoemde sociale media platformen met "
            "prioriteit behandeld. De platformen maken hierbij hun eigen onafhankelijke afweging "
            "of er sprake is van een overtreding van de gebruikersvoorwaarden en dus of "
            "verwijdering, labelen of een andere actie gerechtvaardigd is. "
            f"{ctx.short} heeft via deze kanalen geen bevoegdheid bepaalde content te laten "
            "verwijderen."
        ),
    )
    restraint = Text(
        f"{ctx.short} zet de trusted flagger status zeer terughoudend in, en alleen wanneer er "
        "een risico bestaat voor de organisatie, uitvoering en integriteit van het "
        f"verkiezingsproces. {ctx.short} kijkt niet naar, en doet geen uitspraken over, andere "
        "onderwerpen gerelateerd aan de verkiezingen, zoals verkiezingsbeloften."
    )
    return Section("Achtergrond", (Paragraph(first), Paragraph((restraint,))))


def _programmes_text(held: Iterable[Any]) -> str:
    parts = []
    for platform in held:
        programme = platform.programme or "trusted flagger status"
        since = f", sinds {platform.status_since}" if platform.status_since else ""
        parts.append(f"{platform.name}: {programme}{since}")
    return "Per platform: " + "; ".join(parts) + "."


# ----------------------------------------------------------------------------- Werkwijze


def _method(ctx: _Context) -> Section:
    return Section(
        "Werkwijze",
        subsections=(_signalling(ctx), _assessment(ctx)),
    )


def accepted_sources() -> list[str]:
    """The accepted source types from the rules, in a stable reading order."""
    known = [s for s in SOURCE_ORDER if s in eligibility.ACCEPTED_SOURCES]
    return known + sorted(eligibility.ACCEPTED_SOURCES - set(known))


def _signalling(ctx: _Context) -> Section:
    sources = [SOURCE_DESCRIPTIONS.get(s, s) for s in accepted_sources()]
    basis = Text(
        f"{ctx.short} heeft geen juridische grondslag voor het verwerken van persoonsgegevens "
        "door middel van monitoring op des- of misinformatie op sociale mediakanalen, en "
        f"monitort deze kanalen daarom niet. Daarnaast is het geen primaire taak van overheden "
        "om te bestempelen wat desinformatie is; dat is een taak voor onafhankelijke media en "
        "factcheckers. Signalering van mogelijke des- of misinformatie die een risico vormt "
        "voor de integriteit van het verkiezingsproces volgt daarom uitsluitend op:"
    )
    co_government = Text(
        "Wanneer een medeoverheid rondom de verkiezingen, na herhaaldelijke eigen pogingen "
        f"(ten minste {eligibility.MIN_OWN_CONTACT_ATTEMPTS}), geen contact krijgt met een sociaal "
        "media platform en dit een risico vormt voor de integriteit van het verkiezingsproces, "
        f"kan {ctx.short} haar trusted flagger status ook inzetten. Voorbeelden zijn een "
        "communicatiekanaal van een medeoverheid dat vlak voor de verkiezingen is gehackt, "
        "geblokkeerd of op andere wijze onbruikbaar is geworden, of een advertentie van een "
        "medeoverheid over de verkiezingen die door een platform als politieke advertentie "
        "wordt aangemerkt en daarom wordt geblokkeerd."
    )
    citizens = Text(
        f"{ctx.short} behandelt geen individuele meldingen over individuele berichten op "
        "sociale media platformen en is geen meldpunt voor burgers. Wie een bericht tegenkomt "
        "dat mogelijk des- of misinformatie bevat, kan dat zelf melden via de kanalen die de "
        "platformen daarvoor hebben ingesteld; het is de verantwoordelijkheid van de "
        "platformen om deze meldingen op te pakken. Burgers die zich toch tot "
        f"{ctx.short} wenden, worden naar het meldkanaal van het platform verwezen; van hen "
        "wordt niets vastgelegd, alleen het aantal doorverwijzingen."
    )
    return Section(
        "Signalering",
        (
            Paragraph((basis,)),
            BulletList(tuple((Text(s),) for s in sources)),
            Paragraph((co_government,)),
            Paragraph((citizens,)),
        ),
    )


def _assessment(ctx: _Context) -> Section:
    intro = Text(
        "Na signalering wordt het bericht beoordeeld op de impact op de integriteit van het "
        "verkiezingsproces. Bij onjuiste of misleidende informatie gaat het erom of deze kan "
        "aanzetten tot handelingen waardoor een stem van onwaarde wordt, een ander dan de "
        "bedoelde persoon wordt aangewezen, of kiezers de mogelijkheid om te stemmen wordt "
        "ontnomen. De criteria zijn dezelfde regels die het zaaksysteem bij elke beoordeling "
        "toepast, in deze volgorde:"
    )
    version = ctx.notes.add(
        Text(
            f"Regels versie {eligibility.RULES_VERSION}. Eén persoon beoordeelt, een tweede keurt goed."
        )
    )
    blocks: list[Block] = [Paragraph((intro, version))]
    for stage, reasons in eligibility.CRITERIA:
        blocks.append(Paragraph((Text(STAGE_INTROS.get(stage, f"{stage}:")),)))
        blocks.append(BulletList(tuple((Text(reason_codes.REASON_TEXT_NL[r]),) for r in reasons)))
    archive = Text(
        f"Bij het doen van een melding vraagt {ctx.short} waar mogelijk om een "
        "ontvangstbevestiging van het platform. De ontvangstbevestiging en eventuele aanvullende "
        f"reacties worden gearchiveerd. {ctx.short} controleert zelf niet op sociale media "
        "platformen wat het platform met een melding heeft gedaan en houdt hier dan ook geen "
        "overzicht van bij."
    )
    blocks.append(Paragraph((archive,)))
    return Section("Beoordeling", tuple(blocks))


# ------------------------------------------------------------------------- Toepassing


@dataclass(frozen=True)
class _Deployment:
    case: Any
    notices: tuple[Any, ...]
    messages: tuple[Any, ...]

    @property
    def first_notice(self) -> Any:
        return self.notices[0] if self.notices else None


def deployed_cases(election: Any) -> list[_Deployment]:
    """Cases of this election with an approved deploy decision, in the order they were sent."""
    deployments = []
    for case in figure_data.deployed_cases(election):
        sent = [n for n in notices.notices_for_case(case) if n.status == NoticeStatus.FROZEN]
        # Only what counts as the platform's word: forged or unconfirmed mail stays out.
        replies = [m for m in mail_reads.trusted_messages_for_case(case) if m.kind in REPLY_KINDS]
        deployments.append(_Deployment(case, tuple(sent), tuple(replies)))
    return sorted(deployments, key=_sent_at)


REPLY_KINDS = (Kind.ACKNOWLEDGMENT, Kind.REPLY, Kind.AUTO_REPLY)


def _sent_at(deployment: _Deployment) -> tuple[dt.datetime, str]:
    return (
        _notice_time(deployment.first_notice) or deployment.case.created_at,
        deployment.case.reference,
    )


def _notice_time(notice: Any) -> dt.datetime | None:
    if notice is None:
        return None
    delivery = getattr(notice, "delivery", None)
    accepted = delivery.accepted_at if delivery is not None else None
    result: dt.datetime | None = accepted or notice.frozen_at
    return result


def _application(
    ctx: _Context, deployed: Sequence[_Deployment], appendices: Sequence[tuple[Appendix, Any]]
) -> Section:
    kind = ELECTION_TITLES.get(ctx.election.type, ctx.election.name)
    title = f"Toepassing rondom de {kind} van {dutch_date(ctx.election.election_day)}"
    if deployed:
        count = times(len(deployed))
        opening = (
            f"Rondom de verkiezing heeft {ctx.short} haar trusted flagger status {count} ingezet."
        )
    else:
        opening = (
            f"Rondom de verkiezing heeft {ctx.short} haar trusted flagger status niet ingezet."
        )
    blocks: list[Block] = [Paragraph((Text(opening),))]
    appendix_of = {case.pk: appendix.number for appendix, case in appendices}
    for deployment in deployed:
        blocks.append(
            Paragraph(_case_paragraph(ctx, deployment, appendix_of.get(deployment.case.pk)))
        )
    return Section(title, tuple(blocks))


# What a signal of each kind of case was about, after "een signaal binnen … over".
SIGNAL_SUBJECTS = {
    "misinformation": "een bericht op {platform}",
    "hacked_channel": "een gehackt of onbruikbaar communicatiekanaal van een medeoverheid op "
    "{platform}",
    "blocked_ad": "een advertentie van een medeoverheid die {platform} als politieke "
    "advertentie had geblokkeerd",
    "other": "een kwestie op {platform}",
}
# What the organisation asked the platform, per kind, after "verzocht".
REQUESTS = {
    "hacked_channel": "het account te beveiligen, af te schermen tegen verder misbruik en weer "
    "onder beheer van de medeoverheid te brengen, en te verwijderen wat de indringer erop had "
    "geplaatst.",
    "blocked_ad": "het besluit om de advertentie te blokkeren te heroverwegen: het gaat om "
    "verkiezingsinformatie van de medeoverheid, geen politieke advertentie.",
}


def _case_paragraph(ctx: _Context, deployment: _Deployment, appendix: int | None) -> Line:
    case = deployment.case
    platform = case.platform
    parts: list[Inline] = [*_signal_sentence(ctx, case)]
    if case.category == "misinformation":
        parts += _why_it_mattered(ctx, case)
        parts += narrative_seen_before(ctx, case)
    else:
        parts += _own_attempts_sentence(case)
    parts += _request_sentence(ctx, deployment)
    parts += _acknowledgment_sentence(platform.name, deployment.first_notice, appendix, ctx)
    return tuple(parts)


def _signal_sentence(ctx: _Context, case: Any) -> list[Inline]:
    signal = case.first_signal
    received = timezone.localtime(signal.received_at).date() if signal else case.created_at.date()
    source = SOURCE_PHRASES.get(signal.source_type, "") if signal else ""
    about = SIGNAL_SUBJECTS.get(case.category, SIGNAL_SUBJECTS["other"])
    parts: list[Inline] = [
        Text(
            f"Bij {ctx.short} kwam op {dutch_date(received)} een signaal binnen "
            f"{source} over {about.format(platform=case.platform.name)}. ".replace("  ", " ")
        )
    ]
    if signal and signal.explanation.strip():
        parts += ctx.redact("signal.explanation", signal.pk, signal.explanation.strip())
        parts.append(Text(" "))
    return parts


def _why_it_mattered(ctx: _Context, case: Any) -> list[Inline]:
    assessment = getattr(case, "assessment", None)
    if assessment is None:
        return []
    parts: list[Inline] = []
    if assessment.misleading_reasoning.strip():
        parts += ctx.redact(
            "assessment.misleading_reasoning",
            assessment.pk,
            assessment.misleading_reasoning.strip(),
        )
        parts.append(Text(" "))
    harms = [HARM_PHRASES[h] for h in assessment.harms or () if h in HARM_PHRASES]
    if harms:
        parts.append(Text(f"Dit raakt het verkiezingsproces: het bericht {enumeration(harms)}. "))
    return parts


def narrative_seen_before(ctx: _Context, case: Any) -> list[Inline]:
    """A sentence, with a footnote naming the earlier elections, for each confirmed narrative
    of the case that the organisation also saw in an earlier election (as in the seed)."""
    parts: list[Inline] = []
    for narrative, elections in narrative_reads.seen_before(case):
        names = enumeration([e.name for e in elections])
        note = ctx.notes.add(
            Text(f"Het narratief ‘{narrative.title}’ is eerder waargenomen bij: {names}.")
        )
        parts += [
            Text(
                f" Dit narratief ({narrative.title.lower()}) heeft {ctx.short} ook tijdens "
                "vorige verkiezingen waargenomen."
            ),
            note,
        ]
    return parts


def _own_attempts_sentence(case: Any) -> list[Inline]:
    """A co-government's case: how often it tried the platform itself first (as the seed's
    method asks before the status is used for it)."""
    assessment = getattr(case, "assessment", None)
    attempts = assessment.own_contact_attempts if assessment else None
    if not attempts:
        return []
    return [
        Text(
            f"De medeoverheid had zelf al {times(attempts)} contact gezocht met "
            f"{case.platform.name}, zonder resultaat. "
        )
    ]


def _request_sentence(ctx: _Context, deployment: _Deployment) -> list[Inline]:
    platform = deployment.case.platform
    sent = _notice_time(deployment.first_notice)
    when = f" op {dutch_date(timezone.localtime(sent).date())}" if sent else ""
    basis = _basis_of(deployment)
    if basis.is_illegal_content:
        return _illegal_content_sentence(ctx, platform, when, basis)
    policy = platform.policy_name or "de eigen gebruikersvoorwaarden"
    request = REQUESTS.get(
        deployment.case.category,
        "het bericht en daaraan gerelateerde berichten te bekijken en te beoordelen op basis "
        f"van {policy}.",
    )
    parts: list[Inline] = [
        Text(f"{ctx.short} heeft {platform.name} daarom{when} verzocht {request}")
    ]
    if deployment.case.category not in REQUESTS and platform.policy_url:
        parts.append(ctx.notes.add(Link(policy, platform.policy_url)))
    if platform.programme:
        parts += [
            Text(f" {ctx.short} heeft hiervoor gebruik gemaakt van het "),
            Text(platform.programme, emphasis=True),
            Text(f" van {platform.name}. "),
        ]
    else:
        parts.append(Text(" "))
    parts.append(Text(f"{ESCALATION_SENTENCE} "))
    return parts


# Named in every case escalated under the platform's terms, so no reader counts it as a
# notice of illegal content.
ESCALATION_SENTENCE = (
    "Dit was een escalatie van een mogelijke schending van de gebruikersvoorwaarden van het "
    "platform, geen melding van illegale inhoud op grond van artikel 16 DSA."
)


def _basis_of(deployment: _Deployment) -> legal_basis.LegalBasis:
    notice = deployment.first_notice
    decision = notice.decision if notice is not None else None
    decision = decision or decisions.final_decision(deployment.case)
    if decision is None:
        return legal_basis.LegalBasis("")
    return decisions.legal_basis_of(decision)


def _illegal_content_sentence(
    ctx: _Context, platform: Any, when: str, basis: legal_basis.LegalBasis
) -> list[Inline]:
    provisions = enumeration(legal_basis.provision_texts(basis, "nl"))
    kind = legal_basis.content_type_label(basis.content_type, "nl")
    return [
        Text(
            f"{ctx.short} heeft {platform.name} daarom{when} een melding van illegale inhoud "
            f"gedaan op grond van artikel 16 DSA, wegens strijd met {provisions} (soort "
            f"vermeend illegale inhoud: {kind}), met het verzoek de melding te beoordelen en "
            "zo nodig snel op te treden. "
        )
    ]


def _acknowledgment_sentence(
    name: str, notice: Any, appendix: int | None, ctx: _Context
) -> list[Inline]:
    waited = notices.time_to_acknowledgment(notice) if notice is not None else None
    if waited is None:
        text = f"Van {name} is geen ontvangstbevestiging ontvangen."
    else:
        text = f"{name} heeft na {dutch_duration(waited.total_seconds())} de ontvangst bevestigd."
    parts: list[Inline] = [Text(text)]
    if appendix is not None:
        parts.append(ctx.notes.add(Text(f"Zie bijlage {appendix}.")))
    return parts


# ---------------------------------------------------------------------------- figures


def _figures(election: Any) -> tuple[Figure, ...]:
    makers = (
        _signals_figure,
        _refusals_figure,
        _referrals_figure,
        _decisions_figure,
        _deployments_figure,
        _illegal_content_figure,
        _escalations_figure,
        _acknowledgment_figure,
    )
    return tuple(make(number, election) for number, make in enumerate(makers, start=1))


def _signals_figure(number: int, election: Any) -> Figure:
    counts = figure_data.signals_by_source_and_category(election)
    categories = [c for c in eligibility.CATEGORIES if any(k[1] == c for k in counts)]
    sources = [s for s in SOURCE_NAMES if any(k[0] == s for k in counts)]
    rows = []
    for source in sources:
        cells = [counts.get((source, c), 0) for c in categories]
        rows.append((SOURCE_NAMES[source], *map(str, cells), str(sum(cells))))
    total = [sum(counts.get((s, c), 0) for s in sources) for c in categories]
    rows.append(("Totaal", *map(str, total), str(sum(total))))
    return Figure(
        number,
        "Ontvangen signalen naar brontype en categorie",
        ("Brontype", *(CATEGORY_NAMES.get(c, c) for c in categories), "Totaal"),
        tuple(rows),
        note="Signalen van andere bronnen (zoals burgers) worden niet vastgelegd; zie figuur 2 "
        "en 3.",
    )


def _refusals_figure(number: int, election: Any) -> Figure:
    counts = figure_data.intake_refusals(election)
    order = [r for _stage, reasons in eligibility.CRITERIA for r in reasons]
    rows = tuple(
        (reason_codes.REASON_TEXT_NL[r], str(counts[str(r)])) for r in order if counts.get(str(r))
    )
    return Figure(
        number,
        "Bij binnenkomst geweigerd, naar reden",
        ("Reden", "Aantal"),
        rows or (("Geen", "0"),),
        note="Een signaal kan om meer dan één reden geweigerd zijn.",
    )


def _referrals_figure(number: int, election: Any) -> Figure:
    counts = figure_data.citizen_referrals(election)
    rows = tuple((name, str(n)) for name, n in counts)
    total = sum(n for _name, n in counts)
    return Figure(
        number,
        "Burgers doorverwezen naar het meldkanaal van het platform",
        ("Platform", "Aantal"),
        (*rows, ("Totaal", str(total))),
        note="Alleen aantallen: van burgers wordt niets vastgelegd.",
    )


OUTCOME_NAMES = {
    "deploy": "Status ingezet",
    "no_deploy": "Niet ingezet",
    "refer": "Doorverwezen",
}


def _decisions_figure(number: int, election: Any) -> Figure:
    counts, undecided = figure_data.decisions_by_outcome(election)
    rows = [(OUTCOME_NAMES.get(o, o), str(counts.get(o, 0))) for o in OUTCOME_NAMES]
    rows.append(("Zaken zonder goedgekeurd besluit", str(undecided)))
    return Figure(
        number, "Besluiten (goedgekeurd) naar uitkomst", ("Besluit", "Aantal"), tuple(rows)
    )


def _deployments_figure(number: int, election: Any) -> Figure:
    counts = figure_data.deployments_per_platform(election)
    return Figure(
        number,
        "Inzet van de status per platform",
        ("Platform", "Meldingen"),
        tuple((name, str(n)) for name, n in counts) or (("Geen", "0"),),
        chart=tuple(Bar(name, n, str(n)) for name, n in counts),
        chart_unit="meldingen",
    )


def _illegal_content_figure(number: int, election: Any) -> Figure:
    """Only notices of illegal content: these are what DSA Art. 22(3) asks to count."""
    counts = figure_data.deployments_by_basis(election).get(legal_basis.Basis.ILLEGAL_CONTENT, [])
    rows = tuple(
        (platform, legal_basis.content_type_label(kind, "nl"), str(n))
        for platform, kind, n in counts
    )
    return Figure(
        number,
        "Meldingen van illegale inhoud (artikel 16 DSA) per platform en soort",
        ("Platform", "Soort vermeend illegale inhoud", "Meldingen"),
        rows or (("Geen", "–", "0"),),
        note="Escalaties op grond van de gebruikersvoorwaarden tellen hier niet mee; zie de "
        "volgende figuur.",
    )


def _escalations_figure(number: int, election: Any) -> Figure:
    counts = figure_data.deployments_by_basis(election).get(legal_basis.Basis.TERMS_ESCALATION, [])
    rows = tuple((platform, str(n)) for platform, _kind, n in counts)
    return Figure(
        number,
        "Escalaties op grond van de gebruikersvoorwaarden per platform",
        ("Platform", "Escalaties"),
        rows or (("Geen", "0"),),
        note="Verzoeken om inhoud te toetsen aan de eigen voorwaarden van het platform; geen "
        "meldingen van illegale inhoud.",
    )


def _acknowledgment_figure(number: int, election: Any) -> Figure:
    stats = notices.acknowledgment_stats(election)
    rows = tuple(
        (
            s.platform,
            str(s.notices),
            str(s.acknowledged),
            short_duration(s.median_seconds),
            short_duration(s.max_seconds),
        )
        for s in stats
    )
    bars = tuple(
        Bar(s.platform, s.median_seconds / 60, short_duration(s.median_seconds))
        for s in stats
        if s.median_seconds is not None
    )
    return Figure(
        number,
        "Tijd tot ontvangstbevestiging per platform",
        ("Platform", "Meldingen", "Bevestigd", "Mediaan", "Langste"),
        rows or (("Geen", "0", "0", "–", "–"),),
        chart=bars,
        chart_unit="minuten (mediaan)",
        note="Gemeten van aanname door de mailserver of het portaal tot de ontvangstbevestiging.",
    )


# ------------------------------------------------------------------------- appendices


def _appendices(ctx: _Context, deployed: Sequence[_Deployment]) -> list[tuple[Appendix, Any]]:
    result = []
    number_of_document = 1
    for index, deployment in enumerate(deployed, start=1):
        documents = _documents(ctx, deployment, number_of_document)
        number_of_document += len(documents)
        case = deployment.case
        title = f"Correspondentie met {case.platform.name} ({case.reference})"
        result.append((Appendix(index, title, tuple(documents)), case))
    return result


def _documents(ctx: _Context, deployment: _Deployment, first_number: int) -> list[Document]:
    dated: list[tuple[dt.datetime, int, Any]] = []
    for notice in deployment.notices:
        dated.append((_notice_time(notice) or notice.created_at, 0, notice))
    for message in deployment.messages:
        dated.append((message.date or message.archived_at, 1, message))
    dated.sort(key=lambda item: (item[0], item[1]))
    return [
        _notice_document(ctx, item, number) if kind == 0 else _mail_document(ctx, item, number)
        for number, (_when, kind, item) in enumerate(dated, start=first_number)
    ]


def _notice_document(ctx: _Context, notice: Any, number: int) -> Document:
    sent = _notice_time(notice) or notice.created_at
    headers = (
        (
            "Van",
            ctx.redact("notice.from", notice.pk, f"{notice.sender_name} <{notice.sender_email}>"),
        ),
        ("Aan", ctx.redact("notice.to", notice.pk, notice.recipient)),
        ("Onderwerp", ctx.redact("notice.subject", notice.pk, notice.subject)),
        ("Datum", (Text(dutch_datetime(sent)),)),
    )
    body = paragraphs(ctx.redact("notice.body", notice.pk, notice.body))
    return _document(number, f"Melding aan {notice.platform.name}", sent, headers, body)


KIND_TITLES = {
    Kind.ACKNOWLEDGMENT: "Ontvangstbevestiging van",
    Kind.REPLY: "Reactie van",
    Kind.AUTO_REPLY: "Automatisch antwoord van",
}


def _mail_document(ctx: _Context, message: Any, number: int) -> Document:
    when = message.date or message.archived_at
    sender = (
        f"{message.from_name} <{message.from_address}>"
        if message.from_name
        else message.from_address
    )
    headers = (
        ("Van", ctx.redact("mail.from", message.pk, sender)),
        ("Aan", ctx.redact("mail.to", message.pk, message.to)),
        ("Onderwerp", ctx.redact("mail.subject", message.pk, message.subject)),
        ("Datum", (Text(dutch_datetime(when)),)),
    )
    body = paragraphs(ctx.redact("mail.text", message.pk, message.text))
    platform = message.case.platform.name if message.case_id else ""
    title = f"{KIND_TITLES.get(message.kind, 'Bericht van')} {platform}".strip()
    return _document(number, title, when, headers, body)


def _document(
    number: int,
    title: str,
    when: dt.datetime,
    headers: tuple[tuple[str, Line], ...],
    body: tuple[Paragraph, ...],
) -> Document:
    lines = [line for _label, line in headers] + [p.inlines for p in body]
    grounds = sorted({i.ground for line in lines for i in line if isinstance(i, Redacted)})
    day = dutch_date(timezone.localtime(when).date())
    return Document(number, title, dutch_datetime(when), day, headers, body, tuple(grounds))


def _inventory(appendices: Iterable[Appendix]) -> list[InventoryEntry]:
    return [
        InventoryEntry(
            d.number,
            f"{d.title} (bijlage {appendix.number})",
            d.day,
            d.judgement,
            d.grounds,
        )
        for appendix in appendices
        for d in appendix.documents
    ]
