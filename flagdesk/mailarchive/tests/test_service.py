# SPDX-License-Identifier: EUPL-1.2
"""Archiving mail and what it does to notices: acknowledgment, bounce, evidence, unmatched."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.audit import service as audit
from flagdesk.mailarchive import selectors, service
from flagdesk.mailarchive.models import Kind, MailMessage, MatchMethod
from flagdesk.notices import service as notices
from flagdesk.notices.models import Delivery, DeliveryState, Notice

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(autouse=True)
def _archive_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def reply(
    notice: Notice | None,
    text: str = "Thanks a lot, our Trust & Safety teams will look into it.",
    *,
    subject: str | None = None,
    date: dt.datetime | None = None,
    thread: bool = True,
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = "Trust and Safety <escalations@x.example>"
    message["To"] = "trustedflagger@minbzk.example"
    message["Subject"] = (
        subject if subject is not None else f"Re: {notice.subject if notice else 'hello'}"
    )
    message["Date"] = format_datetime(date or timezone.now())
    message["Message-ID"] = make_msgid(domain="x.example")
    if notice is not None and thread:
        message["In-Reply-To"] = notice.message_id
        message["References"] = notice.message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


@pytest.fixture
def sent(draft: Notice, alice: User) -> Notice:
    delivery = notices.send(draft, alice)
    accepted_at = (timezone.now() - dt.timedelta(minutes=5)).replace(microsecond=0)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.ACCEPTED, accepted_at=accepted_at
    )
    Notice.objects.filter(pk=draft.pk).update(frozen_at=accepted_at)
    return Notice.objects.get(pk=draft.pk)


def test_the_platforms_answer_is_archived_raw_and_acknowledges(sent: Notice) -> None:
    when = sent.delivery.accepted_at + dt.timedelta(minutes=2, seconds=59)
    raw = reply(sent, date=when)
    message = service.import_raw(raw, mailbox="team@imap", uid=7)
    assert service.read_raw(message) == raw  # stored byte for byte
    assert message.kind == Kind.ACKNOWLEDGMENT
    assert (message.notice, message.case, message.match_method) == (
        sent,
        sent.case,
        MatchMethod.THREAD,
    )
    sent.refresh_from_db()
    assert sent.acknowledged_at == when.replace(microsecond=0)
    assert notices.time_to_acknowledgment(sent) == dt.timedelta(minutes=2, seconds=59)
    assert audit.verify() == []
    # Importing the same bytes again changes nothing.
    assert service.import_raw(raw) == message
    assert MailMessage.objects.count() == 1


def test_raw_files_are_content_addressed_and_read_only(sent: Notice, settings: Any) -> None:
    raw = reply(sent)
    message = service.import_raw(raw)
    path = Path(settings.DATA_DIR) / "mail" / message.raw_path
    assert path.name == f"{message.sha256}.eml"
    assert path.stat().st_mode & 0o222 == 0


def test_a_later_answer_is_a_reply_not_a_second_acknowledgment(sent: Notice) -> None:
    first = service.import_raw(reply(sent))
    second = service.import_raw(reply(sent, "We removed nothing yet; do you have more examples?"))
    assert (first.kind, second.kind) == (Kind.ACKNOWLEDGMENT, Kind.REPLY)


def test_an_implausible_date_falls_back_to_arrival(sent: Notice) -> None:
    message = service.import_raw(reply(sent, date=dt.datetime(2001, 1, 1, tzinfo=dt.UTC)))
    sent.refresh_from_db()
    assert sent.acknowledged_at == message.archived_at


def test_an_out_of_office_is_not_an_acknowledgment(sent: Notice) -> None:
    message = service.import_raw(
        reply(
            sent,
            "I am out of the office until Monday.",
            subject="Automatic reply: out of office",
            Auto_Submitted="auto-replied",
        )
    )
    assert message.kind == Kind.AUTO_REPLY
    sent.refresh_from_db()
    assert sent.acknowledged_at is None


def test_a_bounce_marks_the_delivery_bounced(sent: Notice) -> None:
    raw = (SAMPLES / "postfix_dsn_failed.eml").read_bytes()
    # Point the sample's returned message at our notice.
    raw = raw.replace(b"Message-ID: <", f"Message-ID: {sent.message_id}\nX-Old: <".encode(), 1)
    message = service.import_raw(raw)
    if message.notice is None:  # the sample's original headers carry another id
        pytest.fail(f"bounce not matched: {message.match_method} {message.kind_reasons}")
    assert message.kind == Kind.BOUNCE and message.match_method == MatchMethod.REPORT
    assert Delivery.objects.get(notice=sent).state == DeliveryState.BOUNCED


def test_our_own_archive_copy_settles_an_unknown_outcome(sent: Notice) -> None:
    Delivery.objects.filter(notice=sent).update(state=DeliveryState.UNKNOWN)
    message = service.import_raw(bytes(sent.raw))
    assert (message.kind, message.match_method) == (Kind.OWN_COPY, MatchMethod.OWN_MESSAGE_ID)
    assert Delivery.objects.get(notice=sent).state == DeliveryState.ACCEPTED
    assert service.proves_delivery(sent)
    assert selectors.messages_for_case(sent.case) == []  # our copy is no correspondence


def test_the_case_reference_in_the_subject_matches(sent: Notice) -> None:
    raw = reply(sent, thread=False, subject=f"Your report [{sent.case.reference}] was received")
    message = service.import_raw(raw)
    assert message.match_method == MatchMethod.CASE_REFERENCE
    assert message.notice == sent
    # A case reference is no secret: the mail waits for an assessor's confirmation.
    assert (message.link_strength, message.confirmation) == ("weak", "pending")
    assert "case_reference_in_subject" in message.trust_reasons
    sent.refresh_from_db()
    assert sent.acknowledged_at is None


def test_unmatched_mail_waits_until_someone_attaches_it(
    sent: Notice, alice: User, bob: User
) -> None:
    message = service.import_raw(reply(None, "About that post you sent", subject="Hello"))
    assert message.match_method == MatchMethod.UNMATCHED
    assert message.kind == Kind.REPLY  # nothing to acknowledge until it is linked
    assert list(service.unmatched()) == [message]
    with pytest.raises(PermissionDenied):
        service.attach_to_case(message, sent.case, bob)
    service.attach_to_case(message, sent.case, alice)
    message.refresh_from_db()
    assert (message.case, message.notice, message.match_method) == (
        sent.case,
        sent,
        MatchMethod.MANUAL,
    )
    assert message.kind == Kind.ACKNOWLEDGMENT  # the first answer to the notice
    # Linked by hand is a weak link: it waits for an assessor to say what it is.
    assert (message.link_strength, message.confirmation) == ("weak", "pending")
    sent.refresh_from_db()
    assert sent.acknowledged_at is None
    assert list(service.unmatched()) == []
    with pytest.raises(service.ArchiveError):
        service.attach_to_case(message, sent.case, alice)
    service.confirm_message(message, alice, kind=Kind.ACKNOWLEDGMENT, notice=sent)
    sent.refresh_from_db()
    assert sent.acknowledged_at is not None


def test_hostile_html_is_stored_sanitised(sent: Notice) -> None:
    message = service.import_raw((SAMPLES / "hostile_html.eml").read_bytes())
    assert "<script" not in message.html.lower()
    assert "onerror" not in message.html.lower()
    assert "http://" not in message.html or "img" not in message.html.lower()


def test_attachments_are_kept_with_their_hash(sent: Notice) -> None:
    message = EmailMessage()
    message["From"] = "escalations@x.example"
    message["Subject"] = f"Re: [{sent.case.reference}]"
    message["Message-ID"] = make_msgid()
    message.set_content("See the attached confirmation.")
    message.add_attachment(
        b"%PDF-1.7 confirmation",
        maintype="application",
        subtype="pdf",
        filename="../../etc/passwd.pdf",
    )
    archived = service.import_raw(message.as_bytes())
    [attachment] = archived.attachments.all()
    assert "/" not in attachment.filename
    assert service.read_attachment(attachment) == b"%PDF-1.7 confirmation"


def test_a_batch_commits_with_its_cursor_or_not_at_all(dovecot: Any, db: Any) -> None:
    from flagdesk.mailarchive.imap import MailboxWatcher, parse_imap_url
    from tests_support.dovecot import DEFAULT_USER

    for n in range(5):
        dovecot.append(DEFAULT_USER, reply(None, f"message {n}", subject=f"Hello {n}"))
    config = parse_imap_url(dovecot.url())
    cursor = service.DatabaseCursor("team")
    seen: list[int] = []

    def failing_on_the_third(raw: bytes, uidvalidity: int, uid: int) -> None:
        seen.append(uid)
        if len(seen) == 3:
            raise RuntimeError("disk full")
        service.import_raw(raw, mailbox="team", uid=uid)

    watcher = MailboxWatcher(config, cursor, failing_on_the_third, **service.WATCHER_OPTIONS)
    with pytest.raises(RuntimeError):
        watcher.run_once()
    # Nothing of the batch stayed: no half-archived batch with a cursor that skips messages.
    assert MailMessage.objects.count() == 0
    assert cursor.load()[1] == 0
    watcher.deliver = lambda raw, uidvalidity, uid: service.import_raw(raw, mailbox="team", uid=uid)
    assert watcher.run_once() == 5
    assert MailMessage.objects.count() == 5
    assert cursor.load()[1] == max(MailMessage.objects.values_list("uid", flat=True))
    watcher.close()


def authenticated(raw: bytes, result: str = "pass", domain: str = "x.example") -> bytes:
    """As our receiving server delivers it: its Authentication-Results on top."""
    header = (
        f"Authentication-Results: {AUTHSERV_ID}; dkim={result} header.d={domain};"
        f" dmarc={result} header.from={domain}\n"
    )
    return header.encode() + raw


AUTHSERV_ID = "mx.minbzk.example"


@pytest.fixture
def authserv(settings: Any) -> str:
    settings.MAIL_AUTHSERV_IDS = [AUTHSERV_ID]
    return AUTHSERV_ID


def test_the_platforms_own_ticket_number_links_later_mail(sent: Notice, authserv: str) -> None:
    first = service.import_raw(
        authenticated(reply(sent, "Thanks, we opened Case #0123456789 and will look into it."))
    )
    assert first.match_method == MatchMethod.THREAD
    assert (first.auth_result, first.link_strength) == ("pass", "strong")
    later = service.import_raw(
        authenticated(
            reply(
                None,
                "An update on your report: Case #0123456789 is being reviewed.",
                subject="Update on Case #0123456789",
            )
        )
    )
    assert (later.match_method, later.notice) == (MatchMethod.PLATFORM_REFERENCE, sent)
    assert (later.link_strength, later.confirmation) == ("strong", "not_needed")
    assert later.kind == Kind.REPLY  # the first answer was the acknowledgment


def test_a_ticket_number_in_unauthenticated_mail_is_a_weak_link(
    sent: Notice, authserv: str
) -> None:
    service.import_raw(authenticated(reply(sent, "Thanks, we opened Case #0123456789.")))
    later = service.import_raw(
        reply(None, "Case #0123456789: please confirm.", subject="Update on Case #0123456789")
    )
    assert (later.match_method, later.notice) == (MatchMethod.PLATFORM_REFERENCE, sent)
    assert (later.link_strength, later.confirmation) == ("weak", "pending")
    assert "platform_ticket_number_unauthenticated" in later.trust_reasons


def test_a_portal_reference_links_the_platforms_mail(
    draft: Notice, alice: User, x_channel: Any
) -> None:
    x_channel.channel_kind = "portal"
    x_channel.channel_address = "https://help.x.example/forms"
    x_channel.mail_domains = "x.example"  # the reply's sender: a reference links only X's mail
    x_channel.save()
    Notice.objects.filter(pk=draft.pk).update(channel_kind="portal")
    draft.refresh_from_db()
    notices.send(draft, alice)
    notices.record_portal_submission(
        draft, alice, submitted_at=timezone.now(), reference="0987654321"
    )
    message = service.import_raw(
        reply(None, "About Case #0987654321: we need more information.", subject="Your report")
    )
    assert (message.match_method, message.notice) == (MatchMethod.PLATFORM_REFERENCE, draft)
    # Unauthenticated: the portal's reference is no secret, so an assessor confirms it.
    assert message.confirmation == "pending"


def test_a_message_is_confirmed_only_for_a_sent_notice_of_its_own_case(
    sent: Notice, alice: User, bob: User, tk2023: Any
) -> None:
    from flagdesk.notices.tests.conftest import approved_case

    other = Notice.objects.get(
        case=approved_case(tk2023, alice, bob, url="https://x.com/a/status/9")
    )
    notices.send(other, alice)
    message = service.import_raw(reply(sent, thread=False, subject=f"Re: {sent.case.reference}"))
    assert message.confirmation == "pending"
    with pytest.raises(service.ArchiveError):
        service.confirm_message(message, alice, kind=Kind.ACKNOWLEDGMENT, notice=other)
    with pytest.raises(service.ArchiveError):
        service.confirm_message(message, alice, kind=Kind.OWN_COPY, notice=sent)
    other.refresh_from_db()
    assert other.acknowledged_at is None
    service.confirm_message(message, alice, kind=Kind.BOUNCE, notice=sent)
    assert Delivery.objects.get(notice=sent).state == DeliveryState.BOUNCED


# issue 15 review: what mail changes on a notice is audited with the mail as its actor


def _event(action: str, notice: Notice) -> Any:
    from flagdesk.audit.models import AuditEvent

    return AuditEvent.objects.get(action=action, object_id=str(notice.pk))


def test_an_acknowledgment_by_mail_is_audited_as_done_by_that_mail(
    sent: Notice, alice: User
) -> None:
    from flagdesk.conftest import verified_client

    service.import_raw(reply(sent))
    event = _event("notice_acknowledged", sent)
    assert (event.actor, event.actor_label) == (None, "mail: escalations@x.example")
    assert audit.verify() == []
    # The case's timeline says who (what) did it.
    page = verified_client(alice).get(f"/cases/{sent.case.reference}").content.decode()
    assert "mail: escalations@x.example" in page


def test_a_bounce_by_mail_is_audited_as_done_by_that_mail(sent: Notice) -> None:
    raw = (SAMPLES / "postfix_dsn_failed.eml").read_bytes()
    raw = raw.replace(b"Message-ID: <", f"Message-ID: {sent.message_id}\nX-Old: <".encode(), 1)
    message = service.import_raw(raw)
    assert message.kind == Kind.BOUNCE and message.from_address
    event = _event("notice_bounced", sent)
    assert event.actor is None and event.actor_label == f"mail: {message.from_address}"


def test_our_own_copy_settling_a_delivery_names_the_mail_too(sent: Notice) -> None:
    Delivery.objects.filter(notice=sent).update(state=DeliveryState.UNKNOWN)
    message = service.import_raw(bytes(sent.raw))
    event = _event("notice_accepted", sent)
    assert event.actor_label == f"mail: {message.from_address}" != "mail: "


def test_a_message_a_person_confirmed_is_audited_as_that_persons_act(
    sent: Notice, alice: User
) -> None:
    message = service.import_raw(reply(sent, thread=False, subject=f"Re: {sent.case.reference}"))
    assert message.confirmation == "pending"
    service.confirm_message(message, alice, kind=Kind.ACKNOWLEDGMENT, notice=sent)
    event = _event("notice_acknowledged", sent)
    assert (event.actor, event.actor_label) == (alice, "alice")


def test_the_mail_actor_keeps_no_control_characters_and_names_a_missing_sender() -> None:
    assert service.mail_actor(MailMessage(from_address="a\r\nb@x.example")) == "mail: ab@x.example"
    assert service.mail_actor(MailMessage(from_address="")) == "mail: unknown sender"
    assert len(service.mail_actor(MailMessage(from_address="x" * 400))) == 200
