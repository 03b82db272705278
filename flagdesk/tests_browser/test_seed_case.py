# SPDX-License-Identifier: EUPL-1.2
"""The seed case through the real UI: NOS signals the "two boxes" post on X, an assessor
deploys, a different approver approves. Four eyes are checked in the browser too."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from flagdesk.accounts import service as accounts
from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import User
from flagdesk.conftest import make_user
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case, CaseState
from flagdesk.tests_browser.conftest import log_in, log_out, with_authenticator

pytestmark = pytest.mark.browser

SEED_URL = "https://twitter.com/someone/status/1727300000000000000?s=20"
EXPLANATION = (
    "The post tells GroenLinks/PvdA voters to colour two boxes on the ballot; "
    "that makes their vote invalid."
)


def record_seed_signal(tab: Page, site: str) -> str:
    """As the intake officer: type in what NOS reported by e-mail; return the case reference."""
    tab.goto(f"{site}/signals/new")
    tk2023 = Election.objects.get(code="TK2023")
    tab.select_option("select[name=election]", value=str(tk2023.pk))
    tab.fill("input[name=received_at]", "2023-11-22T09:30")
    tab.select_option("select[name=source_organisation]", label="NOS")
    tab.check("input[name=received_via][value=email]")
    tab.fill("input[name=contact_name]", "Redactie NOS")
    tab.fill("input[name=contact_email]", "redactie@nos.invalid")
    tab.check("input[name=category][value=misinformation]")
    tab.select_option("select[name=platform]", value="x")
    tab.fill("textarea[name=content_urls]", SEED_URL)
    tab.fill("textarea[name=explanation]", EXPLANATION)
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_url("**/signals/*/recorded")
    link = tab.locator("main a[href*='/cases/FD-']").first
    reference = link.inner_text().strip()
    assert re.fullmatch(r"FD-\d{4}-\d{4}", reference)
    return reference


def assess_and_propose(tab: Page, site: str, reference: str, screenshot: str = "") -> None:
    """As the assessor: checklist, live eligibility, then propose to deploy."""
    tab.goto(f"{site}/cases/{reference}")
    expect(tab.locator("h1")).to_contain_text(reference)
    expect(tab.locator("main")).to_contain_text(EXPLANATION)
    live = tab.locator("#eligibility-live")
    tab.check("input[name=election_process_risk][value=yes]")
    expect(live.locator("[data-reason=ASSESSMENT_INCOMPLETE]")).to_be_visible()
    tab.check("input[name=harms][value=invalid_vote]")
    tab.check("input[name=misleading][value=no]")
    expect(live.locator("[data-reason=NOT_MISLEADING]")).to_be_visible()
    tab.check("input[name=misleading][value=yes]")
    expect(live.locator("[data-eligible=true]")).to_be_visible()
    tab.fill("textarea[name=misleading_reasoning]", "Colouring two boxes makes a vote invalid.")
    if screenshot:
        tab.screenshot(path=screenshot, full_page=True)
    tab.locator("#checklist button[type=submit]").click()
    expect(tab.locator("#case-state")).to_have_attribute("data-state", CaseState.ASSESSING)
    expect(live.locator("[data-eligible=true]")).to_be_visible()
    tab.check("#decision-form input[name=outcome][value=deploy]")
    tab.fill(
        "#decision-form textarea[name=justification]",
        "Calls on voters to cast an invalid vote; use X's Urgent Escalation Channel.",
    )
    tab.locator("#decision-form button[type=submit]").click()
    expect(tab.locator("#case-state")).to_have_attribute("data-state", CaseState.AWAITING_APPROVAL)


def seed_team() -> tuple[User, User, User, dict[int, TOTPDevice]]:
    """The partner NOS and the seed's three people (intake, assessor, approver) with their
    authenticators, by user id."""
    accounts.create_partner("NOS", "media")
    carol, alice, bob = (
        make_user("carol", Role.INTAKE),
        make_user("alice", Role.ASSESSOR),
        make_user("bob", Role.APPROVER),
    )
    devices = {u.pk: with_authenticator(u) for u in (carol, alice, bob)}
    return carol, alice, bob, devices


def test_seed_case_through_the_ui(tab: Page, site: str) -> None:
    carol, alice, bob, devices = seed_team()

    log_in(tab, site, carol, devices[carol.pk])
    reference = record_seed_signal(tab, site)
    log_out(tab)

    log_in(tab, site, alice, devices[alice.pk], f"/cases/{reference}")
    assess_and_propose(tab, site, reference, screenshot="/tmp/case_page.png")
    expect(tab.locator("#review-form")).to_have_count(0)
    expect(tab.locator("#saved-answers")).to_contain_text("Colouring two boxes")
    log_out(tab)

    log_in(tab, site, bob, devices[bob.pk], f"/cases/{reference}")
    tab.locator("#review-form button[value=approve]").click()
    expect(tab.locator("#case-state")).to_have_attribute("data-state", CaseState.DECIDED)
    expect(tab.locator("#final-decision")).to_contain_text("bob")
    expect(tab.locator("#final-decision")).to_contain_text("alice")
    # The interface is Dutch by default.
    expect(tab.locator(".timeline")).to_contain_text("Besluit goedgekeurd")
    assert Case.objects.get(reference=reference).state == CaseState.DECIDED


def test_assessor_cannot_approve_own_decision(tab: Page, site: str) -> None:
    accounts.create_partner("NOS", "media")
    carol = make_user("carol", Role.INTAKE)
    frank = make_user("frank", Role.ASSESSOR, Role.APPROVER)
    log_in(tab, site, carol, with_authenticator(carol))
    reference = record_seed_signal(tab, site)
    log_out(tab)

    log_in(tab, site, frank, with_authenticator(frank), f"/cases/{reference}")
    assess_and_propose(tab, site, reference)
    expect(tab.locator("#review-form")).to_have_count(0)
    expect(tab.locator("#own-decision-note")).to_be_visible()
    # Even a hand-made POST is refused by the service.
    token = tab.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = tab.request.post(
        f"{site}/cases/{reference}/review",
        form={"verdict": "approve", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{site}/cases/{reference}"},
    )
    assert response.status == 400
    assert "U kunt uw eigen besluit niet goedkeuren." in response.text()
    assert Case.objects.get(reference=reference).state == CaseState.AWAITING_APPROVAL
