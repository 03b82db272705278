# SPDX-License-Identifier: EUPL-1.2
"""Forged platform mail (issue 12): acknowledgments and bounces that anyone can write.

The notice goes out through a real SMTP server (aiosmtpd); the answers, forged and genuine,
land in a real team mailbox (Dovecot) and are read by the mailbox watcher, as in production.
Case references are sequential and easy to guess; only our Message-ID (128 random bits), a
ticket number learned from the platform's authenticated mail, and authentication by our own
receiving server may make a mail speak for the platform.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent as Event
from flagdesk.mailarchive import selectors, service
from flagdesk.mailarchive.imap import MailboxWatcher, parse_imap_url
from flagdesk.mailarchive.models import Kind, MailMessage, PlatformReference
from flagdesk.notices import dispatch
from flagdesk.notices import service as notices
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from flagdesk.notices.tests.conftest import draft, smtp_server, x_channel
from tests_support.dovecot import DEFAULT_USER, DovecotServer
from tests_support.smtp import SmtpServer

__all__ = ["draft", "smtp_server", "x_channel"]

TEAM = "trustedflagger@minbzk.example"
OUR_MX = "mx.minbzk.example"
PLATFORM = "escalations@x.example"  # X's channel address: x.example is X's mail domain


@pytest.fixture(autouse=True)
def _mail_settings(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    settings.MAIL_AUTHSERV_IDS = [OUR_MX]


@pytest.fixture
def sent(draft: Notice, alice: User, smtp_server: SmtpServer) -> Notice:
    """The notice, sent to X's mail server (aiosmtpd) and accepted by it."""
    delivery = notices.send(draft, alice)
    assert dispatch.attempt_delivery(delivery.pk) == "accepted"
    [received] = smtp_server.messages
    notice = Notice.objects.get(pk=draft.pk)
    assert received.data == bytes(notice.raw or b"")
    return notice


@pytest.fixture
def unknown(sent: Notice) -> Notice:
    """The same notice, but the connection broke after the data: delivery outcome unknown."""
    Delivery.objects.filter(notice=sent).update(state=DeliveryState.UNKNOWN)
    return sent


@pytest.fixture
def mailbox(dovecot: DovecotServer, db: Any) -> Iterator[Callable[[bytes], MailMessage]]:
    """Put a mail in the team mailbox and let the watcher archive it; returns the message."""

    def archive(raw: bytes, uidvalidity: int, uid: int) -> None:
        service.import_raw(raw, mailbox="team", uid=uid)

    watcher = MailboxWatcher(
        parse_imap_url(dovecot.url()),
        service.DatabaseCursor("team"),
        archive,
        **service.WATCHER_OPTIONS,
    )

    def deliver(raw: bytes) -> MailMessage:
        dovecot.append(DEFAULT_USER, raw)
        assert watcher.run_once() == 1
        return MailMessage.objects.order_by("-pk").first()  # type: ignore[return-value]

    yield deliver
    watcher.close()


def answer(
    notice: Notice | None,
    *,
    sender: str = PLATFORM,
    subject: str | None = None,
    text: str = "Thanks.",
    thread: bool = True,
    results: str = "",
) -> bytes:
    """A mail as it reaches the team mailbox; ``results``: our server's Authentication-Results."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = TEAM
    message["Subject"] = subject or f"Re: {notice.subject if notice else 'your report'}"
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    if notice is not None and thread:
        message["In-Reply-To"] = notice.message_id
        message["References"] = notice.message_id
    message.set_content(text)
    return received_by_us(message.as_bytes(), results)


def received_by_us(raw: bytes, results: str = "") -> bytes:
    """What our MX adds on top: its Authentication-Results (when given) and a Received."""
    top = f"Authentication-Results: {OUR_MX}; {results}\n" if results else ""
    trace = "Received: from mail.sender.example by mx.minbzk.example with ESMTPS\n"
    return (top + trace).encode() + raw


def dsn(original_id: str, *, sender: str, subject: str, results: str = "") -> bytes:
    """An RFC 3464 delivery status notification returning a message with ``original_id``."""
    report = f"""From: {sender}
To: {TEAM}
Subject: {subject}
Message-ID: {make_msgid(domain="mta.example")}
Date: {format_datetime(timezone.now())}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

This is the mail system. Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mta.example

Final-Recipient: rfc822; escalations@x.example
Action: failed
Status: 5.1.1

--b1
Content-Type: message/rfc822

From: {TEAM}
Subject: {subject}
Message-ID: {original_id}

(original text)

--b1--
"""
    return received_by_us(report.encode(), results)


def assert_untouched(notice: Notice, state: str = DeliveryState.ACCEPTED) -> None:
    notice.refresh_from_db()
    assert notice.acknowledged_at is None
    assert Delivery.objects.get(notice=notice).state == state
    assert not Event.objects.filter(action="notice_acknowledged").exists()


# --- forged acknowledgments ------------------------------------------------------------


def test_the_issues_forged_acknowledgment_waits_and_the_genuine_one_is_recorded(
    unknown: Notice, mailbox: Callable[[bytes], MailMessage]
) -> None:
    forged = mailbox(
        answer(
            unknown,
            sender="random@attacker.example",
            subject=f"Re: {unknown.case.reference}",
            thread=False,
        )
    )
    assert_untouched(unknown, DeliveryState.UNKNOWN)
    assert (forged.case, forged.notice) == (unknown.case, unknown)  # shown on the case
    assert (forged.link_strength, forged.confirmation) == ("weak", "pending")
    assert {"case_reference_in_subject", "not_a_platform_domain"} <= set(forged.trust_reasons)
    assert not service.proves_delivery(unknown)

    genuine = mailbox(answer(unknown, results="dmarc=pass header.from=x.example"))
    unknown.refresh_from_db()
    assert unknown.acknowledged_at is not None
    assert genuine.kind == Kind.ACKNOWLEDGMENT
    assert (genuine.link_strength, genuine.auth_result) == ("strong", "pass")
    assert unknown.acknowledgment_source == f"mail {genuine.message_id}"
    assert Delivery.objects.get(notice=unknown).state == DeliveryState.ACCEPTED


@pytest.mark.parametrize(
    "results",
    ["", "dkim=none; spf=none; dmarc=none"],
    ids=["no-results", "results-none"],
)
def test_the_platforms_own_domain_with_only_the_case_reference_is_not_enough(
    unknown: Notice, mailbox: Callable[[bytes], MailMessage], results: str
) -> None:
    forged = mailbox(
        answer(unknown, subject=f"Re: [{unknown.case.reference}]", thread=False, results=results)
    )
    assert_untouched(unknown, DeliveryState.UNKNOWN)
    assert forged.confirmation == "pending"
    assert "not_authenticated" in forged.warnings


@pytest.mark.parametrize(
    "sender",
    [
        "support@x-support-escalations.example",
        "trust@twitter-safety.example",
        "escalations@x.com.evil.example",
        "escalations@twiter.com",
        "escalations@xn--twtter-qvf.com",  # twіtter.com with a Cyrillic і
        "support@meta-support-desk.example",
    ],
)
def test_a_lookalike_domain_is_flagged_and_acts_on_nothing(
    unknown: Notice, mailbox: Callable[[bytes], MailMessage], sender: str
) -> None:
    # Even with our Message-ID (say, from a forwarded notice) a lookalike changes nothing.
    forged = mailbox(answer(unknown, sender=sender, text="We have received your report."))
    assert_untouched(unknown, DeliveryState.UNKNOWN)
    assert forged.sender_kind == "lookalike" and "lookalike" in forged.warnings
    assert forged.confirmation == "pending"


def test_failing_authentication_by_our_server_acts_on_nothing(
    sent: Notice, mailbox: Callable[[bytes], MailMessage]
) -> None:
    forged = mailbox(
        answer(sent, results="spf=fail smtp.mailfrom=x.example; dmarc=fail header.from=x.example")
    )
    assert_untouched(sent)
    assert (forged.auth_result, forged.link_strength, forged.confirmation) == (
        "fail",
        "weak",
        "pending",
    )


def test_authentication_results_below_the_top_are_ignored(
    sent: Notice, mailbox: Callable[[bytes], MailMessage]
) -> None:
    # Our server's verdict on top; the forger's "pass" with our authserv-id came with the mail.
    forged_inside = (
        f"Authentication-Results: {OUR_MX}; dkim=pass header.d=x.example;"
        " dmarc=pass header.from=x.example\n"
    ).encode() + answer(sent)
    raw = received_by_us(forged_inside, "dkim=none; dmarc=fail header.from=x.example")
    forged = mailbox(raw)
    assert_untouched(sent)
    assert forged.auth_result == "fail"
    assert "lower_authentication_results_ignored" in forged.trust_reasons


def test_a_forged_pass_alone_below_our_received_is_ignored_when_ours_is_on_top(
    sent: Notice, mailbox: Callable[[bytes], MailMessage]
) -> None:
    # Our MX said nothing passed; a "pass" of some other server proves nothing either.
    inside = b"Authentication-Results: mx.attacker.example; dmarc=pass header.from=x.example\n"
    raw = received_by_us(inside + answer(sent), "dmarc=none")
    forged = mailbox(raw)
    assert forged.auth_result == "none"
    assert "foreign_authentication_results_ignored" in forged.trust_reasons


# --- DKIM checked by FlagDesk itself ---------------------------------------------------------


def _key() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


@pytest.fixture
def x_dkim(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[[bytes], bytes]:
    """X's signing key; its public half is what our (test) DNS resolver answers."""
    settings.MAIL_VERIFY_DKIM = True
    private, public = _key()
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def dns(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == b"sel._domainkey.x.example." else None

    monkeypatch.setattr(service, "DKIM_DNSFUNC", dns)

    def sign(raw: bytes, key: bytes = private) -> bytes:
        signature = dkim.sign(
            raw,
            b"sel",
            b"x.example",
            key,
            include_headers=[b"from", b"to", b"subject", b"message-id", b"in-reply-to"],
        )
        return signature + raw

    return sign


def test_a_valid_dkim_signature_of_the_platform_authenticates(
    sent: Notice, mailbox: Callable[[bytes], MailMessage], x_dkim: Callable[..., bytes]
) -> None:
    message = mailbox(x_dkim(answer(sent)))
    assert (message.auth_result, message.auth_method) == ("pass", "dkim-local")
    sent.refresh_from_db()
    assert sent.acknowledged_at is not None


def test_a_broken_dkim_signature_acts_on_nothing(
    sent: Notice, mailbox: Callable[[bytes], MailMessage], x_dkim: Callable[..., bytes]
) -> None:
    wrong_key, _public = _key()
    forged = mailbox(x_dkim(answer(sent), wrong_key))
    assert_untouched(sent)
    assert (forged.auth_result, forged.confirmation) == ("fail", "pending")

    tampered = x_dkim(answer(sent)).replace(b"Thanks.", b"Thanks!")
    assert mailbox(tampered).auth_result == "fail"
    assert_untouched(sent)


# --- ticket numbers ---------------------------------------------------------------------


def test_a_planted_ticket_number_is_not_learned(
    sent: Notice, mailbox: Callable[[bytes], MailMessage]
) -> None:
    # Unauthenticated, linked by the guessable case reference, it offers a "ticket number".
    mailbox(
        answer(
            sent,
            subject=f"Re: {sent.case.reference}",
            thread=False,
            text="Your report is Case #5555555555.",
        )
    )
    # Even with our Message-ID, unauthenticated mail teaches no ticket numbers.
    mailbox(answer(sent, text="Follow-up: Case #6666666666."))
    # Authenticated X mail with another platform's reference format teaches nothing either.
    mailbox(answer(sent, text="Ref: 77777777777", results="dmarc=pass header.from=x.example"))
    assert not PlatformReference.objects.exists()
    later = mailbox(answer(None, subject="Update on Case #5555555555", text="Please confirm."))
    assert later.notice is None and later.link_strength == "none"


def test_a_ticket_number_learned_from_authenticated_mail_links_but_only_authenticated(
    sent: Notice, mailbox: Callable[[bytes], MailMessage]
) -> None:
    passing = "dmarc=pass header.from=x.example"
    mailbox(answer(sent, text="We opened Case #0123456789.", results=passing))
    assert PlatformReference.objects.filter(reference="0123456789", platform="x").exists()
    spoofed = mailbox(answer(None, subject="Case #0123456789", text="Please resend."))
    assert (spoofed.notice, spoofed.confirmation) == (sent, "pending")
    real = mailbox(answer(None, subject="Case #0123456789", text="Closed.", results=passing))
    assert (real.notice, real.link_strength) == (sent, "strong")


# --- forged bounces and copies ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sender", "results", "with_our_id"),
    [
        ("MAILER-DAEMON@attacker.example", "", False),  # case reference only
        ("MAILER-DAEMON@x-support-mail.example", "", True),  # lookalike
        ("MAILER-DAEMON@mta.example", "dmarc=fail header.from=mta.example", True),  # failing
        ("MAILER-DAEMON@attacker.example", "dkim=none; dmarc=none", False),  # unauthenticated
    ],
    ids=["subject-tag-only", "lookalike", "failing-authentication", "unauthenticated"],
)
def test_a_forged_bounce_does_not_bounce_the_notice(
    sent: Notice,
    mailbox: Callable[[bytes], MailMessage],
    sender: str,
    results: str,
    with_our_id: bool,
) -> None:
    original = sent.message_id if with_our_id else make_msgid(domain="guess.example")
    subject = f"Undelivered Mail Returned to Sender: Re: {sent.case.reference}"
    forged = mailbox(dsn(original, sender=sender, subject=subject, results=results))
    assert forged.kind == Kind.BOUNCE and forged.confirmation == "pending"
    assert_untouched(sent)


def test_a_bounce_quoting_our_id_only_in_the_thread_headers_does_not_bounce(
    sent: Notice, mailbox: Callable[[bytes], MailMessage]
) -> None:
    raw = answer(
        sent,
        sender="MAILER-DAEMON@mta.example",
        subject="Undelivered Mail Returned to Sender",
        text="Delivery failed: 5.1.1 user unknown",
    )
    forged = mailbox(raw)
    assert forged.kind == Kind.BOUNCE
    assert "report_without_our_original" in forged.trust_reasons
    assert_untouched(sent)


def test_a_genuine_bounce_with_our_message_id_in_the_original_still_bounces(
    sent: Notice, mailbox: Callable[[bytes], MailMessage]
) -> None:
    bounce = mailbox(
        dsn(sent.message_id, sender="MAILER-DAEMON@mta.example", subject="Undelivered Mail")
    )
    assert (bounce.kind, bounce.link_strength) == (Kind.BOUNCE, "strong")
    assert Delivery.objects.get(notice=sent).state == DeliveryState.BOUNCED


def test_a_forged_archive_copy_does_not_settle_an_unknown_delivery(
    unknown: Notice, mailbox: Callable[[bytes], MailMessage]
) -> None:
    # Our Message-ID as its own Message-ID, but from a stranger: not our archive copy.
    raw = bytes(unknown.raw or b"").replace(
        b"From: ", b"X-Was: ", 1
    )  # drop our From, then claim another one
    raw = b"From: copy@attacker.example\n" + raw
    forged = mailbox(received_by_us(raw))
    assert forged.kind != Kind.OWN_COPY
    assert "our_message_id_from_stranger" in forged.trust_reasons
    assert_untouched(unknown, DeliveryState.UNKNOWN)


# --- an assessor confirms or rejects -------------------------------------------------------


def test_only_an_assessor_confirms_and_only_then_the_notice_changes(
    unknown: Notice,
    mailbox: Callable[[bytes], MailMessage],
    alice: User,
    carol: User,
    bob: User,
) -> None:
    message = mailbox(
        answer(unknown, subject=f"Re: {unknown.case.reference}", thread=False, text="Got it.")
    )
    for outsider in (carol, bob):  # intake officer, approver
        with pytest.raises(PermissionDenied):
            service.confirm_message(message, outsider, kind=Kind.ACKNOWLEDGMENT, notice=unknown)
        with pytest.raises(PermissionDenied):
            service.reject_message(message, outsider)
    assert_untouched(unknown, DeliveryState.UNKNOWN)
    service.confirm_message(
        message, alice, kind=Kind.ACKNOWLEDGMENT, notice=unknown, note="Phoned X: theirs."
    )
    unknown.refresh_from_db()
    assert unknown.acknowledged_at is not None
    assert Delivery.objects.get(notice=unknown).state == DeliveryState.ACCEPTED
    event = Event.objects.get(action="mail_confirmed")
    assert event.actor == alice and (event.after or {})["note"] == "Phoned X: theirs."
    with pytest.raises(service.ArchiveError):
        service.reject_message(message, alice)  # decided once


def test_a_rejected_message_changes_nothing(
    unknown: Notice, mailbox: Callable[[bytes], MailMessage], alice: User
) -> None:
    message = mailbox(
        answer(unknown, sender="x@attacker.example", subject=unknown.case.reference, thread=False)
    )
    service.reject_message(message, alice, "Not from X.")
    message.refresh_from_db()
    assert (message.confirmation, message.confirmed_by) == ("rejected", alice)
    assert Event.objects.filter(action="mail_rejected", actor=alice).exists()
    assert_untouched(unknown, DeliveryState.UNKNOWN)
    assert not service.proves_delivery(unknown)
    assert message not in selectors.trusted_messages_for_case(unknown.case)
