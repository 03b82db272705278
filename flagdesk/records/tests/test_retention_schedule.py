# SPDX-License-Identifier: EUPL-1.2
"""The nightly run (one worker starts it, once a day), `flagdesk retention` and the admin page."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Signal
from flagdesk.records import retention, service
from flagdesk.records.models import RetentionRun
from flagdesk.records.tasks import apply_retention
from tests_support.worker import start_worker, worker_env

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TASK = "flagdesk.records.tasks.apply_retention"


@pytest.fixture(autouse=True)
def _nightly(settings: Any) -> None:
    settings.RETENTION_HOUR = 3
    settings.RETENTION_DAYS = {"contacts": 30}
    service._scheduled_day = None


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 7, day, hour, minute, tzinfo=AMSTERDAM)


def old_signal(tk2023: Election) -> Signal:
    result = intake.record_signal(
        intake.SignalInput(
            election=tk2023,
            source_type="media",
            category="misinformation",
            platform_name="x",
            content_urls=["https://x.com/a/status/1"],
            explanation="Oproep om twee vakjes rood te maken.",
            received_via="phone",
            source_organisation_name="NOS",
            contact_name="Jantje Retentie",
            contact_email="jantje@nos.example",
        )
    )
    assert result.signal is not None
    return result.signal


def tasks() -> int:
    return DBTaskResult.objects.filter(task_path=TASK).count()


def test_the_policy_is_due_from_the_hour_once_a_day() -> None:
    assert not retention.schedule_due(at(1, 2, 59), 3, None)
    assert retention.schedule_due(at(1, 3), 3, None)
    assert retention.schedule_due(at(1, 23), 3, dt.date(2024, 6, 30))
    assert not retention.schedule_due(at(1, 23), 3, dt.date(2024, 7, 1))
    assert not retention.schedule_due(at(1, 23), -1, None)
    assert retention.cutoff(0, dt.date(2024, 7, 1)) is None
    assert retention.cutoff(30, dt.date(2024, 7, 1)) == dt.date(2024, 6, 1)


def test_one_worker_enqueues_the_nightly_run_once_a_day(db: Any) -> None:
    assert not service.schedule_retention(at(1, 2, 30))
    assert tasks() == 0
    assert service.schedule_retention(at(1, 3, 5))
    assert tasks() == 1
    service._scheduled_day = None  # another worker process, which has not seen the day
    assert not service.schedule_retention(at(1, 3, 6))
    assert not service.schedule_retention(at(1, 22))
    assert tasks() == 1
    assert service.schedule_retention(at(2, 3))
    assert tasks() == 2


def test_no_nightly_run_when_the_hour_is_off(db: Any, settings: Any) -> None:
    settings.RETENTION_HOUR = -1
    assert not service.schedule_retention(at(1, 12))
    assert tasks() == 0


def test_the_task_runs_the_policy(tk2023: Election) -> None:
    signal = old_signal(tk2023)
    assert "contacts: {'signals': 1}" in apply_retention.call()
    signal.refresh_from_db()
    assert signal.contact_name == ""
    assert RetentionRun.objects.get().trigger == "schedule"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.processes
def test_two_workers_at_the_hour_run_it_once(tk2023: Election, tmp_path: Path) -> None:
    signal = old_signal(tk2023)
    env = worker_env(
        tmp_path,
        FLAGDESK_RETENTION_HOUR="0",  # due at once
        FLAGDESK_RETENTION_CONTACT_DAYS="30",
        FLAGDESK_RETENTION_RAW_MAIL_DAYS="0",
        FLAGDESK_RETENTION_ATTACHMENT_DAYS="0",
    )
    workers = [start_worker(env, "--once", "--no-mail") for _ in range(2)]
    outputs = []
    for process in workers:
        try:
            out, _ = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        outputs.append(out)
        assert process.returncode == 0, out
    assert tasks() == 1
    [run] = RetentionRun.objects.all()
    assert run.finished_at is not None
    assert run.results[0]["counts"] == {"signals": 1}
    assert AuditEvent.objects.filter(action=service.APPLIED).count() == 1
    signal.refresh_from_db()
    assert signal.contact_email == ""


# ----------------------------------------------------------------- the command


def test_the_command_shows_a_dry_run_and_then_applies(tk2023: Election) -> None:
    signal = old_signal(tk2023)
    out, err = io.StringIO(), io.StringIO()
    call_command("retention", "--dry-run", stdout=out, stderr=err)
    assert "would remove (dry run)" in out.getvalue()
    assert "signals 1" in out.getvalue()
    assert "[1/1] contacts" in err.getvalue()
    signal.refresh_from_db()
    assert signal.contact_name == "Jantje Retentie"
    assert not AuditEvent.objects.filter(action=service.APPLIED).exists()

    out = io.StringIO()
    call_command("retention", "--category", "contacts", stdout=out, stderr=io.StringIO())
    assert "removed" in out.getvalue()
    assert "contacts  anonymise  30" in out.getvalue()
    assert "recorded in the audit log" in out.getvalue()
    signal.refresh_from_db()
    assert signal.contact_name == ""


def test_the_command_skips_a_category_kept_forever(db: Any) -> None:
    out = io.StringIO()
    call_command("retention", "--category", "audit", stdout=out, stderr=io.StringIO())
    assert "audit: kept forever (0 days), skipped" in out.getvalue()
    assert "nothing to apply" in out.getvalue()
    assert not RetentionRun.objects.exists()


# ------------------------------------------------------------------- the page


def test_the_admin_sees_the_last_run_and_what_it_removed(tk2023: Election, dave: User) -> None:
    old_signal(tk2023)
    service.run_retention(today=dt.date(2024, 7, 1))
    page = in_english(verified_client(dave)).get(reverse("fd-retention"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Signallers&#x27; contact details" in html
    assert "1 signals" in html
    assert "before 2024-06-01" in html
    assert "kept forever" in html  # every category but contacts, in this test's policy
    assert "Jantje" not in html


def test_only_an_admin_sees_the_retention_page(carol: User) -> None:
    assert verified_client(carol).get(reverse("fd-retention")).status_code == 403
