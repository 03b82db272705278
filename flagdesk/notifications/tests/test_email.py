# SPDX-License-Identifier: EUPL-1.2
"""E-mail per notification: each person's own choice, off by default, sent by the worker in
their language; a failed staff e-mail breaks nothing."""

from __future__ import annotations

import datetime as dt
import email
from collections.abc import Iterator
from email import policy
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.notifications import mail, service, tasks
from flagdesk.notifications.models import Notification, NotificationSettings
from flagdesk.notifications.tests.conftest import open_case, propose
from tests_support.servers import free_port
from tests_support.smtp import SmtpServer

pytestmark = pytest.mark.django_db

SETTINGS = reverse("fd-notification-settings")


@pytest.fixture
def bob_by_mail(bob: User) -> User:
    bob.email = "bob@minbzk.example"
    bob.save()
    service.save_settings(bob, email=True, language="nl")
    return bob


def proposal_for(tk2023: Election, alice: User, capture: Any) -> Notification:
    with capture(execute=True) as callbacks:
        propose(open_case(tk2023), alice)
    assert callbacks, "nothing was queued after commit"
    return Notification.objects.get(recipient__username="bob")


def queued_ids() -> list[Any]:
    return [
        r.args_kwargs["args"]
        for r in DBTaskResult.objects.filter(task_path__endswith="email_notification")
    ]


def test_it_is_off_by_default(
    tk2023: Election, alice: User, bob: User, django_capture_on_commit_callbacks: Any
) -> None:
    bob.email = "bob@minbzk.example"
    bob.save()
    with django_capture_on_commit_callbacks(execute=True):
        propose(open_case(tk2023), alice)
    assert Notification.objects.get(recipient=bob).email_state == ""
    assert queued_ids() == []


def test_the_worker_sends_it_in_the_persons_language(
    tk2023: Election, alice: User, bob_by_mail: User, django_capture_on_commit_callbacks: Any
) -> None:
    notification = proposal_for(tk2023, alice, django_capture_on_commit_callbacks)
    assert notification.email_state == "queued"
    assert queued_ids() == [[notification.pk]]  # not sent in the request: a task waits
    assert mail.deliver(notification.pk) == "sent"
    [written] = list(mail.outbox_dir().glob("*.eml"))
    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"] == "bob@minbzk.example"
    assert message["Auto-Submitted"] == "auto-generated"
    reference = notification.case_reference
    assert message["Subject"] == f"FlagDesk: Besluit over zaak {reference} wacht op uw goedkeuring"
    assert f"/cases/{reference}" in message.get_content()
    notification.refresh_from_db()
    assert notification.email_state == "sent"
    assert AuditEvent.objects.filter(action="notification_emailed").count() == 1


def test_it_is_sent_once_even_if_the_task_runs_twice(
    tk2023: Election, alice: User, bob_by_mail: User, django_capture_on_commit_callbacks: Any
) -> None:
    notification = proposal_for(tk2023, alice, django_capture_on_commit_callbacks)
    assert mail.deliver(notification.pk) == "sent"
    assert mail.deliver(notification.pk) == "nothing to send"
    assert len(list(mail.outbox_dir().glob("*.eml"))) == 1


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        settings.SMTP_URL = server.url
        settings.FROM_EMAIL = "trustedflagger@minbzk.example"
        settings.SITE_URL = "https://flagdesk.example.nl/"
        yield server


def test_it_goes_out_through_the_mail_server_in_english_when_chosen(
    tk2023: Election,
    alice: User,
    bob_by_mail: User,
    smtp: SmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    service.save_settings(bob_by_mail, email=True, language="en")
    notification = proposal_for(tk2023, alice, django_capture_on_commit_callbacks)
    assert mail.deliver(notification.pk) == "sent"
    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ["bob@minbzk.example"]
    message = email.message_from_bytes(received.data, policy=policy.default)
    assert "awaits your approval" in message["Subject"]
    assert (
        f"https://flagdesk.example.nl/cases/{notification.case_reference}" in message.get_content()
    )


def run_queued_emails() -> list[str]:
    """What the worker's bulk loop does with each queued e-mail task, due or not (the test
    does not wait out the backoff): run it, mark it done. The run_after of each is returned
    by ``waits`` beforehand."""
    results = []
    for task in email_tasks(TaskResultStatus.READY).order_by("enqueued_at"):
        email_tasks().filter(pk=task.pk).update(status=TaskResultStatus.SUCCESSFUL)
        results.append(tasks.email_notification.call(*task.args_kwargs["args"]))
    return results


def email_tasks(status: str | None = None) -> Any:
    found = DBTaskResult.objects.filter(task_path__endswith="email_notification")
    return found.filter(status=status) if status else found


def waits() -> list[dt.timedelta]:
    """How long each queued e-mail task waits, from now, rounded to the minute."""
    now = timezone.now()
    return [
        dt.timedelta(minutes=round((task.run_after - now).total_seconds() / 60))
        for task in email_tasks(TaskResultStatus.READY)
        if task.run_after is not None
    ]


def test_a_mail_server_that_refuses_for_a_while_gets_it_on_a_later_attempt(
    tk2023: Election,
    alice: User,
    bob_by_mail: User,
    smtp: SmtpServer,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    smtp.behaviour.temporary_failures_left = 1  # DATA answered 451 once, then accepted
    notification = proposal_for(tk2023, alice, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        [first] = run_queued_emails()
    assert first.startswith("retrying: temporary") and "451" in first
    notification.refresh_from_db()
    assert (notification.email_state, notification.email_attempts) == ("retrying", 1)
    assert "451" in notification.email_error
    assert waits() == [dt.timedelta(minutes=5)]  # the next attempt waits out the backoff
    retrying = AuditEvent.objects.get(action="notification_email_retrying")
    assert retrying.after["attempt"] == 1 and "451" in retrying.after["problem"]
    assert "trying again" in caplog.text and smtp.messages == []

    with django_capture_on_commit_callbacks(execute=True):
        assert run_queued_emails() == ["sent"]
    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ["bob@minbzk.example"]
    notification.refresh_from_db()
    assert (notification.email_state, notification.email_attempts) == ("sent", 2)
    assert notification.email_error == ""
    assert AuditEvent.objects.get(action="notification_emailed").after["attempts"] == 2
    assert email_tasks(TaskResultStatus.READY).count() == 0  # nothing more queued


def test_a_mail_server_that_is_down_is_tried_three_times_then_given_up(
    tk2023: Election,
    alice: User,
    bob_by_mail: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.SMTP_URL = f"smtp://127.0.0.1:{free_port()}"  # nobody listens
    notification = proposal_for(tk2023, alice, django_capture_on_commit_callbacks)
    outcomes, delays = [], []
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            outcomes += run_queued_emails()
        delays += waits()
    assert [o.split(":")[0] for o in outcomes] == ["retrying", "retrying", "failed"]
    assert delays == [dt.timedelta(minutes=5), dt.timedelta(minutes=10)]  # ~15 min in all
    notification.refresh_from_db()
    assert (notification.email_state, notification.email_attempts) == ("failed", 3)
    assert "connection failed" in notification.email_error
    assert notification.read_at is None  # still under the bell
    assert AuditEvent.objects.filter(action="notification_email_retrying").count() == 2
    failed = AuditEvent.objects.get(action="notification_not_emailed")
    assert failed.after["state"] == "failed" and failed.after["attempts"] == 3
    assert "not tried again" in caplog.text


def test_a_refusing_mail_server_breaks_nothing(
    tk2023: Election,
    alice: User,
    bob_by_mail: User,
    smtp: SmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    smtp.behaviour.rcpt_reply = "550 5.1.1 no such user"
    notification = proposal_for(tk2023, alice, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert mail.deliver(notification.pk).startswith("failed: permanent")
    # A refusal is final: trying again would be refused again.
    assert Notification.objects.get(pk=notification.pk).email_state == "failed"
    assert email_tasks(TaskResultStatus.READY).count() == 1  # only the first, still unrun
    assert not AuditEvent.objects.filter(action="notification_email_retrying").exists()


def test_turning_it_off_before_the_worker_runs_sends_nothing(
    tk2023: Election, alice: User, bob_by_mail: User, django_capture_on_commit_callbacks: Any
) -> None:
    notification = proposal_for(tk2023, alice, django_capture_on_commit_callbacks)
    service.save_settings(bob_by_mail, email=False, language="nl")
    assert mail.deliver(notification.pk) == "e-mail is off"
    assert list(mail.outbox_dir().glob("*.eml")) == []


# ---------------------------------------------------------------------- the settings page


def test_a_person_turns_it_on_for_themselves(bob: User) -> None:
    client = in_english(verified_client(bob))
    page = client.get(SETTINGS).content.decode()
    assert 'name="email"' in page and "checked" not in page
    response = client.post(SETTINGS, {"email": "on", "language": "en"})
    assert response.status_code == 302
    choice = NotificationSettings.objects.get(user=bob)
    assert (choice.email, choice.language) == (True, "en")
    event = AuditEvent.objects.get(action="notification_settings_changed")
    assert event.actor_id == bob.pk
    assert event.after == {"email": True, "language": "en"}


def test_an_unknown_language_is_refused(bob: User) -> None:
    response = verified_client(bob).post(SETTINGS, {"email": "on", "language": "xx"})
    assert response.status_code == 200
    assert not NotificationSettings.objects.exists()


def test_the_password_page_leads_to_it(carol: User) -> None:
    body = verified_client(carol).get(reverse("fd-password")).content.decode()
    assert SETTINGS in body
