# SPDX-License-Identifier: EUPL-1.2
"""Issue 18 in the browser: a stuck notice on the dashboard and the case page, as the
assessor (who queues it again) and as the intake officer (who sees it, without the button).

Screenshots go to the test's tmp directory, or to ``$SCREENSHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Page, expect

from flagdesk.elections.models import Election
from flagdesk.notices import service as notices
from flagdesk.notices.models import Notice
from flagdesk.notices.tasks import deliver_notice
from flagdesk.notices.tests.conftest import approved_case
from flagdesk.platforms.models import Platform
from flagdesk.tests_browser.conftest import log_in, log_out
from flagdesk.tests_browser.test_seed_case import seed_team

pytestmark = pytest.mark.browser

REQUEUE = "form[action$='/requeue'] button"


def a_stuck_notice(alice: object, bob: object) -> Notice:
    x = Platform.objects.get(slug="x")
    x.channel_kind, x.channel_address, x.channel_active = "email", "escalations@x.example", True
    x.save()
    case = approved_case(Election.objects.get(code="TK2023"), alice, bob)  # type: ignore[arg-type]
    notice = Notice.objects.get(case=case)
    notices.send(notice, alice)
    # What an old worker meeting a new schema leaves: the task failed, the notice is queued.
    DBTaskResult.objects.filter(task_path=deliver_notice.module_path).update(
        status=TaskResultStatus.FAILED
    )
    return notice


def test_a_stuck_notice_is_shown_and_queued_again(tab: Page, site: str, tmp_path: Path) -> None:
    shots = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    carol, alice, bob, devices = seed_team()
    notice = a_stuck_notice(alice, bob)
    case_url = f"{site}/cases/{notice.case.reference}"

    log_in(tab, site, carol, devices[carol.pk])
    expect(tab.locator("#notices-stuck")).to_contain_text(notice.case.reference)
    tab.screenshot(path=str(shots / "intake-dashboard.png"), full_page=True)
    tab.goto(case_url)
    stuck = tab.locator(f"#notice-{notice.pk} .notice-stuck")
    expect(stuck).to_be_visible()  # the UI speaks Dutch by default: find things by structure
    expect(stuck.locator(REQUEUE)).to_have_count(0)
    stuck.scroll_into_view_if_needed()
    tab.screenshot(path=str(shots / "intake-case.png"), full_page=True)
    log_out(tab)

    log_in(tab, site, alice, devices[alice.pk])
    expect(tab.locator("#notices-stuck")).to_contain_text(notice.case.reference)
    tab.screenshot(path=str(shots / "assessor-dashboard.png"), full_page=True)
    tab.locator("#notices-stuck a").first.click()
    expect(stuck.locator(REQUEUE)).to_have_count(1)
    tab.screenshot(path=str(shots / "assessor-case.png"), full_page=True)
    stuck.locator(REQUEUE).click()
    expect(tab.locator(f"#notice-{notice.pk} .notice-stuck")).to_have_count(0)
    tab.screenshot(path=str(shots / "assessor-case-requeued.png"), full_page=True)
    tab.goto(site + "/")
    expect(tab.locator("#notices-stuck")).to_have_count(0)
    assert notices.stuck_notices() == []
