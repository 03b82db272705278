# SPDX-License-Identifier: EUPL-1.2
"""A portal's confirmation is checked like a signal's attachments: by its bytes and size."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.core import integrity
from flagdesk.elections.models import Election
from flagdesk.notices import service
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from flagdesk.notices.tests.conftest import approved_case
from flagdesk.platforms.models import Platform

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"


@pytest.fixture
def portal_notice(tk2023: Election, alice: User, bob: User, x_channel: Platform) -> Notice:
    x_channel.channel_kind = "portal"
    x_channel.channel_address = "https://help.x.example/forms/escalation"
    x_channel.save()
    notice = Notice.objects.get(case=approved_case(tk2023, alice, bob))
    service.send(notice, alice)
    return notice


def submit(alice: User, notice: Notice, upload: SimpleUploadedFile) -> list[str]:
    client = in_english(verified_client(alice))
    submitted = timezone.localtime() - dt.timedelta(minutes=3)
    response = client.post(
        reverse("fd-notice-portal-submission", kwargs={"pk": notice.pk}),
        {"submitted_at": submitted.strftime("%Y-%m-%dT%H:%M"), "confirmation": upload},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    return [str(m) for m in page.context["messages"]]


def assert_nothing_recorded(notice: Notice) -> None:
    notice.refresh_from_db()
    assert not notice.portal_confirmation
    assert Delivery.objects.get(notice=notice).state == DeliveryState.QUEUED


def test_an_executable_named_like_a_screenshot_is_refused(
    portal_notice: Notice, alice: User
) -> None:
    upload = SimpleUploadedFile("confirmation.png", EXECUTABLE, "image/png")
    shown = submit(alice, portal_notice, upload)
    assert any("is not a PNG, JPEG, GIF, WebP, PDF or text file" in m for m in shown)
    assert_nothing_recorded(portal_notice)


def test_a_confirmation_over_the_upload_limit_is_refused(
    portal_notice: Notice, alice: User, settings: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("page.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024), "application/pdf")
    shown = submit(alice, portal_notice, upload)
    assert any("is larger than 1 MB" in m for m in shown)
    assert_nothing_recorded(portal_notice)


def test_a_saved_confirmation_page_is_kept(portal_notice: Notice, alice: User) -> None:
    page = b"<html><body>Thank you. Your report X-123 was received.</body></html>"
    shown = submit(alice, portal_notice, SimpleUploadedFile("confirmation.html", page))
    assert "Portal submission recorded." in shown
    portal_notice.refresh_from_db()
    with portal_notice.portal_confirmation.open("rb") as handle:
        assert handle.read() == page
    # Its hash is kept with the notice and in the audit chain, for `flagdesk audit verify`.
    digest = hashlib.sha256(page).hexdigest()
    assert portal_notice.portal_confirmation_sha256 == digest
    event = AuditEvent.objects.filter(action="notice_submitted").get()
    assert event.after["confirmation_sha256"] == digest


def test_a_confirmation_changed_on_disk_is_named_by_audit_verify(
    portal_notice: Notice, alice: User
) -> None:
    page = b"<html><body>Received: X-123.</body></html>"
    submit(alice, portal_notice, SimpleUploadedFile("confirmation.html", page))
    assert integrity.verify() == []
    portal_notice.refresh_from_db()
    Path(portal_notice.portal_confirmation.path).write_bytes(page.replace(b"123", b"999"))
    problems = [str(p) for p in integrity.verify()]
    assert problems == [f"portal confirmation: {portal_notice.portal_confirmation.path}: changed"]


def test_a_submission_without_a_confirmation_records_no_hash(
    portal_notice: Notice, alice: User
) -> None:
    service.record_portal_submission(portal_notice, alice, submitted_at=timezone.now())
    portal_notice.refresh_from_db()
    assert portal_notice.portal_confirmation_sha256 == ""
    event = AuditEvent.objects.filter(action="notice_submitted").get()
    assert event.after["confirmation_sha256"] is None


def test_the_service_refuses_it_too(portal_notice: Notice, alice: User) -> None:
    # Another caller than the form (a future API) gets the same check.
    upload = SimpleUploadedFile("confirmation.png", EXECUTABLE, "image/png")
    with translation.override("en"), pytest.raises(service.NoticeError, match="is not a PNG"):
        service.record_portal_submission(
            portal_notice, alice, submitted_at=timezone.now(), confirmation=upload
        )
    assert_nothing_recorded(portal_notice)
