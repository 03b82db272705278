# SPDX-License-Identifier: EUPL-1.2
"""Issue 15 in the browser, two people side by side (two browser contexts): the assessor
takes a case and the approver sees it is in use; the assessor proposes, withdraws (after a
confirmation) and proposes again; the approver sends it back with a reason, which the
assessor then reads on the case page. Screenshots as assessor, approver and administrator
go to /tmp/shots-issue15-owners/ (English and Dutch)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from flagdesk.accounts.constants import Role
from flagdesk.conftest import make_user
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import CaseState
from flagdesk.tests_browser.conftest import log_in, with_authenticator
from flagdesk.tests_browser.test_seed_case import EXPLANATION, SEED_URL

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-issue15-owners")
REASON = "The source is missing: add the NOS article to the explanation."


@pytest.fixture
def pages(chromium: Browser) -> Iterator[dict[str, Page]]:
    """One browser context per person and language, as two people at two screens."""
    contexts = {}
    for name, locale in (
        ("alice", "en-GB"),
        ("bob", "en-GB"),
        ("dave", "en-GB"),
        ("bob_nl", "nl-NL"),
    ):
        context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(30_000)
        contexts[name] = context
    yield {name: context.new_page() for name, context in contexts.items()}
    for context in contexts.values():
        context.close()


def in_language(pages: dict[str, Page], site: str) -> None:
    for name, page in pages.items():
        language = "nl" if name.endswith("_nl") else "en"
        page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_cases() -> list[str]:
    election = Election.objects.get(code="TK2023")
    references = []
    for n in range(3):
        result = intake.record_signal(
            intake.SignalInput(
                election=election,
                source_type="media",
                category="misinformation",
                platform_name="x",
                content_urls=[SEED_URL if n == 0 else f"https://x.com/kiezer/status/17273{n}"],
                explanation=EXPLANATION,
                received_via="email",
                source_organisation_name="NOS",
            )
        )
        assert result.case is not None
        references.append(result.case.reference)
    return references


def propose(page: Page) -> None:
    page.check("#decision-form input[name=outcome][value=no_deploy]")
    page.fill("#decision-form textarea[name=justification]", "Already removed by the platform.")
    page.locator("#decision-form button[type=submit]").click()
    expect(page.locator("#case-state")).to_have_attribute("data-state", CaseState.AWAITING_APPROVAL)


def test_two_people_one_case(site: str, pages: dict[str, Page]) -> None:
    alice, bob = make_user("alice", Role.ASSESSOR), make_user("bob", Role.APPROVER)
    dave = make_user("dave", Role.ADMIN)
    reference, *_others = open_cases()
    in_language(pages, site)
    for name, user in (("alice", alice), ("bob", bob), ("dave", dave), ("bob_nl", bob)):
        log_in(pages[name], site, user, with_authenticator(user), "/cases")
    a, b = pages["alice"], pages["bob"]

    # The assessor takes the case from its page (the button the "t" shortcut clicks).
    a.goto(f"{site}/cases/{reference}")
    expect(a.locator("#case-owner")).to_have_text("nobody")
    a.locator("[data-shortcut=t]").click()
    expect(a.locator("#case-owner")).to_have_text("alice")
    shot(a, "assessor-case-taken")

    # The approver opens it and sees who is working on it.
    b.goto(f"{site}/cases/{reference}")
    expect(b.locator("#in-use")).to_contain_text("alice is working on this case")
    shot(b, "approver-case-in-use")
    pages["bob_nl"].goto(f"{site}/cases/{reference}")
    expect(pages["bob_nl"].locator("#in-use")).to_contain_text("alice werkt aan deze zaak")
    shot(pages["bob_nl"], "approver-case-in-use-nl")

    # The assessor assesses and proposes, withdraws after confirming, and proposes again.
    a.check("input[name=election_process_risk][value=yes]")
    a.check("input[name=harms][value=invalid_vote]")
    a.check("input[name=misleading][value=yes]")
    a.locator("#checklist button[type=submit]").click()
    expect(a.locator("#case-state")).to_have_attribute("data-state", CaseState.ASSESSING)
    propose(a)
    shot(a, "assessor-proposed-withdraw-button")
    dialogs: list[str] = []

    def confirm(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    a.once("dialog", confirm)
    a.locator("#withdraw-decision").click()
    expect(a.locator("#case-state")).to_have_attribute("data-state", CaseState.ASSESSING)
    assert dialogs and "Withdraw your proposed decision" in dialogs[0]
    expect(a.locator(".timeline")).to_contain_text("Decision withdrawn by its proposer")
    propose(a)

    # The administrator sees the hand-over form (the only other approver may be away).
    pages["dave"].goto(f"{site}/cases/{reference}")
    expect(pages["dave"].locator("#reassign-form")).to_be_visible()
    shot(pages["dave"], "admin-case-hand-over")

    # The approver sends it back with a reason; the assessor reads the reason.
    b.goto(f"{site}/cases/{reference}")
    b.fill("#review-form textarea[name=comment]", REASON)
    b.locator("#review-form button[value=send_back]").click()
    expect(b.locator("#case-state")).to_have_attribute("data-state", CaseState.ASSESSING)
    a.goto(f"{site}/cases/{reference}")
    expect(a.locator("#sent-back-reason")).to_contain_text(REASON)
    expect(a.locator("#sent-back-reason")).to_contain_text("bob sent the proposed decision back")
    shot(a, "assessor-sent-back-reason")


def test_bulk_assign_from_the_case_list(site: str, pages: dict[str, Page]) -> None:
    alice, bob = make_user("alice", Role.ASSESSOR), make_user("bob", Role.APPROVER)
    references = open_cases()
    in_language(pages, site)
    log_in(pages["bob_nl"], site, bob, with_authenticator(bob), "/cases")
    log_in(pages["bob"], site, bob, with_authenticator(bob), "/cases")
    log_in(pages["alice"], site, alice, with_authenticator(alice), "/cases")
    b = pages["bob_nl"]
    b.goto(f"{site}/cases?owner=none")
    shot(b, "approver-case-list-nl")
    pages["bob"].goto(f"{site}/cases?owner=none")
    shot(pages["bob"], "approver-case-list")
    for reference in references[:2]:
        b.get_by_label(f"{reference} selecteren").check()
    b.select_option("#bulk-assignee", label="alice")
    b.locator("#bulk-assign button[type=submit]").click()
    expect(b.locator(".messages")).to_contain_text("2 zaken toegewezen aan alice")
    shot(b, "approver-case-list-after-bulk-nl")

    a = pages["alice"]
    a.goto(f"{site}/cases?owner=me")
    rows = a.locator("#case-results tbody tr")
    expect(rows).to_have_count(2)
    expect(a.locator("#case-results")).not_to_contain_text(references[2])
    shot(a, "assessor-case-list-mine")
