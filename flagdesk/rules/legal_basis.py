# SPDX-License-Identifier: EUPL-1.2
"""The legal basis of a notice: what kind of request it is, and the paragraph that says so.

A notice is one of two things (issue 14):

- ``illegal_content``: a notice of illegal content under DSA Art. 16, naming the provision(s)
  of Dutch law the content is alleged to break and the type of alleged illegal content;
  sent *as a trusted flagger under Art. 22* only when the organisation is designated (by a
  Digital Services Coordinator, on a date: settings). Only these count in the Art. 22(3)
  statistics.
- ``terms_escalation``: a request to check content against the platform's own terms through
  its voluntary programme (the seed's case, and the BZK practice: "potentially harmful but
  legal" content). Not a notice of illegal content.

Pure functions over plain values, no Django: the service, the form, the API, the notice text
and the report share them. The reason codes are part of the API's contract: never rename one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from flagdesk.rules.dates import date_text, language_of


class Basis(StrEnum):
    ILLEGAL_CONTENT = "illegal_content"
    TERMS_ESCALATION = "terms_escalation"


class BasisReason(StrEnum):
    BASIS_REQUIRED = "BASIS_REQUIRED"  # a decision to deploy names no (known) basis
    BASIS_WITHOUT_DEPLOY = "BASIS_WITHOUT_DEPLOY"  # only a decision to deploy has a basis
    PROVISION_REQUIRED = "PROVISION_REQUIRED"  # illegal content, but no provision named
    UNKNOWN_PROVISION = "UNKNOWN_PROVISION"
    OTHER_PROVISION_TOO_LONG = "OTHER_PROVISION_TOO_LONG"
    CONTENT_TYPE_REQUIRED = "CONTENT_TYPE_REQUIRED"  # illegal content, but no type given
    UNKNOWN_CONTENT_TYPE = "UNKNOWN_CONTENT_TYPE"
    # An escalation under the platform's terms claims no illegality: naming a provision or a
    # type of illegal content with it would make the notice say two things at once.
    ESCALATION_NAMES_PROVISION = "ESCALATION_NAMES_PROVISION"


REASON_TEXT_NL: dict[BasisReason, str] = {
    BasisReason.BASIS_REQUIRED: "Kies de grondslag van de melding.",
    BasisReason.BASIS_WITHOUT_DEPLOY: "Alleen een besluit tot inzet heeft een grondslag.",
    BasisReason.PROVISION_REQUIRED: "Een melding van illegale inhoud noemt minstens één "
    "wettelijke bepaling.",
    BasisReason.UNKNOWN_PROVISION: "Onbekende wettelijke bepaling.",
    BasisReason.OTHER_PROVISION_TOO_LONG: "De andere bepaling is te lang (ten hoogste 500 tekens).",
    BasisReason.CONTENT_TYPE_REQUIRED: "Een melding van illegale inhoud noemt de soort "
    "vermeend illegale inhoud.",
    BasisReason.UNKNOWN_CONTENT_TYPE: "Onbekende soort illegale inhoud.",
    BasisReason.ESCALATION_NAMES_PROVISION: "Een escalatie op grond van de gebruikersvoorwaarden "
    "noemt geen wettelijke bepaling en geen soort illegale inhoud.",
}
REASON_TEXT_EN: dict[BasisReason, str] = {
    BasisReason.BASIS_REQUIRED: "Choose the legal basis of the notice.",
    BasisReason.BASIS_WITHOUT_DEPLOY: "Only a decision to deploy has a legal basis.",
    BasisReason.PROVISION_REQUIRED: "A notice of illegal content names at least one provision.",
    BasisReason.UNKNOWN_PROVISION: "Unknown provision.",
    BasisReason.OTHER_PROVISION_TOO_LONG: "The other provision is too long (500 characters at "
    "most).",
    BasisReason.CONTENT_TYPE_REQUIRED: "A notice of illegal content names the type of alleged "
    "illegal content.",
    BasisReason.UNKNOWN_CONTENT_TYPE: "Unknown type of illegal content.",
    BasisReason.ESCALATION_NAMES_PROVISION: "An escalation under the platform's terms names no "
    "provision and no type of illegal content.",
}

OTHER_PROVISION_MAX = 500


@dataclass(frozen=True)
class Provision:
    """A provision of Dutch law, cited as the official text numbers it."""

    code: str
    citation_nl: str
    citation_en: str
    summary_nl: str
    summary_en: str


_SR_NL = "Wetboek van Strafrecht"
_SR_EN = "Dutch Criminal Code (Wetboek van Strafrecht)"


def _sr(article: str, summary_nl: str, summary_en: str) -> Provision:
    return Provision(
        code=f"sr_{article}",
        citation_nl=f"artikel {article} {_SR_NL}",
        citation_en=f"Article {article} of the {_SR_EN}",
        summary_nl=summary_nl,
        summary_en=summary_en,
    )


# The provisions that come up around Dutch elections: Title II of Book 2 of the Criminal Code
# ("misdrijven betreffende de uitoefening van staatsplichten en staatsrechten", arts. 125-129)
# and the general offences seen against election officials, candidates and hijacked accounts.
PROVISIONS: dict[str, Provision] = {
    p.code: p
    for p in (
        _sr(
            "125",
            "door geweld of bedreiging met geweld iemand beletten zijn kiesrecht vrij en "
            "onbelemmerd uit te oefenen",
            "preventing someone, by violence or the threat of violence, from exercising the "
            "right to vote freely",
        ),
        _sr(
            "126",
            "omkoping van een kiezer door gift of belofte om niet of op een bepaalde wijze te "
            "stemmen",
            "bribing a voter, by gift or promise, not to vote or to vote in a particular way",
        ),
        _sr(
            "127",
            "een bedrieglijke handeling waardoor een stem van onwaarde wordt of een ander dan "
            "de door de kiezer bedoelde persoon wordt aangewezen",
            "a deceptive act by which a vote becomes invalid or a person other than the one "
            "the voter intended is designated",
        ),
        _sr(
            "129",
            "een stemming verijdelen of een bedrieglijke handeling waardoor de stemming een "
            "andere uitslag krijgt",
            "frustrating a vote, or a deceptive act that gives the vote a different result",
        ),
        _sr(
            "131",
            "in het openbaar opruien tot een strafbaar feit of tot gewelddadig optreden tegen "
            "het openbaar gezag",
            "public incitement to a criminal offence or to violence against public authority",
        ),
        _sr(
            "137d",
            "aanzetten tot haat, discriminatie of geweld",
            "incitement to hatred, discrimination or violence",
        ),
        _sr(
            "138ab",
            "computervredebreuk: wederrechtelijk binnendringen in een geautomatiseerd werk "
            "(een gekaapt account)",
            "unlawful access to a computer system (a hijacked account)",
        ),
        _sr(
            "285",
            "bedreiging met onder meer geweld tegen personen",
            "threatening, among other things, violence against persons",
        ),
    )
}


@dataclass(frozen=True)
class ContentType:
    """A type of alleged illegal content, named after the DSA Transparency Database's
    statement-of-reasons category it corresponds to, so the platform reads the same word."""

    code: str
    dsa_category: str
    label_nl: str
    label_en: str


CONTENT_TYPES: dict[str, ContentType] = {
    t.code: t
    for t in (
        ContentType(
            "civic_discourse_or_elections",
            "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
            "negatieve effecten op het maatschappelijk debat of verkiezingen",
            "negative effects on civic discourse or elections",
        ),
        ContentType(
            "illegal_or_harmful_speech",
            "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
            "illegale of schadelijke uitingen",
            "illegal or harmful speech",
        ),
        ContentType(
            "scams_and_fraud",
            "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
            "oplichting en fraude (waaronder gekaapte accounts en imitatie)",
            "scams and fraud (including account hijacking and impersonation)",
        ),
        ContentType(
            "cyber_violence",
            "STATEMENT_CATEGORY_CYBER_VIOLENCE",
            "cybergeweld (bedreiging, intimidatie)",
            "cyber violence (threats, intimidation)",
        ),
        ContentType(
            "risk_for_public_security",
            "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
            "risico voor de openbare veiligheid",
            "risk for public security",
        ),
        ContentType(
            "data_protection_and_privacy",
            "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
            "schending van gegevensbescherming en privacy",
            "data protection and privacy violations",
        ),
    )
}


@dataclass(frozen=True)
class LegalBasis:
    """A decision's basis as plain values: ``basis`` is ``""`` for a decision not to deploy."""

    basis: str
    provisions: Sequence[str] = field(default_factory=tuple)
    other_provision: str = ""
    content_type: str = ""

    @property
    def is_illegal_content(self) -> bool:
        return self.basis == Basis.ILLEGAL_CONTENT


# The basis of a decision not to deploy, and of notices composed without a decision's basis.
NO_BASIS = LegalBasis("")


def problems(legal_basis: LegalBasis, *, deploys: bool) -> tuple[BasisReason, ...]:
    """Why this basis cannot go with a decision (empty: it can)."""
    if not deploys:
        return () if _is_empty(legal_basis) else (BasisReason.BASIS_WITHOUT_DEPLOY,)
    if legal_basis.basis not in set(Basis):
        return (BasisReason.BASIS_REQUIRED,)
    if legal_basis.basis == Basis.TERMS_ESCALATION:
        details = replace(legal_basis, basis="")
        return () if _is_empty(details) else (BasisReason.ESCALATION_NAMES_PROVISION,)
    return _illegal_content_problems(legal_basis)


def _is_empty(legal_basis: LegalBasis) -> bool:
    return not (
        legal_basis.basis
        or legal_basis.provisions
        or legal_basis.other_provision.strip()
        or legal_basis.content_type
    )


def _illegal_content_problems(legal_basis: LegalBasis) -> tuple[BasisReason, ...]:
    found: list[BasisReason] = []
    if not legal_basis.provisions and not legal_basis.other_provision.strip():
        found.append(BasisReason.PROVISION_REQUIRED)
    if any(code not in PROVISIONS for code in legal_basis.provisions):
        found.append(BasisReason.UNKNOWN_PROVISION)
    if len(legal_basis.other_provision) > OTHER_PROVISION_MAX:
        found.append(BasisReason.OTHER_PROVISION_TOO_LONG)
    if not legal_basis.content_type:
        found.append(BasisReason.CONTENT_TYPE_REQUIRED)
    elif legal_basis.content_type not in CONTENT_TYPES:
        found.append(BasisReason.UNKNOWN_CONTENT_TYPE)
    return tuple(found)


def cleaned(legal_basis: LegalBasis) -> LegalBasis:
    """The basis as it is stored: provisions distinct in the list's order, text trimmed."""
    provisions = tuple(code for code in PROVISIONS if code in set(legal_basis.provisions))
    return LegalBasis(
        basis=legal_basis.basis,
        provisions=provisions,
        other_provision=" ".join(legal_basis.other_provision.split()),
        content_type=legal_basis.content_type,
    )


# ------------------------------------------------------------------ the words for it


@dataclass(frozen=True)
class Designation:
    """Whether the organisation is a trusted flagger designated under DSA Art. 22 (settings)."""

    designated: bool = False
    coordinator: str = ""
    designated_on: dt.date | None = None

    @property
    def claimable(self) -> bool:
        """Only a complete designation may be claimed in a notice."""
        return self.designated and bool(self.coordinator.strip()) and self.designated_on is not None


NOT_DESIGNATED = Designation()


def provision_texts(legal_basis: LegalBasis, language: str) -> list[str]:
    """Each provision cited with what it forbids, then the free text as written."""
    dutch = language_of(language) == "nl"
    texts = []
    for code in legal_basis.provisions:
        p = PROVISIONS.get(code)
        if p is not None:
            texts.append(
                f"{p.citation_nl} ({p.summary_nl})"
                if dutch
                else f"{p.citation_en} ({p.summary_en})"
            )
    if legal_basis.other_provision.strip():
        texts.append(legal_basis.other_provision.strip())
    return texts


def content_type_label(code: str, language: str) -> str:
    content_type = CONTENT_TYPES.get(code)
    if content_type is None:
        return code
    return content_type.label_nl if language_of(language) == "nl" else content_type.label_en


def notice_paragraph(
    legal_basis: LegalBasis,
    designation: Designation,
    *,
    platform_name: str,
    programme: str,
    language: str = "en",
) -> str:
    """The paragraph that tells the platform what kind of notice this is (English or Dutch).

    Under ``illegal_content`` the Art. 22 claim is made only for a complete designation;
    under ``terms_escalation`` the paragraph says in so many words that it is *not* a notice
    of illegal content. A decision without a basis gets no paragraph.
    """
    dutch = language_of(language) == "nl"
    if legal_basis.basis == Basis.ILLEGAL_CONTENT:
        if dutch:
            return _illegal_content_nl(legal_basis, designation)
        return _illegal_content_en(legal_basis, designation)
    if legal_basis.basis == Basis.TERMS_ESCALATION:
        if dutch:
            return _escalation_nl(platform_name, programme)
        return _escalation_en(platform_name, programme)
    return ""


def _illegal_content_en(legal_basis: LegalBasis, designation: Designation) -> str:
    text = (
        "This is a notice of illegal content under Article 16 of the Digital Services Act "
        "(Regulation (EU) 2022/2065). In our assessment the content is illegal under Dutch "
        f"law: {'; '.join(provision_texts(legal_basis, 'en'))}. Type of alleged illegal "
        f"content: {content_type_label(legal_basis.content_type, 'en')}."
    )
    if designation.claimable:
        assert designation.designated_on is not None
        text += (
            " We submit it as a trusted flagger designated under Article 22 of the Digital "
            f"Services Act by {designation.coordinator.strip()} on "
            f"{date_text(designation.designated_on, 'en')}; Article 22(1) asks you to process "
            "and decide on it with priority and without undue delay."
        )
    return text


def _illegal_content_nl(legal_basis: LegalBasis, designation: Designation) -> str:
    text = (
        "Dit is een melding van illegale inhoud op grond van artikel 16 van de Digitaledienstenverordening "
        "(Verordening (EU) 2022/2065). Naar ons oordeel is de inhoud in strijd met het Nederlandse "
        f"recht: {'; '.join(provision_texts(legal_basis, 'nl'))}. Soort vermeend illegale "
        f"inhoud: {content_type_label(legal_basis.content_type, 'nl')}."
    )
    if designation.claimable:
        assert designation.designated_on is not None
        text += (
            " Wij doen deze melding als betrouwbare flagger, aangewezen op grond van artikel 22 "
            f"van de Digitaledienstenverordening door {designation.coordinator.strip()} op "
            f"{date_text(designation.designated_on, 'nl')}; artikel 22, eerste lid, vraagt u "
            "de melding met voorrang en zonder onnodige vertraging te behandelen en erover te "
            "beslissen."
        )
    return text


def _escalation_en(platform_name: str, programme: str) -> str:
    channel = (
        f"your {programme}" if programme else f"{platform_name}'s channel for trusted partners"
    )
    return (
        f"We ask you to check this content against your terms of service through {channel}. "
        "This is an escalation of a possible breach of your terms; it is not a notice of "
        "illegal content under Article 16 of the Digital Services Act."
    )


def _escalation_nl(platform_name: str, programme: str) -> str:
    channel = f"uw {programme}" if programme else f"het kanaal van {platform_name} voor partners"
    return (
        f"Wij vragen u deze inhoud via {channel} te toetsen aan uw gebruikersvoorwaarden. Dit "
        "is een escalatie van een mogelijke schending van uw voorwaarden; het is geen melding "
        "van illegale inhoud op grond van artikel 16 van de Digitaledienstenverordening."
    )
