# SPDX-License-Identifier: EUPL-1.2
"""Issue 12 in the browser: a URL that arrives after the decision opens a related case.

The assessor sees the decision's URL set and the related case on the case page; the approver
approves; the drafted notice names the decided URL only. Screenshots go to the test's tmp
directory (run with ``--basetemp`` to keep them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from flagdesk.accounts import service as accounts
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case, CaseState
from flagdesk.platforms.models import Platform
from flagdesk.tests_browser.conftest import log_in, log_out, with_authenticator
from flagdesk.tests_browser.test_seed_case import (
    assess_and_propose,
    record_seed_signal,
    seed_team,
)

pytestmark = pytest.mark.browser

LATE_URL = "https://x.com/someone/status/1727300000000000999"


def late_signal() -> Case:
    """Partner B reports the decided post and a new one, while the decision awaits approval."""
    result = intake.record_signal(
        intake.SignalInput(
            election=Election.objects.get(code="TK2023"),
            source_type="co_government",
            category="misinformation",
            platform_name="x",
            content_urls=["https://x.com/someone/status/1727300000000000000", LATE_URL],
            explanation="The same call, and a second post.",
            received_via="api",
            source_organisation=accounts.create_partner("Gemeente Voorbeeldstad", "co_government"),
        )
    )
    assert result.outcome == "related_case" and result.case is not None
    return result.case


def test_a_late_url_opens_a_related_case(tab: Page, site: str, tmp_path: Path) -> None:
    x = Platform.objects.get(slug="x")
    x.channel_kind, x.channel_address, x.channel_active = "email", "escalations@x.example", True
    x.save()
    carol, alice, bob, devices = seed_team()
    log_in(tab, site, carol, devices[carol.pk])
    reference = record_seed_signal(tab, site)
    log_out(tab)

    log_in(tab, site, alice, devices[alice.pk], f"/cases/{reference}")
    assess_and_propose(tab, site, reference)
    related = late_signal()
    tab.goto(f"{site}/cases/{reference}")
    expect(tab.locator("#related-cases")).to_contain_text(related.reference)
    expect(tab.locator("#decision-urls")).to_contain_text("1727300000000000000")
    expect(tab.locator("#decision-urls")).not_to_contain_text(LATE_URL)
    tab.screenshot(path=str(tmp_path / "assessor-case.png"), full_page=True)
    tab.locator("#related-cases a").first.click()
    expect(tab.locator("#related-to")).to_contain_text(reference)
    expect(tab.locator("main")).to_contain_text(LATE_URL)
    tab.screenshot(path=str(tmp_path / "assessor-related-case.png"), full_page=True)
    log_out(tab)

    log_in(tab, site, bob, devices[bob.pk], f"/cases/{reference}")
    expect(tab.locator("#decision-urls")).not_to_contain_text(LATE_URL)
    tab.screenshot(path=str(tmp_path / "approver-before.png"), full_page=True)
    tab.locator("#review-form button[value=approve]").click()
    expect(tab.locator("#case-state")).to_have_attribute("data-state", CaseState.DECIDED)
    expect(tab.locator(".timeline")).to_contain_text(related.reference)
    tab.screenshot(path=str(tmp_path / "approver-approved.png"), full_page=True)
    log_out(tab)

    # A second authenticator: the first one's code was just used (no replays).
    log_in(tab, site, alice, with_authenticator(alice), f"/cases/{reference}")
    body = tab.locator("textarea[name=body]").first
    expect(body).to_contain_text("1727300000000000000")
    expect(body).not_to_contain_text("1727300000000000999")
    tab.screenshot(path=str(tmp_path / "assessor-notice.png"), full_page=True)
