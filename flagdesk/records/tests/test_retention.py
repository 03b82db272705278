# SPDX-License-Identifier: EUPL-1.2
"""Retention: each category removes exactly what is past its cutoff, audited by counts only."""

from __future__ import annotations

import datetime as dt
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from flagdesk.accounts.models import User
from flagdesk.audit import service as audit
from flagdesk.audit.models import AuditEvent
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Attachment, Case, RefusalCount, Signal
from flagdesk.mailarchive import service as mailarchive
from flagdesk.mailarchive.models import MailAttachment, MailMessage
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import approved_case
from flagdesk.platforms.models import Platform
from flagdesk.records import service
from flagdesk.records.models import RetentionLock, RetentionRun

# TK2023's attention window ends 2023-12-06, EP2024's on 2024-06-20. With 30 days and this
# "today" the cutoff is 2024-06-01: TK2023's data is past retention, EP2024's is not.
TODAY = dt.date(2024, 7, 1)
CUTOFF = dt.date(2024, 6, 1)
PERIODS = {"contacts": 30, "refusal_counts": 30, "raw_mail": 30, "attachments": 30, "audit": 0}
CATEGORIES = ["contacts", "refusal_counts", "raw_mail", "attachments"]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4 the platform's confirmation"
OLD_CONTACT = ("Jantje Retentie", "jantje.retentie@nos.example", "+31 6 1111 2222")
NEW_CONTACT = ("Pietje Bewaard", "pietje.bewaard@nos.example", "+31 6 3333 4444")


@pytest.fixture(autouse=True)
def _policy(settings: Any, tmp_path: Path) -> None:
    settings.RETENTION_DAYS = dict(PERIODS)  # uploads are in tmp_path (the shared conftest)


def signal_input(election: Election, url: str, contact: tuple[str, str, str]) -> Any:
    name, email, phone = contact
    return intake.SignalInput(
        election=election,
        source_type="media",
        category="misinformation",
        platform_name="x",
        content_urls=[url],
        explanation="Oproep om twee vakjes rood te maken.",
        received_via="phone",
        source_organisation_name="NOS",
        contact_name=name,
        contact_email=email,
        contact_phone=phone,
        attachments=[SimpleUploadedFile("shot.png", PNG + url.encode(), "image/png")],
    )


def mail(subject: str, attachment: bytes, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Trust & Safety <support@x.example>"
    message["To"] = "flagdesk@localhost"
    message["Subject"] = subject
    message["Date"] = "Wed, 22 Nov 2023 10:15:00 +0100"
    message["Message-ID"] = message_id
    message.set_content("We received your notice.\n")
    message.add_attachment(attachment, maintype="application", subtype="pdf", filename="a.pdf")
    return bytes(message)


class World:
    """Data on both sides of the cutoff, in every category."""

    def __init__(self, old_election: Election, new_election: Election, carol: User) -> None:
        self.old = intake.record_signal(
            signal_input(old_election, "https://x.com/a/status/1", OLD_CONTACT), actor=carol
        ).signal
        self.new = intake.record_signal(
            signal_input(new_election, "https://x.com/b/status/2", NEW_CONTACT), actor=carol
        ).signal
        assert self.old is not None and self.new is not None
        assert self.old.case is not None and self.new.case is not None
        RefusalCount.objects.create(
            day=CUTOFF - dt.timedelta(days=1),
            election=old_election,
            platform_key="x",
            source_type="citizen",
            count=4,
        )
        RefusalCount.objects.create(
            day=CUTOFF, election=new_election, platform_key="x", source_type="citizen", count=2
        )
        shared = b"%PDF-1.4 the same logo in both"
        self.old_mail = mailarchive.import_raw(
            mail(f"Re: {self.old.case.reference}", shared, "<old@x.example>")
        )
        self.new_mail = mailarchive.import_raw(
            mail(f"Re: {self.new.case.reference}", shared, "<new@x.example>")
        )
        self.stray = mailarchive.import_raw(mail("Question", b"%PDF-1.4 stray", "<s@x.example>"))
        assert self.old_mail.case_id == self.old.case.pk
        assert self.new_mail.case_id == self.new.case.pk


def mark_exported(election: Election) -> None:
    """What ``flagdesk archive export`` leaves behind: the event retention waits for."""
    audit.log("archive_exported", election, after={"manifest_sha256": "0" * 64})


@pytest.fixture
def world(tk2023: Election, carol: User) -> World:
    # Every election's archival package exists, so the periods alone decide; the tests at the
    # end of this module cover an election that still waits for its export.
    for election in Election.objects.all():
        mark_exported(election)
    return World(tk2023, Election.objects.get(code="EP2024"), carol)


def confirmations(
    tk2023: Election, alice: User, bob: User, x_platform: Platform
) -> tuple[Notice, Notice]:
    x_platform.channel_kind, x_platform.channel_address = "portal", "https://x.example/report"
    x_platform.channel_active = True
    x_platform.save()
    ep2024 = Election.objects.get(code="EP2024")
    notices = []
    for election, url in (
        (tk2023, "https://x.com/c/status/3"),
        (ep2024, "https://x.com/d/status/4"),
    ):
        notice = Notice.objects.get(case=approved_case(election, alice, bob, url))
        notice.portal_confirmation.save(f"{election.code}.pdf", ContentFile(PDF))
        notices.append(notice)
    return notices[0], notices[1]


def run(**options: Any) -> service.Report:
    return service.run_retention(today=TODAY, **options)


def audit_text() -> str:
    rows = AuditEvent.objects.values_list(
        "actor_label", "action", "object_type", "object_id", "before", "after"
    )
    return str(list(rows)).lower()


def test_contacts_of_past_elections_are_blanked_and_the_signal_stays(world: World) -> None:
    assert world.old is not None and world.new is not None
    report = run(only="contacts")
    [outcome] = report.outcomes
    assert outcome.counts == {"signals": 1}
    assert outcome.cutoff == CUTOFF
    old = Signal.objects.get(pk=world.old.pk)
    assert (old.contact_name, old.contact_email, old.contact_phone) == ("", "", "")
    assert old.explanation == world.old.explanation
    assert old.case_id == world.old.case_id
    assert old.source_organisation_name == "NOS"
    new = Signal.objects.get(pk=world.new.pk)
    assert (new.contact_name, new.contact_email, new.contact_phone) == NEW_CONTACT
    [event] = AuditEvent.objects.filter(action=service.APPLIED)
    assert (event.object_type, event.object_id) == ("records.retentionrun", str(report.run.pk))  # type: ignore[union-attr]
    assert event.after == {
        "run": report.run.pk,  # type: ignore[union-attr]
        "category": "contacts",
        "action": "anonymise",
        "days": 30,
        "cutoff": "2024-06-01",
        "signals": 1,
    }
    for value in OLD_CONTACT:
        assert value.lower() not in audit_text()


def test_refusal_counts_before_the_cutoff_are_deleted(world: World) -> None:
    report = run(only="refusal_counts")
    assert report.outcomes[0].counts == {"counters": 1, "refusals": 4}
    assert list(RefusalCount.objects.values_list("day", flat=True)) == [CUTOFF]


def test_attachments_of_past_elections_are_deleted_with_their_files(
    world: World, tk2023: Election, alice: User, bob: User, x_platform: Platform
) -> None:
    assert world.old is not None and world.new is not None
    old_notice, new_notice = confirmations(tk2023, alice, bob, x_platform)
    old_file = Path(Attachment.objects.get(signal=world.old).file.path)
    new_file = Path(Attachment.objects.get(signal=world.new).file.path)
    old_confirmation = Path(old_notice.portal_confirmation.path)
    new_confirmation = Path(new_notice.portal_confirmation.path)
    assert old_file.exists() and old_confirmation.exists()
    size = old_file.stat().st_size + len(PDF)

    report = run(only="attachments")

    assert report.outcomes[0].counts == {
        "signal_attachments": 1,
        "portal_confirmations": 1,
        "bytes": size,
        "elections_awaiting_export": 0,
    }
    assert not old_file.exists()
    assert not old_confirmation.exists()
    assert not Attachment.objects.filter(signal=world.old).exists()
    assert new_file.read_bytes().startswith(PNG)
    assert new_confirmation.read_bytes() == PDF
    old_notice.refresh_from_db()
    new_notice.refresh_from_db()
    assert not old_notice.portal_confirmation
    assert new_notice.portal_confirmation
    assert old_notice.acknowledged_at == Notice.objects.get(pk=old_notice.pk).acknowledged_at


def test_raw_mail_of_past_cases_is_removed_and_the_row_stays(world: World) -> None:
    root = mailarchive.archive_root()
    old_raw = root / world.old_mail.raw_path
    [old_part] = MailAttachment.objects.filter(message=world.old_mail)
    [new_part] = MailAttachment.objects.filter(message=world.new_mail)
    assert old_part.path == new_part.path  # the same bytes: one content-addressed file
    assert old_raw.exists()

    report = run(only="raw_mail")

    assert report.outcomes[0].counts == {
        "messages": 1,
        "files": 1,  # the .eml; the shared attachment stays for the kept message
        "bytes": world.old_mail.size,
        "elections_awaiting_export": 0,
    }
    assert not old_raw.exists()
    old = MailMessage.objects.get(pk=world.old_mail.pk)
    assert mailarchive.raw_removed(old)
    assert (old.sha256, old.kind, old.case_id, old.date) == (
        world.old_mail.sha256,
        world.old_mail.kind,
        world.old_mail.case_id,
        world.old_mail.date,
    )
    assert "We received your notice." in old.text
    assert MailAttachment.objects.get(pk=old_part.pk).path == ""
    assert (root / new_part.path).exists()
    for kept in (world.new_mail, world.stray):  # the stray one was archived after the cutoff
        assert (root / MailMessage.objects.get(pk=kept.pk).raw_path).exists()
    with pytest.raises(mailarchive.ArchiveError):
        mailarchive.read_raw(old)


def test_a_shared_attachment_file_goes_with_the_last_message_holding_it(world: World) -> None:
    [new_part] = MailAttachment.objects.filter(message=world.new_mail)
    path = mailarchive.archive_root() / new_part.path
    run(only="raw_mail")
    assert path.exists()
    report = service.run_retention(today=dt.date(2025, 7, 1), only="raw_mail")
    assert report.outcomes[0].counts["messages"] == 1
    assert report.outcomes[0].counts["files"] == 2
    assert not path.exists()


def test_the_message_page_says_the_original_was_removed(world: World, carol: User) -> None:
    from flagdesk.conftest import in_english, verified_client

    run(only="raw_mail")
    client = in_english(verified_client(carol))
    page = client.get(reverse("fd-mail-detail", args=[world.old_mail.pk])).content.decode()
    assert "removed under the retention policy" in page
    assert reverse("fd-mail-raw", args=[world.old_mail.pk]) not in page
    assert world.old_mail.sha256 in page
    response = client.get(reverse("fd-mail-raw", args=[world.old_mail.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("fd-mail-detail", args=[world.old_mail.pk])
    assert "removed under the retention policy" in response.content.decode()
    kept = client.get(reverse("fd-mail-detail", args=[world.new_mail.pk])).content.decode()
    assert reverse("fd-mail-raw", args=[world.new_mail.pk]) in kept


def test_every_category_in_one_run_writes_one_event_each_and_no_personal_data(
    world: World,
) -> None:
    report = run()
    assert [o.category.value for o in report.outcomes] == CATEGORIES  # audit: kept forever
    events = list(AuditEvent.objects.filter(action=service.APPLIED).order_by("seq"))
    assert [e.after["category"] for e in events if e.after] == CATEGORIES
    text = audit_text()
    for value in (*OLD_CONTACT, *NEW_CONTACT):
        assert value.lower() not in text
    assert "re: fd-" not in text  # no mail subjects either
    stored = RetentionRun.objects.get()
    assert stored.finished_at is not None
    assert [r["counts"] for r in stored.results] == [o.counts for o in report.outcomes]


def test_a_dry_run_counts_the_same_and_changes_nothing(world: World, tmp_path: Path) -> None:
    def snapshot() -> Any:
        files = sorted(str(p) for p in tmp_path.rglob("*") if p.is_file())
        return (
            files,
            list(Signal.objects.values_list("contact_name", "contact_email", "contact_phone")),
            list(RefusalCount.objects.values_list("pk", flat=True)),
            list(MailMessage.objects.values_list("raw_path", flat=True)),
            list(Attachment.objects.values_list("pk", flat=True)),
            AuditEvent.objects.count(),
            RetentionRun.objects.count(),
        )

    before = snapshot()
    dry = run(dry_run=True)
    assert snapshot() == before
    assert dry.run is None
    real = run()
    assert [o.counts for o in dry.outcomes] == [o.counts for o in real.outcomes]
    assert sum(sum(o.counts.values()) for o in real.outcomes) > 0


def test_a_second_run_removes_nothing_more(world: World) -> None:
    run()
    signals = list(Signal.objects.values_list("contact_name", flat=True).order_by("pk"))
    second = run()
    for outcome in second.outcomes:
        assert set(outcome.counts.values()) == {0}, outcome
    assert list(Signal.objects.values_list("contact_name", flat=True).order_by("pk")) == signals
    assert RetentionRun.objects.count() == 2


def test_zero_days_keeps_a_category_forever(world: World, settings: Any) -> None:
    settings.RETENTION_DAYS = {**PERIODS, "contacts": 0}
    report = run()
    assert "contacts" not in [o.category.value for o in report.outcomes]
    assert Signal.objects.filter(contact_name=OLD_CONTACT[0]).exists()


def test_an_unknown_category_is_refused(db: Any) -> None:
    with pytest.raises(ValueError, match="unknown retention category"):
        run(only="everything")


# ------------------------------------------------------------- one at a time


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_runs_do_not_both_apply(tk2023: Election, carol: User) -> None:
    World(tk2023, Election.objects.get(code="EP2024"), carol)
    paused, go = threading.Event(), threading.Event()
    reports: list[service.Report] = []
    errors: list[BaseException] = []

    def pause_after_first(outcome: service.Outcome) -> None:
        if not paused.is_set():
            paused.set()
            go.wait(timeout=60)

    def first() -> None:
        try:
            reports.append(run(progress=pause_after_first))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert paused.wait(timeout=60)
        second = run()  # while the first holds the lease, between two categories
        assert second.busy
        assert second.outcomes == [] and second.run is None
    finally:
        go.set()
        thread.join(timeout=60)
    assert not errors
    [done] = reports
    assert not done.busy
    events = AuditEvent.objects.filter(action=service.APPLIED)
    assert [e.after["category"] for e in events.order_by("seq") if e.after] == CATEGORIES
    assert {e.object_id for e in events} == {str(done.run.pk)}  # type: ignore[union-attr]
    assert RetentionRun.objects.count() == 1
    assert RetentionLock.objects.get().holder == ""  # released: the next run may start
    assert not run().busy


def test_a_lease_left_by_a_dead_run_expires(world: World) -> None:
    RetentionLock.objects.create(
        id=1, holder="command dead-worker", lease_until=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    assert not run().busy
    RetentionLock.objects.filter(id=1).update(
        holder="command live-worker", lease_until=dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
    )
    assert run().busy


def test_audit_events_of_a_run_hold_counts_only(world: World) -> None:
    run()
    for event in AuditEvent.objects.filter(action=service.APPLIED):
        assert event.after is not None
        assert set(event.after) <= {
            "run",
            "category",
            "action",
            "days",
            "cutoff",
            "signals",
            "counters",
            "refusals",
            "messages",
            "files",
            "bytes",
            "signal_attachments",
            "portal_confirmations",
            "elections_awaiting_export",
        }
    assert audit.verify() == []


def test_case_and_signal_rows_survive_every_category(world: World) -> None:
    cases = Case.objects.count()
    signals = Signal.objects.count()
    messages = MailMessage.objects.count()
    run()
    assert (Case.objects.count(), Signal.objects.count(), MailMessage.objects.count()) == (
        cases,
        signals,
        messages,
    )


def test_unmatched_mail_goes_by_its_archiving_date_and_can_still_be_linked(
    world: World, alice: User
) -> None:
    assert world.old is not None and world.old.case is not None
    later = dt.date.today() + dt.timedelta(days=31)  # the stray mail was archived today
    report = service.run_retention(today=later, only="raw_mail")
    assert report.outcomes[0].counts["messages"] == 3
    stray = MailMessage.objects.get(pk=world.stray.pk)
    assert mailarchive.raw_removed(stray)
    linked = mailarchive.attach_to_case(stray, world.old.case, alice)
    assert linked.case_id == world.old.case.pk
    assert linked.kind == world.stray.kind  # not read again: the original is gone


# -------------------------------------------------------------- archive first


@pytest.fixture
def unexported(
    tk2023: Election, carol: User, alice: User, bob: User, x_platform: Platform
) -> World:
    """The same data, but TK2023 (past its period) was never exported to the archive."""
    for election in Election.objects.exclude(pk=tk2023.pk):
        mark_exported(election)
    made = World(tk2023, Election.objects.get(code="EP2024"), carol)
    confirmations(tk2023, alice, bob, x_platform)
    return made


def test_files_of_an_election_not_yet_exported_stay(unexported: World, tk2023: Election) -> None:
    raw = mailarchive.archive_root() / unexported.old_mail.raw_path
    assert unexported.old is not None
    attachment = Path(Attachment.objects.get(signal=unexported.old).file.path)
    confirmation = Path(Notice.objects.get(case__election=tk2023).portal_confirmation.path)

    report = run()

    counts = {o.category.value: o.counts for o in report.outcomes}
    assert counts["raw_mail"]["messages"] == 0
    assert counts["raw_mail"]["elections_awaiting_export"] == 1
    assert counts["attachments"]["signal_attachments"] == 0
    assert counts["attachments"]["portal_confirmations"] == 0
    assert counts["attachments"]["elections_awaiting_export"] == 1
    assert raw.exists() and attachment.exists() and confirmation.exists()
    assert counts["contacts"] == {"signals": 1}  # the archive holds no contact details


def test_the_files_go_once_the_election_is_exported(unexported: World, tk2023: Election) -> None:
    raw = mailarchive.archive_root() / unexported.old_mail.raw_path
    run()
    assert raw.exists()
    mark_exported(tk2023)
    report = run()
    counts = {o.category.value: o.counts for o in report.outcomes}
    assert counts["raw_mail"]["messages"] == 1
    assert counts["attachments"]["signal_attachments"] == 1
    assert counts["attachments"]["portal_confirmations"] == 1
    assert not raw.exists()


def test_the_archive_guard_can_be_turned_off(unexported: World, settings: Any) -> None:
    settings.RETENTION_REQUIRE_ARCHIVE = False
    report = run(only="raw_mail")
    assert report.outcomes[0].counts["messages"] == 1
    assert report.outcomes[0].counts["elections_awaiting_export"] == 0
