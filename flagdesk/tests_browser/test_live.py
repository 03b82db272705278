# SPDX-License-Identifier: EUPL-1.2
"""Issue 15 item 2 in the browser, two people side by side: what one does shows on the
other's open page within 2 s, without a reload, with a brief highlight; a form being
edited is never replaced. Screenshots go to /tmp/shots-issue15-live/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from flagdesk.accounts.constants import Role
from flagdesk.assessments import service as assessments
from flagdesk.assessments.tests.test_service_workflow import ELIGIBLE, new_case
from flagdesk.conftest import make_user
from flagdesk.elections.models import Election
from flagdesk.intake.models import CaseState
from flagdesk.tests_browser.conftest import log_in, with_authenticator

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-issue15-live")
# The page polls every 1.5 s, so on a quiet machine a change shows within 2 s. The test
# proves that it shows without a reload; how fast is a speed goal, which belongs in a
# benchmark, not in an assert that a busy CI machine (two test workers, Chromium) would
# break: so the test allows a few polls.
WITHIN_A_FEW_POLLS = 8_000


def second_window(chromium: Browser, locale: str = "nl-NL") -> Iterator[Page]:
    context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def approver_tab(chromium: Browser) -> Iterator[Page]:
    yield from second_window(chromium)


def in_english(page: Page, site: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_the_approver_sees_the_proposal_and_the_assessor_the_approval_live(
    tab: Page, approver_tab: Page, site: str
) -> None:
    alice = make_user("alice", Role.ASSESSOR)
    bob = make_user("bob", Role.APPROVER)
    case = new_case(Election.objects.get(code="TK2023"))
    assessments.save_assessment(case, ELIGIBLE, alice)

    log_in(approver_tab, site, bob, with_authenticator(bob), "/")
    review = approver_tab.locator("#main section[aria-labelledby=h-waiting]")
    expect(review).not_to_contain_text(case.reference)
    bell = approver_tab.locator("#notification-bell")
    expect(bell).to_have_attribute("data-unread", "0")

    in_english(tab, site)
    log_in(tab, site, alice, with_authenticator(alice), f"/cases/{case.reference}")
    form = tab.locator("#decision-form")
    form.locator("input[name=outcome][value=no_deploy]").check()
    form.locator("textarea[name=justification]").fill("No risk to the election process.")
    form.locator("button[type=submit]").click()
    expect(tab.locator("#case-state")).to_have_attribute("data-state", CaseState.AWAITING_APPROVAL)

    # The approver's dashboard, never reloaded, lists the decision to review.
    expect(review.locator(".waiting-review")).to_contain_text(
        case.reference, timeout=WITHIN_A_FEW_POLLS
    )
    expect(approver_tab.locator("#main .live-changed").first).to_be_visible()
    expect(approver_tab.locator("#live-status")).to_contain_text("Bijgewerkt")
    # The bell in the header, outside the live regions, follows too.
    expect(bell).to_have_attribute("data-unread", "1", timeout=WITHIN_A_FEW_POLLS)
    shoot(approver_tab, "1-approver-dashboard-nl-cue.png")

    approver_tab.locator(".waiting-review a", has_text=case.reference).click()
    approver_tab.locator("#review-form button[value=approve]").click()
    expect(approver_tab.locator("#final-decision")).to_be_visible()

    # The assessor's case page, open all along, shows the approval.
    expect(tab.locator("#final-decision")).to_be_visible(timeout=WITHIN_A_FEW_POLLS)
    expect(tab.locator("#case-state")).to_have_attribute(
        "data-state", CaseState.DECIDED, timeout=WITHIN_A_FEW_POLLS
    )
    expect(tab.locator("#live-status")).to_contain_text("Updated")
    shoot(tab, "2-assessor-case-page-en-cue.png")


def test_a_form_being_edited_is_kept_and_a_reload_is_offered(
    tab: Page, site: str, chromium: Browser
) -> None:
    alice, erin = make_user("alice", Role.ASSESSOR), make_user("erin", Role.ASSESSOR)
    case = new_case(Election.objects.get(code="TK2023"))
    in_english(tab, site)
    log_in(tab, site, alice, with_authenticator(alice), f"/cases/{case.reference}")
    typed = "Mijn eigen toelichting, nog niet opgeslagen."
    reasoning = tab.locator("textarea[name=misleading_reasoning]")
    reasoning.fill(typed)

    assessments.save_assessment(case, ELIGIBLE, erin)  # someone else saves the checklist

    notice = tab.locator("#main .live-notice")
    expect(notice).to_be_visible(timeout=WITHIN_A_FEW_POLLS)
    expect(notice).to_contain_text("reload to see the changes")
    expect(reasoning).to_have_value(typed)
    expect(reasoning).to_be_focused()
    shoot(tab, "3-assessor-editing-en-held.png")
    notice.locator("button").click()
    expect(tab.locator("#case-state")).to_have_attribute("data-state", CaseState.ASSESSING)


def test_a_logged_out_page_stops_and_says_so(tab: Page, site: str, chromium: Browser) -> None:
    bob = make_user("bob", Role.APPROVER)
    log_in(tab, site, bob, with_authenticator(bob), "/")
    tab.context.clear_cookies()
    expect(tab.locator("#main .live-notice")).to_be_visible(timeout=WITHIN_A_FEW_POLLS)
    shoot(tab, "4-approver-session-ended-nl.png")


def live_requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on(
        "request",
        lambda request: (
            seen.append(request.url) if request.headers.get("x-flagdesk-live") else None
        ),
    )
    return seen


def test_polling_pauses_in_a_hidden_tab_and_backs_off_on_errors(tab: Page, site: str) -> None:
    bob = make_user("bob", Role.APPROVER)
    log_in(tab, site, bob, with_authenticator(bob), "/")
    polls = live_requests(tab)
    tab.wait_for_function("document.querySelector('#live-status') !== null")
    tab.wait_for_timeout(3_200)
    assert len(polls) >= 2  # every 1.5 s while visible

    tab.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    hidden_from = len(polls)
    tab.wait_for_timeout(3_200)
    assert len(polls) == hidden_from  # nothing asked while hidden

    # Back, with a server that fails: the first poll goes at once, then the gaps double.
    tab.route("**/*", lambda route: route.fulfill(status=503, body=""))
    tab.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    tab.wait_for_timeout(6_000)
    # Without backoff: at 0, 1.5, 3, 4.5, 6 s (5 polls); with it: at 0, 3 s (then 9 s).
    assert 1 <= len(polls) - hidden_from <= 3
