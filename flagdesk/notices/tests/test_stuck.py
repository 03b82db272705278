# SPDX-License-Identifier: EUPL-1.2
"""A notice that waits to be sent but that nothing will send is raised everywhere people
look (/health with 503, the dashboard, the case page, the worker's log), and an assessor can
queue it again: audited, and sent once however often and by however many it is clicked."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.core import workers
from flagdesk.notices import service
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from flagdesk.notices.tasks import deliver_notice
from tests_support.smtp import SmtpServer


def notice_tasks(*statuses: str) -> Any:
    tasks = DBTaskResult.objects.filter(task_path=deliver_notice.module_path)
    return tasks.filter(status__in=statuses) if statuses else tasks


def fail_its_task(notice: Notice) -> None:
    """The state a task leaves behind when claim() raised (see test_claim_errors)."""
    notice_tasks(TaskResultStatus.READY).update(
        status=TaskResultStatus.FAILED, exception_class_path="django.db.utils.IntegrityError"
    )


def run_notice_tasks() -> list[str]:
    """What the worker's lane does with every due notice task: run it, mark it done."""
    results = []
    for task in notice_tasks(TaskResultStatus.READY).order_by("enqueued_at"):
        notice_tasks().filter(pk=task.pk).update(status=TaskResultStatus.SUCCESSFUL)
        results.append(deliver_notice.call(*task.args_kwargs["args"]))
    return results


def stuck_ids() -> set[int]:
    return service.stuck_notice_ids()


@pytest.fixture
def stuck(draft: Notice, alice: User) -> Notice:
    service.send(draft, alice)
    fail_its_task(draft)
    return draft


# ------------------------------------------------------------------ detection


def test_a_queued_notice_with_its_task_is_not_stuck(draft: Notice, alice: User) -> None:
    service.send(draft, alice)
    assert stuck_ids() == set()


def test_a_notice_without_a_task_is_stuck(stuck: Notice) -> None:
    [found] = service.stuck_notices()
    assert (found.notice.pk, found.reason) == (stuck.pk, service.STUCK_NO_TASK)


def test_a_notice_due_too_long_is_stuck(draft: Notice, alice: User, settings: Any) -> None:
    delivery = service.send(draft, alice)
    due = timezone.now() - dt.timedelta(seconds=settings.NOTICE_STUCK_AFTER - 5)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=due)
    assert stuck_ids() == set()
    due -= dt.timedelta(seconds=10)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=due)
    [found] = service.stuck_notices()
    assert found.reason == service.STUCK_NO_PROGRESS


def test_a_portal_notice_waiting_for_submission_is_not_stuck(
    draft: Notice, alice: User, x_channel: Any
) -> None:
    Notice.objects.filter(pk=draft.pk).update(channel_kind="portal")
    service.send(Notice.objects.get(pk=draft.pk), alice)
    assert stuck_ids() == set()


def test_a_sent_notice_is_not_stuck(stuck: Notice) -> None:
    Delivery.objects.filter(notice=stuck).update(state=DeliveryState.ACCEPTED)
    assert stuck_ids() == set()


@pytest.mark.parametrize(
    "situation", ["draft", "queued with its task", "no task", "portal", "retrying", "sent"]
)
def test_the_case_page_finds_the_same_stuck_notices_among_those_it_read(
    situation: str, draft: Notice, alice: User
) -> None:
    """The correspondence section looks for stuck notices among the notices it read
    (stuck_among) instead of asking the database again: the same answer in every state."""
    if situation == "portal":
        Notice.objects.filter(pk=draft.pk).update(channel_kind="portal")
    if situation != "draft":
        service.send(Notice.objects.get(pk=draft.pk), alice)
    if situation in ("no task", "retrying", "sent"):
        fail_its_task(draft)
    if situation == "retrying":
        Delivery.objects.filter(notice=draft).update(state=DeliveryState.RETRYING)
    if situation == "sent":
        Delivery.objects.filter(notice=draft).update(state=DeliveryState.ACCEPTED)
    expected = [(s.notice.pk, s.reason) for s in service.stuck_notices(case=draft.case)]
    read = service.notices_for_case(draft.case)
    assert [(s.notice.pk, s.reason) for s in service.stuck_among(read)] == expected
    assert bool(expected) is (situation in ("no task", "retrying"))


# ------------------------------------------------------------- where it shows


def test_health_answers_503_while_a_notice_is_stuck(stuck: Notice) -> None:
    workers.register()  # a worker runs: only the stuck notice makes it degraded
    response = Client().get("/health")
    assert response.status_code == 503
    assert (response.json()["status"], response.json()["notices_stuck"]) == ("degraded", 1)
    Delivery.objects.filter(notice=stuck).update(state=DeliveryState.ACCEPTED)
    response = Client().get("/health")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["notices_stuck"]) == ("ok", 0)


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_the_dashboard_lists_a_stuck_notice(stuck: Notice, who: str, request: Any) -> None:
    user = request.getfixturevalue(who)
    html = in_english(verified_client(user)).get("/").content.decode()
    assert 'id="notices-stuck"' in html
    assert f"#notice-{stuck.pk}" in html.split('id="notices-stuck"')[1].split("</ul>")[0]


def test_the_case_page_offers_the_assessor_to_queue_it_again(stuck: Notice, alice: User) -> None:
    html = case_page(in_english(verified_client(alice)), stuck)
    assert "This notice is stuck" in html
    assert reverse("fd-notice-requeue", kwargs={"pk": stuck.pk}) in html


def test_the_intake_officer_sees_it_stuck_without_the_button(stuck: Notice, carol: User) -> None:
    html = case_page(in_english(verified_client(carol)), stuck)
    assert "This notice is stuck" in html
    assert reverse("fd-notice-requeue", kwargs={"pk": stuck.pk}) not in html


def test_the_intake_officer_may_not_queue_it_again(stuck: Notice, carol: User) -> None:
    response = verified_client(carol).post(reverse("fd-notice-requeue", kwargs={"pk": stuck.pk}))
    assert response.status_code == 403
    assert stuck_ids() == {stuck.pk}


def test_queueing_again_needs_the_csrf_token(stuck: Notice, alice: User) -> None:
    client = verified_client(alice)
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("fd-notice-requeue", kwargs={"pk": stuck.pk}))
    assert response.status_code == 403
    assert stuck_ids() == {stuck.pk}


def case_page(client: Client, notice: Notice) -> str:
    url = reverse("fd-case-detail", kwargs={"reference": notice.case.reference})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --------------------------------------------------------------------- the log


def test_the_upkeep_warns_once_per_interval(
    stuck: Notice, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    now = timezone.now()
    with caplog.at_level(logging.WARNING, logger="flagdesk.notices"):
        assert service.warn_stuck(now) == [stuck.pk]
        assert service.warn_stuck(now + dt.timedelta(seconds=5)) == []  # another worker
        later = now + dt.timedelta(seconds=settings.NOTICE_STUCK_AFTER)
        assert service.warn_stuck(later) == [stuck.pk]
    warnings = [r.getMessage() for r in caplog.records if r.name == "flagdesk.notices"]
    assert len(warnings) == 2
    assert f"notice {stuck.pk} is stuck" in warnings[0]
    assert stuck.recipient not in warnings[0]


# ------------------------------------------------------------- queueing again


def test_queueing_again_sends_it_once_and_is_audited(
    stuck: Notice, alice: User, smtp_server: SmtpServer
) -> None:
    client = in_english(verified_client(alice))
    url = reverse("fd-notice-requeue", kwargs={"pk": stuck.pk})
    first = client.post(url, follow=True)
    assert "queued to go out again" in first.content.decode()
    second = client.post(url, follow=True)  # a double click
    assert "This notice is not stuck" in second.content.decode()
    assert stuck_ids() == set()
    assert notice_tasks(TaskResultStatus.READY).count() == 1
    assert run_notice_tasks() == ["accepted"]
    assert len(smtp_server.messages) == 1
    [event] = AuditEvent.objects.filter(action="notice_stuck_requeued")
    assert event.actor_id == alice.pk
    assert event.after["reason"] == service.STUCK_NO_TASK


def test_a_notice_that_is_not_stuck_is_not_queued_again(draft: Notice, alice: User) -> None:
    service.send(draft, alice)
    with pytest.raises(service.NoticeError):
        service.requeue_stuck(draft, alice)
    assert notice_tasks().count() == 1


def test_a_notice_stuck_for_want_of_progress_is_sent_once(
    draft: Notice, alice: User, smtp_server: SmtpServer, settings: Any
) -> None:
    """Its old task still waits: queueing again adds a second, and the claim lets only one
    of them send."""
    delivery = service.send(draft, alice)
    long_ago = timezone.now() - dt.timedelta(seconds=settings.NOTICE_STUCK_AFTER + 60)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=long_ago)
    service.requeue_stuck(draft, alice)
    assert sorted(run_notice_tasks()) == ["accepted", "not-claimed"]
    assert len(smtp_server.messages) == 1


def test_the_command_lists_and_queues_again(stuck: Notice, smtp_server: SmtpServer) -> None:
    with pytest.raises(CommandError):  # exit 1 while something is stuck: for cron and scripts
        call_command("notices", "stuck")
    call_command("notices", "requeue", str(stuck.pk))
    with translation.override("en"), pytest.raises(CommandError, match="not stuck"):
        call_command("notices", "requeue", str(stuck.pk))
    call_command("notices", "stuck")
    assert run_notice_tasks() == ["accepted"]
    [event] = AuditEvent.objects.filter(action="notice_stuck_requeued")
    assert event.actor_id is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_assessors_at_once_queue_it_once(
    stuck: Notice, alice: User, erin: User, smtp_server: SmtpServer
) -> None:
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def requeue(user: User) -> None:
        try:
            start.wait()
            service.requeue_stuck(stuck, user)
            outcomes.append("queued")
        except service.NoticeError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=requeue, args=(u,)) for u in (alice, erin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["queued", "refused"]
    assert AuditEvent.objects.filter(action="notice_stuck_requeued").count() == 1
    assert run_notice_tasks() == ["accepted"]
    assert len(smtp_server.messages) == 1
