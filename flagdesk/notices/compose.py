# SPDX-License-Identifier: EUPL-1.2
"""Compose a notice from a case: the text (a template per platform and language) and the
exact bytes that go out.

The text carries the DSA Art. 16(2) elements: the exact URLs, a substantiated explanation,
the sender's name and e-mail, and a good-faith statement — plus the platform's policy by
name and URL, the request to review related content, and the request to acknowledge receipt.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from django.utils import timezone

from flagdesk.notices import template_store
from flagdesk.rules import legal_basis as basis_rules
from flagdesk.rules.notice_kinds import KIND_FACTS

HARM_TEXT = {
    "invalid_vote": "it may lead voters to cast an invalid vote",
    "wrong_candidate": "it may lead voters to vote for a different candidate or party than they intend",
    "deprived_of_vote": "it may keep voters from casting their vote at all",
}
HARM_TEXT_NL = {
    "invalid_vote": "het kan kiezers ertoe brengen een ongeldige stem uit te brengen",
    "wrong_candidate": "het kan kiezers ertoe brengen op een andere kandidaat of partij te "
    "stemmen dan zij willen",
    "deprived_of_vote": "het kan kiezers ervan weerhouden hun stem uit te brengen",
}
KINDS = ("misinformation", "hacked_channel", "blocked_ad", "other")

# The subject per kind of case and language; {policy} and {reference} are filled in.
SUBJECTS = {
    ("misinformation", "en"): "Urgent notification of possible violation of {policy} – "
    "Dutch election [{reference}]",
    ("misinformation", "nl"): "Urgente melding van mogelijke schending van {policy} – "
    "Nederlandse verkiezing [{reference}]",
    ("hacked_channel", "en"): "Urgent: hacked official government account – please secure "
    "and restore – Dutch election [{reference}]",
    ("hacked_channel", "nl"): "Urgent: gehackt officieel overheidsaccount – graag beveiligen "
    "en herstellen – Nederlandse verkiezing [{reference}]",
    ("blocked_ad", "en"): "Urgent: government election information advert blocked – please "
    "review – Dutch election [{reference}]",
    ("blocked_ad", "nl"): "Urgent: verkiezingsadvertentie van een overheid geblokkeerd – graag "
    "heroverwegen – Nederlandse verkiezing [{reference}]",
    ("other", "en"): "Urgent notification – Dutch election [{reference}]",
    ("other", "nl"): "Urgente melding – Nederlandse verkiezing [{reference}]",
}


@dataclass(frozen=True)
class NarrativeRule:
    """A confirmed narrative of the case from the registry: the claim and the correct rule."""

    claim: str
    correct_rule: str
    source: str
    source_url: str


@dataclass(frozen=True)
class NoticeFacts:
    """Everything the text needs, taken from the case by the service, in the notice's language
    (an English notice gets the English election name and day)."""

    reference: str
    platform_name: str
    platform_slug: str
    policy_name: str
    policy_url: str
    election_name: str
    election_day: str
    urls: Sequence[str]
    what_is_false: str
    why_it_matters: str
    harms: Sequence[str]
    signal_explanation: str
    organisation: str
    sender_name: str
    sender_email: str
    earlier_notifications: Sequence[str] = field(default_factory=tuple)
    # What kind of notice this is (the decision's basis), whether the organisation may claim
    # an Art. 22 designation (settings), and the platform's programme the escalation uses.
    legal_basis: basis_rules.LegalBasis = basis_rules.NO_BASIS
    designation: basis_rules.Designation = basis_rules.NOT_DESIGNATED
    programme: str = ""
    kind: str = "misinformation"
    # The assessor's facts for this kind (rules/notice_kinds.py names them).
    kind_facts: Mapping[str, str] = field(default_factory=dict)
    own_contact_attempts: int | None = None
    own_contact_account: str = ""
    narratives: Sequence[NarrativeRule] = field(default_factory=tuple)
    channel_kind: str = "email"


# Facts with every field filled in: a template is checked against them when it is saved
# (what it names that they lack would render as nothing in every notice).
SAMPLE_FACTS = NoticeFacts(
    reference="FD-2023-0001",
    platform_name="X",
    platform_slug="x",
    policy_name="Civic integrity policy",
    policy_url="https://help.x.example/civic-integrity",
    election_name="Tweede Kamerverkiezing 2023",
    election_day="22 November 2023",
    urls=("https://x.example/someone/status/1",),
    what_is_false="What the content claims and why it is false.",
    why_it_matters="Why it matters for the election.",
    harms=("invalid_vote",),
    signal_explanation="The signaller's explanation.",
    organisation="The organisation",
    sender_name="The assessor",
    sender_email="assessor@organisation.example",
    earlier_notifications=("An earlier notification.",),
    # Every kind's facts, so that a template of any kind can be checked against them.
    kind_facts={fact.name: f"The {fact.name}." for facts in KIND_FACTS.values() for fact in facts},
    own_contact_attempts=2,
    own_contact_account="Two calls to the platform's partner manager.",
    narratives=(
        NarrativeRule(
            claim="The claim.",
            correct_rule="The correct rule.",
            source="Kiesraad",
            source_url="https://www.kiesraad.nl/",
        ),
    ),
)


def policy_label(platform_name: str, policy_name: str) -> str:
    """ "X's civic integrity policy" as is; "Community Standards" becomes "Meta's Community Standards"."""
    if not policy_name:
        return f"{platform_name}'s policies"
    if platform_name.split(" ")[0].lower() in policy_name.lower():
        return policy_name
    return f"{platform_name}'s {policy_name}"


def kind_of(facts: NoticeFacts) -> str:
    return facts.kind if facts.kind in KINDS else "other"


def subject_for(facts: NoticeFacts, language: str = "en") -> str:
    language = language if language in ("en", "nl") else "en"
    if facts.legal_basis.is_illegal_content:
        # Not "possible violation of X's policy": the notice claims illegality, not a breach.
        return f"Notice of illegal content (DSA Art. 16) – Dutch election [{facts.reference}]"
    label = policy_label(facts.platform_name, facts.policy_name)
    return SUBJECTS[(kind_of(facts), language)].format(policy=label, reference=facts.reference)


def harm_sentences(harms: Sequence[str], language: str = "en") -> list[str]:
    texts = HARM_TEXT_NL if language == "nl" else HARM_TEXT
    return [texts[h] for h in harms if h in texts]


def template_names(facts: NoticeFacts, language: str) -> list[str]:
    """The templates to try, most specific first: per kind, channel, platform and language.

    A portal notice first tries ``notice.<kind>[.<platform>].portal.<language>.txt``; the
    shipped templates serve both channels and leave out the mail wording for a portal.
    """
    kind, platform = kind_of(facts), facts.platform_slug
    names = []
    if facts.channel_kind == "portal":
        names += [
            f"notice.{kind}.{platform}.portal.{language}.txt",
            f"notice.{kind}.portal.{language}.txt",
        ]
    names += [
        f"notice.{kind}.{platform}.{language}.txt",
        f"notice.{kind}.{language}.txt",
        f"notice.{kind}.en.txt",
    ]
    return [f"notices/mail/{name}" for name in names]


def render_first(names: Sequence[str], context: Mapping[str, Any]) -> str:
    """The text of the first template in ``names``: an administrator's active version before
    the file of the same name (``template_store``), rendered with ``context``."""
    return tidy(template_store.render_first(list(names), context).text)


def template_context(facts: NoticeFacts, language: str = "en") -> dict[str, Any]:
    """What a notice template sees: the facts, never more (an administrator's template is
    rendered with this and nothing else)."""
    return {
        "f": facts,
        "k": facts.kind_facts,
        "policy": policy_label(facts.platform_name, facts.policy_name),
        "harms": harm_sentences(facts.harms, language),
        "portal": facts.channel_kind == "portal",
        "legal_basis": facts.legal_basis.basis,
        "legal_basis_paragraph": legal_basis_paragraph(facts, language),
    }


def legal_basis_paragraph(facts: NoticeFacts, language: str = "en") -> str:
    """The paragraph that says what kind of notice this is (rules.legal_basis)."""
    return basis_rules.notice_paragraph(
        facts.legal_basis,
        facts.designation,
        platform_name=facts.platform_name,
        programme=facts.programme,
        language=language,
    )


def render_body(facts: NoticeFacts, language: str = "en") -> template_store.Rendered:
    """The text from the first template that exists (an administrator's active version
    before the file of the same name), with what made it."""
    names = template_names(facts, language)
    rendered = template_store.render_first(names, template_context(facts, language))
    return replace(rendered, text=tidy(rendered.text))


def body_for(facts: NoticeFacts, language: str = "en") -> str:
    return render_body(facts, language).text


def tidy(text: str) -> str:
    # Templates leave blank runs where optional parts are empty; keep one blank line at most.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    kept: list[str] = []
    for line in lines:
        if line == "" and kept and kept[-1] == "":
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def new_message_id(from_email: str) -> str:
    """``<time.128 random bits.flagdesk@domain>``. Replies are matched to notices by it, so it
    must not be guessable (``make_msgid`` draws 64 bits from ``random``): a forged "reply"
    can't find its notice without having seen ours."""
    domain = from_email.rpartition("@")[2] or "flagdesk.invalid"
    return f"<{int(time.time())}.{secrets.token_hex(16)}.flagdesk@{domain}>"


@dataclass(frozen=True)
class Envelope:
    from_email: str
    from_name: str
    to: str
    subject: str
    body: str
    message_id: str
    in_reply_to: str = ""
    references: str = ""


def build_message(envelope: Envelope, *, date: str | None = None) -> bytes:
    """The exact bytes to send (CRLF line ends). Raises ValueError on header injection."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = Address(display_name=envelope.from_name, addr_spec=envelope.from_email)
    message["To"] = envelope.to
    message["Subject"] = envelope.subject
    message["Date"] = date or format_datetime(timezone.now())
    message["Message-ID"] = envelope.message_id
    # Ask the platform's mail client for a read receipt; the reply is the acknowledgment.
    message["Disposition-Notification-To"] = envelope.from_email
    if envelope.in_reply_to:
        message["In-Reply-To"] = envelope.in_reply_to
    if envelope.references:
        message["References"] = envelope.references
    message["Auto-Submitted"] = "no"
    message.set_content(envelope.body, charset="utf-8", cte="quoted-printable")
    for header, value in message.items():
        if "\n" in str(value) or "\r" in str(value):
            raise ValueError(f"line break in header {header}")
    return message.as_bytes()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
