# SPDX-License-Identifier: EUPL-1.2
"""Issue 14 item 1 in a browser: the assessor enters a hacked account's facts with the
checklist, the approver sees them, the draft asks X to secure the account; an English draft
with Dutch text asks for an English summary. Screenshots go to /tmp/shots-notice-kinds/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from flagdesk.accounts.constants import Role
from flagdesk.conftest import make_user
from flagdesk.elections.models import Election
from flagdesk.intake.models import CaseState
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import approved_case
from flagdesk.notices.tests.test_kinds import DUTCH_REASONING, HACKED_FACTS, hacked_case
from flagdesk.platforms.models import Platform
from flagdesk.tests_browser.conftest import log_in, log_out, with_authenticator

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-notice-kinds")


def shot(tab: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def x_by_mail() -> None:
    Platform.objects.filter(slug="x").update(
        channel_kind="email", channel_address="escalations@x.example", channel_active=True
    )


def test_hacked_account_facts_from_checklist_to_draft(tab: Page, site: str) -> None:
    x_by_mail()
    case = hacked_case(Election.objects.get(code="TK2023"))
    alice, bob = make_user("alice", Role.ASSESSOR), make_user("bob", Role.APPROVER)
    log_in(tab, site, alice, with_authenticator(alice), f"/cases/{case.reference}")
    tab.check("input[name=election_process_risk][value=yes]")
    tab.fill("input[name=own_contact_attempts]", "3")
    tab.check("input[name=own_means_exhausted][value=yes]")
    for name, value in HACKED_FACTS.items():
        tab.fill(f"#kind-facts [name=fact_{name}]", value)
    shot(tab, "1-assessor-checklist-hacked-facts")
    tab.locator("#checklist button[type=submit]").click()
    expect(tab.locator("#case-state")).to_have_attribute("data-state", CaseState.ASSESSING)
    tab.check("#decision-form input[name=outcome][value=deploy]")
    tab.fill("#decision-form textarea[name=justification]", "The municipality cannot reach X.")
    tab.locator("#decision-form button[type=submit]").click()
    expect(tab.locator("#case-state")).to_have_attribute("data-state", CaseState.AWAITING_APPROVAL)
    log_out(tab)

    log_in(tab, site, bob, with_authenticator(bob), f"/cases/{case.reference}")
    expect(tab.locator("#saved-facts")).to_contain_text("1453029876543210")
    shot(tab, "2-approver-sees-facts")
    tab.locator("#review-form button[value=approve]").click()
    expect(tab.locator("#case-state")).to_have_attribute("data-state", CaseState.DECIDED)
    log_out(tab)

    log_in(tab, site, alice, with_authenticator(alice), f"/cases/{case.reference}")
    body = tab.locator("textarea[name=body]")
    expect(body).to_have_value(re.compile("please secure the account"))
    assert "misleading" not in body.input_value()
    shot(tab, "3-assessor-hacked-draft")


def test_english_draft_with_dutch_text_asks_for_a_summary(tab: Page, site: str) -> None:
    x_by_mail()
    alice, bob = make_user("alice", Role.ASSESSOR), make_user("bob", Role.APPROVER)
    case = approved_case(
        Election.objects.get(code="TK2023"), alice, bob, assessment=DUTCH_REASONING
    )
    log_in(tab, site, alice, with_authenticator(alice), f"/cases/{case.reference}")
    panel = tab.locator(".english-summary")
    expect(panel).to_contain_text("Wie twee vakjes")
    tab.locator("button[name=action][value=send]").click()
    expect(tab.locator("main")).to_contain_text("bevat Nederlandse tekst")
    shot(tab, "4-assessor-send-refused-dutch")
    tab.fill(
        ".english-summary textarea[name=english_summary]",
        "The post tells voters of the combined list to colour two boxes; that voids the vote.",
    )
    tab.locator("button[name=action][value=summarise]").click()
    expect(tab.locator("textarea[name=body]")).to_have_value(re.compile("that voids the vote"))
    expect(tab.locator(".english-summary [role=alert]")).to_have_count(0)
    shot(tab, "5-assessor-after-summary")
    assert "Wie twee vakjes" not in Notice.objects.get(case=case).body
