# SPDX-License-Identifier: EUPL-1.2
"""Issue 15, clocks, in the browser: overdue items lead the dashboard in red, the case page
shows its clocks, for the assessor and the approver, in Dutch and in English.

Screenshots go to the test's tmp directory, or to ``$SCREENSHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.assessments.models import Decision
from flagdesk.conftest import media_case
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case
from flagdesk.mailarchive.models import Confirmation, Kind, MailMessage, MatchMethod
from flagdesk.notices import service as notices
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from flagdesk.notices.tests.conftest import ELIGIBLE, PLATFORM_ADDRESS, approved_case
from flagdesk.platforms.models import Platform
from flagdesk.tests_browser.conftest import log_in, log_out
from flagdesk.tests_browser.test_accessibility import _violations
from flagdesk.tests_browser.test_seed_case import seed_team

pytestmark = pytest.mark.browser
OVERDUE = {"nl": "te laat", "en": "overdue"}


def _open(election: Election, n: int, minutes_ago: int) -> Case:
    return media_case(
        election,
        f"https://x.com/kiezer/status/{5000 + n}",
        received_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        explanation="The post gives the wrong closing time of the polling stations.",
    )


def a_busy_election_day(alice: User, bob: User) -> dict[str, Case]:
    """Cases at every stage, some on time, some due soon, some overdue."""
    x = Platform.objects.get(slug="x")
    x.channel_kind, x.channel_address, x.channel_active = "email", PLATFORM_ADDRESS, True
    x.save()
    tk = Election.objects.get(code="TK2023")
    made = {"overdue": _open(tk, 1, 300), "due_soon": _open(tk, 2, 200), "fresh": _open(tk, 3, 4)}
    made["proposed"] = _open(tk, 4, 120)
    assessments.save_assessment(made["proposed"], ELIGIBLE, alice)
    decision = assessments.propose_decision(made["proposed"], "deploy", "Clear risk.", alice)
    Decision.objects.filter(pk=decision.pk).update(
        decided_at=timezone.now() - dt.timedelta(minutes=70)
    )
    made["sent"] = approved_case(tk, alice, bob, url="https://x.com/kiezer/status/5010")
    notice = Notice.objects.get(case=made["sent"])
    delivery = notices.send(notice, alice)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.ACCEPTED, accepted_at=timezone.now() - dt.timedelta(minutes=80)
    )
    MailMessage.objects.create(
        sha256="b" * 64,
        size=10,
        raw_path="x",
        subject="Re: Election integrity escalation",
        from_address="support@x.example",
        archived_at=timezone.now() - dt.timedelta(minutes=12),
        kind=Kind.REPLY,
        match_method=MatchMethod.CASE_REFERENCE,
        case=made["sent"],
        confirmation=Confirmation.PENDING,
    )
    return made


def test_overdue_items_lead_the_dashboard_and_the_case_shows_its_clocks(
    tab: Page, site: str, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    _carol, alice, bob, devices = seed_team()
    made = a_busy_election_day(alice, bob)
    dashboard = f"{site}/?election=TK2023"

    # One login per person (a TOTP code is taken once); the language cookie switches the UI.
    log_in(tab, site, alice, devices[alice.pk], "/?election=TK2023")
    for language in ("nl", "en"):
        tab.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
        tab.goto(dashboard)
        first = tab.locator("#attention-clocks li").first
        expect(first).to_have_class("clock-row-overdue")
        expect(first).to_contain_text(OVERDUE[language])
        expect(tab.locator("#attention-clocks")).not_to_contain_text(made["fresh"].reference)
        expect(tab.locator(".waiting-acknowledgment")).to_contain_text(made["sent"].reference)
        expect(tab.locator(".waiting-mail li")).to_have_count(1)
        tab.screenshot(path=str(shots / f"assessor-dashboard-{language}.png"), full_page=True)
        tab.goto(f"{site}/cases/{made['overdue'].reference}")
        expect(tab.locator("#clocks [data-clock-state=overdue]")).to_have_count(1)
        tab.screenshot(path=str(shots / f"assessor-case-{language}.png"), full_page=True)
        tab.goto(f"{site}/cases/{made['sent'].reference}")
        expect(tab.locator("#clocks [data-clock-state=overdue]")).to_have_count(1)
        tab.screenshot(path=str(shots / f"assessor-notice-case-{language}.png"), full_page=True)
    log_out(tab)

    log_in(tab, site, bob, devices[bob.pk], "/?election=TK2023")
    for language in ("nl", "en"):
        tab.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
        tab.goto(dashboard)
        review = tab.locator(".waiting-review li").first
        expect(review).to_contain_text(made["proposed"].reference)
        expect(review.locator("[data-clock-state=overdue]")).to_have_count(1)
        tab.screenshot(path=str(shots / f"approver-dashboard-{language}.png"), full_page=True)
        tab.goto(f"{site}/cases/{made['proposed'].reference}")
        expect(tab.locator("#clocks [data-clock-state=overdue]")).to_have_count(1)
        tab.screenshot(path=str(shots / f"approver-case-{language}.png"), full_page=True)
    tab.goto(f"{site}/cases?election=TK2023")
    tab.screenshot(path=str(shots / "approver-case-list-en.png"), full_page=True)


def test_the_clocks_have_no_wcag_violations(chromium: Browser, site: str) -> None:
    # axe is injected by script: the context bypasses the page's strict CSP for it.
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    context.add_cookies([{"name": "django_language", "value": "nl", "url": site}])
    page = context.new_page()
    _carol, alice, bob, devices = seed_team()
    made = a_busy_election_day(alice, bob)
    log_in(page, site, alice, devices[alice.pk], "/?election=TK2023")
    expect(page.locator("#attention-clocks")).to_be_visible()
    assert _violations(page) == []
    page.goto(f"{site}/cases/{made['sent'].reference}")
    expect(page.locator("#clocks")).to_be_visible()
    assert _violations(page) == []
    context.close()
