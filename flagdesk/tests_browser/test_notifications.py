# SPDX-License-Identifier: EUPL-1.2
"""Issue 15, notifications in the browser: the approver learns of a proposal from the bell.

The assessor proposes in one browser context; the approver, in another, sees the bell count
"1", opens the notification (it is read, the count drops) and approves; the assessor's bell
then tells of the approval. Screenshots of the bell and the list, as approver and assessor,
in Dutch and English, go to the test's tmp directory (``--basetemp`` keeps them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import CaseState
from flagdesk.tests_browser.conftest import log_in
from flagdesk.tests_browser.test_accessibility import _violations
from flagdesk.tests_browser.test_seed_case import (
    EXPLANATION,
    SEED_URL,
    assess_and_propose,
    seed_team,
)

pytestmark = pytest.mark.browser


def new_tab(chromium: Browser, site: str, language: str) -> Page:
    # bypass_csp: axe is injected by script (as in test_accessibility).
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    context.set_default_timeout(30_000)
    context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    return context.new_page()


def open_seed_case() -> str:
    result = intake.record_signal(
        intake.SignalInput(
            election=Election.objects.get(code="TK2023"),
            source_type="media",
            category="misinformation",
            platform_name="x",
            content_urls=[SEED_URL],
            explanation=EXPLANATION,
            received_via="email",
            source_organisation_name="NOS",
        )
    )
    assert result.case is not None
    return result.case.reference


def test_the_approver_is_told_and_the_count_drops(
    chromium: Browser, tab: Page, site: str, tmp_path: Path
) -> None:
    _, alice, bob, devices = seed_team()
    reference = open_seed_case()
    approver = new_tab(chromium, site, "en")
    log_in(approver, site, bob, devices[bob.pk])
    expect(approver.locator("#notification-bell")).to_have_attribute("data-unread", "0")

    tab.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
    log_in(tab, site, alice, devices[alice.pk], f"/cases/{reference}")
    assess_and_propose(tab, site, reference)

    approver.goto(f"{site}/")
    expect(approver.locator("#notification-bell")).to_have_attribute("data-unread", "1")
    expect(approver.locator("#notification-bell .bell-count")).to_have_text("1")
    approver.locator("header").screenshot(path=str(tmp_path / "approver-bell-en.png"))
    approver.locator("#notification-bell").click()
    item = approver.locator("#unread-notifications li").first
    expect(item).to_contain_text(f"Decision on case {reference} awaits your approval")
    expect(item).to_contain_text("by alice")
    approver.screenshot(path=str(tmp_path / "approver-list-en.png"), full_page=True)
    assert _violations(approver) == []
    item.locator("button.notification-text").click()
    approver.wait_for_url(f"**/cases/{reference}")
    expect(approver.locator("#notification-bell")).to_have_attribute("data-unread", "0")
    approver.locator("#review-form button[value=approve]").click()
    expect(approver.locator("#case-state")).to_have_attribute("data-state", CaseState.DECIDED)
    approver.goto(f"{site}/notifications")
    expect(approver.locator("#read-notifications")).to_contain_text(reference)
    expect(approver.locator("#unread-notifications")).to_have_count(0)

    tab.goto(f"{site}/notifications")
    expect(tab.locator("#notification-bell")).to_have_attribute("data-unread", "1")
    expect(tab.locator("#unread-notifications")).to_contain_text(
        f"Your decision on case {reference} was approved"
    )
    tab.screenshot(path=str(tmp_path / "assessor-list-en.png"), full_page=True)
    tab.locator("header").screenshot(path=str(tmp_path / "assessor-bell-en.png"))
    in_dutch(approver, site, tmp_path / "approver-list-nl.png")
    in_dutch(tab, site, tmp_path / "assessor-list-nl.png")
    approver.context.close()

    tab.locator("form button", has_text="Markeer alles als gelezen").click()
    expect(tab.locator("#notification-bell")).to_have_attribute("data-unread", "0")


def in_dutch(page: Page, site: str, path: Path) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "nl", "url": site}])
    page.goto(f"{site}/notifications")
    expect(page.locator("h1")).to_have_text("Notificaties")
    page.screenshot(path=str(path), full_page=True)
    page.locator("header").screenshot(path=str(path.with_name(path.name.replace("list", "bell"))))


def test_the_settings_page_turns_e_mail_on(chromium: Browser, site: str, tmp_path: Path) -> None:
    _, alice, _, devices = seed_team()
    alice.email = "alice@minbzk.example"
    alice.save()
    page = new_tab(chromium, site, "nl")
    log_in(page, site, alice, devices[alice.pk], "/account/notifications")
    expect(page.locator("input[name=email]")).not_to_be_checked()  # off by default
    page.screenshot(path=str(tmp_path / "settings-nl.png"), full_page=True)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
    page.goto(f"{site}/account/notifications")
    page.screenshot(path=str(tmp_path / "settings-en.png"), full_page=True)
    page.check("input[name=email]")
    page.select_option("select[name=language]", value="en")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Your notification settings were saved.")
    expect(page.locator("input[name=email]")).to_be_checked()
    page.context.close()
