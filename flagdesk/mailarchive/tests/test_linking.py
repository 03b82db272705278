# SPDX-License-Identifier: EUPL-1.2
"""Linking mail to notices: every Message-ID a notice carried, weak evidence in the text,
ticket numbers per platform, and never a wrong case."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.elections.models import Election
from flagdesk.mailarchive import service
from flagdesk.mailarchive.models import Confirmation, Kind, LinkStrength, MatchMethod
from flagdesk.notices import service as notices
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from flagdesk.notices.tests.conftest import approved_case
from flagdesk.platforms.models import Platform

LEGACY_ID = "<AM0PR09MB4711B2C3D4E5F6A7B8C9@AM0PR09MB4711.eurprd09.prod.outlook.example>"
OLD_DOMAIN_ID = "<1690000000.e4d909c290d0fb1ca068ffaddf22cbd0.flagdesk@bzk-oud.example>"
PASS = "mx.minbzk.example; dmarc=pass header.from={domain}"


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    settings.FROM_EMAIL = "trustedflagger@minbzk.example"
    settings.ORGANISATION_DOMAINS = ["minbzk.example"]
    settings.MAIL_AUTHSERV_IDS = ["mx.minbzk.example"]


def _sent(notice: Notice, alice: User, recipient: str = "tf@x.com") -> Notice:
    notices.send(notice, alice)
    Delivery.objects.filter(notice=notice).update(state=DeliveryState.ACCEPTED)
    Notice.objects.filter(pk=notice.pk).update(recipient=recipient)
    return Notice.objects.get(pk=notice.pk)


@pytest.fixture
def sent(draft: Notice, alice: User) -> Notice:
    return _sent(draft, alice)


@pytest.fixture
def other(tk2023: Election, alice: User, bob: User, sent: Notice) -> Notice:
    case = approved_case(tk2023, alice, bob, "https://x.com/other/status/1727365099999999999")
    return _sent(Notice.objects.get(case=case), alice)


def mail(
    text: str,
    *,
    sender: str = "X Support <support@x.com>",
    subject: str = "About your notice",
    in_reply_to: str = "",
    results: str = "",
    **headers: str,
) -> bytes:
    message = EmailMessage()
    if results:
        message["Authentication-Results"] = results
    message["From"] = sender
    message["To"] = "trustedflagger@minbzk.example"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="x.com")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


def dsn(original_id: str, action: str, status: str, *, part: str = "text/rfc822-headers") -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.x.com>\r\nSubject: Delivery status\r\n"
        "Message-ID: <dsn1@mx.x.com>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nreport\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.x.com\r\n\r\n"
        f"Final-Recipient: rfc822; tf@x.com\r\nAction: {action}\r\nStatus: {status}\r\n\r\n"
        f"--b\r\nContent-Type: {part}\r\n\r\nMessage-ID: {original_id}\r\nSubject: notice\r\n\r\n"
        "--b--\r\n"
    ).encode()


def mdn(original_id: str) -> bytes:
    return (
        "From: Moderation <moderation@x.com>\r\nSubject: Read: notice\r\nMessage-ID: <mdn1@x.com>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=disposition-notification; boundary=m\r\n\r\n"
        "--m\r\nContent-Type: text/plain\r\n\r\nDisplayed.\r\n"
        "--m\r\nContent-Type: message/disposition-notification\r\n\r\n"
        f"Original-Message-ID: {original_id}\r\nDisposition: manual-action/MDN-sent-manually; "
        "displayed\r\n\r\n--m--\r\n"
    ).encode()


# --- every Message-ID a notice carried -------------------------------------------------------


def test_a_notice_carried_over_from_an_earlier_tool_threads_on_its_own_message_id(
    sent: Notice,
) -> None:
    Notice.objects.filter(pk=sent.pk).update(message_id=LEGACY_ID)
    message = service.import_raw(mail("We have received your report.", in_reply_to=LEGACY_ID))
    assert (message.notice_id, message.match_method) == (sent.pk, MatchMethod.THREAD)
    assert message.kind == Kind.ACKNOWLEDGMENT and message.link_strength == LinkStrength.STRONG
    sent.refresh_from_db()
    assert sent.acknowledged_at is not None


def test_answers_dsns_and_mdns_thread_on_a_notices_other_message_ids(sent: Notice) -> None:
    assert notices.record_message_ids(sent, [OLD_DOMAIN_ID], source="import") == [OLD_DOMAIN_ID]
    assert notices.message_ids_of(sent) == {sent.message_id, OLD_DOMAIN_ID}
    receipt = service.import_raw(mdn(OLD_DOMAIN_ID))
    assert (receipt.notice_id, receipt.kind, receipt.match_method) == (
        sent.pk,
        Kind.READ_RECEIPT,
        MatchMethod.REPORT,
    )
    delayed = service.import_raw(dsn(OLD_DOMAIN_ID, "delayed", "4.4.1"))
    assert (delayed.notice_id, delayed.kind) == (sent.pk, Kind.DELIVERY_REPORT)
    assert "dsn_delayed" in delayed.kind_reasons
    assert delayed.link_strength == LinkStrength.STRONG
    assert Delivery.objects.get(notice=sent).state == DeliveryState.ACCEPTED  # no bounce
    assert AuditEvent.objects.filter(action="notice_delayed").count() == 1
    bounce = service.import_raw(dsn(OLD_DOMAIN_ID, "failed", "5.1.1", part="message/rfc822"))
    assert (bounce.notice_id, bounce.kind) == (sent.pk, Kind.BOUNCE)
    assert Delivery.objects.get(notice=sent).state == DeliveryState.BOUNCED


def test_a_delayed_dsn_is_no_proof_of_delivery(sent: Notice) -> None:
    Delivery.objects.filter(notice=sent).update(state=DeliveryState.UNKNOWN)
    service.import_raw(dsn(sent.message_id, "delayed", "4.4.1"))
    assert Delivery.objects.get(notice=sent).state == DeliveryState.UNKNOWN
    assert not service.proves_delivery(sent)


def test_recording_message_ids_is_audited_idempotent_and_never_shared(
    sent: Notice, other: Notice
) -> None:
    notices.record_message_ids(sent, [OLD_DOMAIN_ID, LEGACY_ID], source="import-mail")
    assert notices.record_message_ids(sent, [LEGACY_ID], source="import-mail") == []
    event = AuditEvent.objects.get(action="notice_message_ids_recorded")
    assert event.after["message_ids"] == [OLD_DOMAIN_ID, LEGACY_ID]
    with pytest.raises(notices.NoticeError):
        notices.record_message_ids(other, [LEGACY_ID], source="import-mail")
    with pytest.raises(notices.NoticeError):
        notices.record_message_ids(other, [sent.message_id], source="import-mail")
    with pytest.raises(notices.NoticeError):
        notices.record_message_ids(other, ["no-brackets@x"], source="import-mail")
    assert notices.by_message_ids([LEGACY_ID, other.message_id]) == {
        LEGACY_ID: sent,
        other.message_id: other,
    }


# --- weak evidence in the text ------------------------------------------------------------------


def test_a_quoted_reply_without_thread_headers_links_weakly_by_the_case_reference(
    sent: Notice,
) -> None:
    text = (
        "Could you send the other URLs?\n\nOn Tue, 2 Mar 2027, Trusted Flagger wrote:\n"
        f"> Please acknowledge receipt, quoting our reference {sent.case.reference}."
    )
    message = service.import_raw(mail(text, results=PASS.format(domain="x.com")))
    assert (message.notice_id, message.match_method) == (sent.pk, MatchMethod.CASE_REFERENCE)
    assert message.confirmation == Confirmation.PENDING
    sent.refresh_from_db()
    assert sent.acknowledged_at is None  # weak evidence changes nothing by itself


def test_our_message_id_quoted_in_a_forwarded_original_links_weakly(sent: Notice) -> None:
    text = (
        "We received this via our partner desk.\n\nBegin forwarded message:\n\n"
        f"From: Trusted Flagger <trustedflagger@minbzk.example>\nMessage-Id: {sent.message_id}\n"
    )
    message = service.import_raw(mail(text, results=PASS.format(domain="x.com")))
    assert (message.notice_id, message.match_method) == (sent.pk, MatchMethod.QUOTED_ORIGINAL)
    assert message.link_strength == LinkStrength.WEAK
    assert "our_message_id_in_text" in message.trust_reasons
    sent.refresh_from_db()
    assert sent.acknowledged_at is None


def test_our_message_id_in_a_strangers_text_never_links_strongly(sent: Notice) -> None:
    text = f"Your notice Message-ID: {sent.message_id} was flagged. Confirm your password."
    forged = service.import_raw(mail(text, sender="Meta <help@faceb00k-support.example>"))
    assert forged.link_strength == LinkStrength.WEAK and forged.confirmation == "pending"
    sent.refresh_from_db()
    assert sent.acknowledged_at is None


def test_evidence_for_two_cases_links_none(sent: Notice, other: Notice) -> None:
    text = f"Regarding {sent.case.reference} and {other.case.reference}: both removed."
    message = service.import_raw(mail(text, results=PASS.format(domain="x.com")))
    assert (message.case_id, message.notice_id) == (None, None)
    assert message.match_method == MatchMethod.UNMATCHED
    assert message.trust_reasons[0] == "evidence_for_several_cases"
    event = AuditEvent.objects.filter(action="mail_archived").latest("pk")
    assert event.after["candidates"] == sorted([sent.case.reference, other.case.reference])
    assert message.link_candidates == event.after["candidates"]
    quoted = f"Answer.\n\n> Message-ID: {other.message_id}\n> about {sent.case.reference}"
    assert service.import_raw(mail(quoted)).case_id is None


# --- ticket numbers ---------------------------------------------------------------------------


@pytest.fixture
def learned(sent: Notice) -> Notice:
    ack = mail(
        "We've received your report: Case #ABC-12345.",
        in_reply_to=sent.message_id,
        results=PASS.format(domain="x.com"),
    )
    assert service.import_raw(ack).link_strength == LinkStrength.STRONG
    return sent


def test_a_learned_ticket_links_the_platforms_later_mail(learned: Notice) -> None:
    later = mail(
        "We took action.", sender="s@twitter.com", subject="Update on Case #ABC-12345",
        results=PASS.format(domain="twitter.com"),
    )  # fmt: skip
    message = service.import_raw(later)
    assert (message.notice_id, message.link_strength) == (learned.pk, LinkStrength.STRONG)
    assert message.kind == Kind.REPLY


def test_a_learned_ticket_links_only_mail_from_that_platforms_domains(learned: Notice) -> None:
    elsewhere = mail("Update on Case #ABC-12345", sender="support@tiktok.com")
    assert service.import_raw(elsewhere).notice_id is None
    lookalike = mail("Case #ABC-12345: verify", sender="support@x-safety-desk.example")
    assert service.import_raw(lookalike).notice_id is None
    internal = mail("Fwd: Case #ABC-12345", sender="collega@minbzk.example")
    forwarded = service.import_raw(internal)
    assert (forwarded.notice_id, forwarded.kind) == (None, Kind.INTERNAL)


# --- internal and unrelated -------------------------------------------------------------------


def test_a_colleagues_forward_of_the_platforms_answer_is_internal_and_linked_weakly(
    sent: Notice,
) -> None:
    text = (
        "Zie hieronder.\n\nVan: X <noreply@x.com>\nVerzonden: dinsdag 2 maart 2027\n"
        f"Aan: mij\nOnderwerp: RE: [{sent.case.reference}] notice\n\nWe've received your report."
    )
    message = service.import_raw(mail(text, sender="Collega <m.bakker@minbzk.example>"))
    assert (message.kind, message.notice_id) == (Kind.INTERNAL, sent.pk)
    assert message.confirmation == Confirmation.PENDING
    sent.refresh_from_db()
    assert sent.acknowledged_at is None


def test_a_newsletter_is_unrelated_and_unmatched(sent: Notice) -> None:
    raw = mail(
        "Our newsletter.", sender="news@ngo.example", List_Unsubscribe="<mailto:u@ngo.example>"
    )
    message = service.import_raw(raw)
    assert (message.kind, message.match_method) == (Kind.UNRELATED, MatchMethod.UNMATCHED)


def test_platform_mail_domains_come_from_the_platform(x_platform: Platform) -> None:
    assert "x.com" in x_platform.mail_domain_list()


def test_an_answer_to_the_platforms_own_earlier_answer_links_weakly(sent: Notice) -> None:
    first = service.import_raw(
        mail("We have received your report.", in_reply_to=sent.message_id, References="")
    )
    assert first.link_strength == LinkStrength.STRONG
    later = service.import_raw(
        mail("We removed the post.", in_reply_to=first.message_id, References=first.message_id)
    )
    assert (later.notice_id, later.match_method) == (sent.pk, MatchMethod.EARLIER_MAIL)
    assert later.confirmation == Confirmation.PENDING
    stranger = service.import_raw(mail("Hello", in_reply_to=later.message_id))
    assert stranger.notice_id is None  # only trusted earlier mail counts: no chains of guesses


def test_a_bounce_returning_our_notice_as_text_bounces_it(sent: Notice) -> None:
    raw = (Path(__file__).parent / "samples" / "qmail_failure_notice.eml").read_bytes()
    returned = "<170066063000.1.2.flagdesk@flagdesk.example>"
    Notice.objects.filter(pk=sent.pk).update(message_id=returned)
    bounce = service.import_raw(raw)
    assert (bounce.notice_id, bounce.match_method, bounce.kind) == (
        sent.pk,
        MatchMethod.REPORT,
        Kind.BOUNCE,
    )
    assert bounce.link_strength == LinkStrength.STRONG
    assert Delivery.objects.get(notice=sent).state == DeliveryState.BOUNCED
    # The same text from anyone but a mail system is only a quoted original: weak.
    forged = raw.replace(b"MAILER-DAEMON@", b"support@").replace(b"Return-Path: <>\n", b"")
    assert service.import_raw(forged).link_strength == LinkStrength.WEAK
