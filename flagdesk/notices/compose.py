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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from django.utils import timezone

from flagdesk.notices import template_store

HARM_TEXT = {
    "invalid_vote": "it may lead voters to cast an invalid vote",
    "wrong_candidate": "it may lead voters to vote for a different candidate or party than they intend",
    "deprived_of_vote": "it may keep voters from casting their vote at all",
}


@dataclass(frozen=True)
class NoticeFacts:
    """Everything the text needs, taken from the case by the service."""

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
)


def policy_label(platform_name: str, policy_name: str) -> str:
    """ "X's civic integrity policy" as is; "Community Standards" becomes "Meta's Community Standards"."""
    if not policy_name:
        return f"{platform_name}'s policies"
    if platform_name.split(" ")[0].lower() in policy_name.lower():
        return policy_name
    return f"{platform_name}'s {policy_name}"


def subject_for(facts: NoticeFacts) -> str:
    label = policy_label(facts.platform_name, facts.policy_name)
    return (
        f"Urgent notification of possible violation of {label} – Dutch election [{facts.reference}]"
    )


def harm_sentences(harms: Sequence[str]) -> list[str]:
    return [HARM_TEXT[h] for h in harms if h in HARM_TEXT]


def template_names(facts: NoticeFacts, language: str = "en") -> list[str]:
    """The templates that may make the text, most specific first."""
    return [
        f"notices/mail/notice.{facts.platform_slug}.{language}.txt",
        f"notices/mail/notice.{language}.txt",
        "notices/mail/notice.en.txt",
    ]


def template_context(facts: NoticeFacts) -> dict[str, Any]:
    return {
        "f": facts,
        "policy": policy_label(facts.platform_name, facts.policy_name),
        "harms": harm_sentences(facts.harms),
    }


def render_body(facts: NoticeFacts, language: str = "en") -> template_store.Rendered:
    """The text from the first template that exists (an administrator's active version
    before the file of the same name), with what made it."""
    rendered = template_store.render_first(template_names(facts, language), template_context(facts))
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
