# SPDX-License-Identifier: EUPL-1.2
"""Issue 14 item 3 in the browser: the assessor chooses the legal basis of the notice (the
fields appear only when they apply), the approver sees it before approving, and the drafted
notice carries the legal-basis paragraph. Screenshots go to the test's tmp directory (run
with ``--basetemp`` to keep them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from flagdesk.intake.models import CaseState
from flagdesk.platforms.models import Platform
from flagdesk.tests_browser.conftest import log_in, log_out
from flagdesk.tests_browser.test_seed_case import record_seed_signal, seed_team

pytestmark = pytest.mark.browser


def fill_checklist(tab: Page, site: str, reference: str) -> None:
    tab.goto(f"{site}/cases/{reference}")
    tab.check("input[name=election_process_risk][value=yes]")
    tab.check("input[name=harms][value=invalid_vote]")
    tab.check("input[name=misleading][value=yes]")
    tab.fill("textarea[name=misleading_reasoning]", "Colouring two boxes makes a vote invalid.")
    tab.locator("#checklist button[type=submit]").click()
    expect(tab.locator("#case-state")).to_have_attribute("data-state", CaseState.ASSESSING)


def test_the_assessor_chooses_and_the_approver_checks_the_legal_basis(
    tab: Page, chromium: Browser, site: str, tmp_path: Path
) -> None:
    x = Platform.objects.get(slug="x")
    x.channel_kind, x.channel_address, x.channel_active = "email", "escalations@x.example", True
    x.save()
    carol, alice, bob, devices = seed_team()
    log_in(tab, site, carol, devices[carol.pk])
    reference = record_seed_signal(tab, site)
    log_out(tab)

    log_in(tab, site, alice, devices[alice.pk], f"/cases/{reference}")
    fill_checklist(tab, site, reference)
    form = tab.locator("#decision-form")
    basis, illegal = form.locator("#legal-basis-fields"), form.locator("#illegal-content-fields")
    expect(basis).to_be_hidden()  # no outcome chosen yet
    form.locator("input[name=outcome][value=no_deploy]").check()
    expect(basis).to_be_hidden()
    form.locator("input[name=outcome][value=deploy]").check()
    expect(basis).to_be_visible()
    expect(form.locator("input[name=legal_basis][value=terms_escalation]")).to_be_checked()
    expect(illegal).to_be_hidden()
    tab.screenshot(path=str(tmp_path / "1-assessor-escalation-default.png"), full_page=True)
    form.locator("input[name=legal_basis][value=illegal_content]").check()
    expect(illegal).to_be_visible()
    form.locator("textarea[name=justification]").fill("Calls on voters to cast an invalid vote.")
    form.locator("button[type=submit]").click()  # no provision, no type yet
    expect(tab.locator("#decision-form")).to_contain_text("minstens één wettelijke bepaling")
    expect(tab.locator("#illegal-content-fields")).to_be_visible()  # kept open with the errors
    tab.screenshot(path=str(tmp_path / "2-assessor-missing-provision.png"), full_page=True)
    form = tab.locator("#decision-form")
    form.locator("input[name=provisions][value=sr_127]").check()
    form.locator("input[name=other_provision]").fill("artikel Z 4 Kieswet")
    form.locator("select[name=illegal_content_type]").select_option("civic_discourse_or_elections")
    tab.screenshot(path=str(tmp_path / "3-assessor-illegal-content.png"), full_page=True)
    form.locator("button[type=submit]").click()
    expect(tab.locator("#case-state")).to_have_attribute("data-state", CaseState.AWAITING_APPROVAL)
    expect(tab.locator("#proposed-decision")).to_contain_text("artikel 127 Wetboek van Strafrecht")

    # The approver in a browser of their own; the assessor stays logged in.
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    approver = context.new_page()
    log_in(approver, site, bob, devices[bob.pk], f"/cases/{reference}")
    proposed = approver.locator("#proposed-decision")
    expect(proposed).to_contain_text("Melding van illegale inhoud (art. 16 DSA)")
    expect(proposed).to_contain_text("artikel Z 4 Kieswet")
    expect(proposed).to_contain_text("negatieve effecten op het maatschappelijk debat")
    approver.screenshot(path=str(tmp_path / "4-approver-before.png"), full_page=True)
    approver.locator("#review-form button[value=approve]").click()
    expect(approver.locator("#case-state")).to_have_attribute("data-state", CaseState.DECIDED)
    expect(approver.locator("#final-decision")).to_contain_text("Melding van illegale inhoud")
    approver.screenshot(path=str(tmp_path / "5-approver-approved.png"), full_page=True)
    context.close()

    tab.goto(f"{site}/cases/{reference}")
    expect(tab.locator("main")).to_contain_text("This is a notice of illegal content under")
    tab.screenshot(path=str(tmp_path / "6-assessor-notice-draft.png"), full_page=True)
    tab.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
    tab.goto(f"{site}/cases/{reference}")
    expect(tab.locator("#final-decision")).to_contain_text("Notice of illegal content")
    expect(tab.locator("#final-decision")).to_contain_text("Article 127 of the Dutch Criminal")
    tab.screenshot(path=str(tmp_path / "7-assessor-case-en.png"), full_page=True)
