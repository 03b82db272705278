# SPDX-License-Identifier: EUPL-1.2
"""Hostile mail against the new readings of a mail's text: Message-IDs and case references in
the body, learned ticket numbers, forwarded originals. Through the real team mailbox
(Dovecot) and watcher; each must be archived byte for byte and act on nothing."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid

from flagdesk.mailarchive import service
from flagdesk.mailarchive.models import LinkStrength, MailMessage, PlatformReference
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from flagdesk.notices.tests.conftest import draft, smtp_server, x_channel
from flagdesk.tests_attacks.test_forged_mail import (
    TEAM,
    _mail_settings,
    answer,
    mailbox,
    received_by_us,
    sent,
)

__all__ = ["_mail_settings", "draft", "mailbox", "sent", "smtp_server", "x_channel"]
PASSING = "dmarc=pass header.from=x.example"


def assert_untouched(notice: Notice) -> None:
    notice.refresh_from_db()
    assert notice.acknowledged_at is None
    assert Delivery.objects.get(notice=notice).state == DeliveryState.ACCEPTED


def crlf(raw: bytes) -> bytes:
    """As IMAP stores it (CRLF line ends), so the archived bytes can be compared."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def raw_mail(sender: str, subject: str, text: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = TEAM
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="attacker.example")
    message.set_content(text)
    return crlf(received_by_us(message.as_bytes()))


def test_our_message_id_typed_into_a_foreign_mail_links_only_for_a_person_to_confirm(
    sent: Notice, mailbox: Callable[[bytes], MailMessage]
) -> None:
    raw = raw_mail(
        "X Safety <safety@x-safety-desk.example>",
        "Your notice",
        f"In-Reply-To: {sent.message_id}\nReferences: {sent.message_id}\n"
        "We have received your report. Case #ABC-99999.",
    )
    forged = mailbox(raw)
    assert service.read_raw(forged) == raw
    assert (forged.notice_id, forged.link_strength, forged.confirmation) == (
        sent.pk,
        LinkStrength.WEAK,
        "pending",
    )
    assert_untouched(sent)
    assert not PlatformReference.objects.exists()


def test_an_authenticated_platform_mail_quoting_our_id_in_its_text_does_not_act(
    sent: Notice, mailbox: Callable[[bytes], MailMessage]
) -> None:
    text = f"We have received your report.\n\n> Message-ID: {sent.message_id}"
    message = mailbox(answer(None, text=text, results=PASSING))
    assert (message.notice_id, message.link_strength) == (sent.pk, LinkStrength.WEAK)
    assert_untouched(sent)


def test_hostile_shapes_are_archived_and_link_nothing_strongly(
    sent: Notice, mailbox: Callable[[bytes], MailMessage]
) -> None:
    loop = "\n".join(
        f"-----Original Message-----\nFrom: a{i}@loop.example\nSent: today\nTo: b@loop.example\n"
        f"Subject: RE: {sent.case.reference}\nMessage-ID: <{i}@loop.example>\n"
        for i in range(300)
    )
    huge_subject = "Re: " + "A" * 50_000
    many_ids = " ".join(f"<{i}@spam.example>" for i in range(5000))
    shapes = [
        raw_mail("loop@loop.example", "RE: RE: RE:", loop),
        raw_mail("big@spam.example", huge_subject, many_ids),
        b"From: x@x.example\r\nContent-Type: multipart/mixed; boundary=never\r\n\r\n--never\r\n"
        b"Content-Type: text/plain; charset=bogus\r\n\r\n\xff\xfe " + sent.message_id.encode(),
    ]
    for raw in shapes:
        message = mailbox(raw)
        assert service.read_raw(message) == raw
        assert message.link_strength != LinkStrength.STRONG
    assert_untouched(sent)
