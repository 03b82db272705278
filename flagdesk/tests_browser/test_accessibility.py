# SPDX-License-Identifier: EUPL-1.2
"""WCAG 2.1 AA: axe-core checks every main page, in Dutch and in English.

axe finds what a machine can find (labels, contrast, landmarks, ARIA, headings); keyboard
use of the main path is covered by the seed-case walk, which fills every form itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from flagdesk.accounts.constants import Role
from flagdesk.assessments import service as assessments
from flagdesk.conftest import make_user
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case
from flagdesk.tests_browser.conftest import log_in, with_authenticator

pytestmark = pytest.mark.browser

WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
PAGES = [
    "/",
    "/cases",
    "/signals/new",
    "/signals/citizen",
    "/platforms",
    "/platforms/x/edit",
    "/partners",
    "/partners/new",
    "/narratives",
    "/narratives/two-boxes",
    "/reports",
    "/mail/unmatched",
    "/retention",
    "/notice-templates",
    "/notice-templates/notice.misinformation.en.txt",
    "/notice-templates/notice.misinformation.en.txt/v1",
    "/notifications",
    "/account/notifications",
]


@pytest.fixture(params=["nl", "en"])
def axe_tab(request: pytest.FixtureRequest, chromium: Browser) -> Iterator[Page]:
    # axe is injected by script; the page's strict CSP would otherwise (rightly) refuse it.
    context = chromium.new_context(
        locale=request.param, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(30_000)
    context.add_cookies(
        [{"name": "django_language", "value": request.param, "url": "http://localhost"}]
    )
    yield context.new_page()
    context.close()


def _violations(page: Page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
        for v in results.response["violations"]
    ]


def _seed_case(user: Any) -> str:
    election = Election.objects.get(code="TK2023")
    result = intake.record_signal(
        intake.SignalInput(
            election=election,
            source_type="media",
            category="misinformation",
            platform_name="x",
            content_urls=["https://x.com/a/status/1727300000000000001"],
            received_via="phone",
            source_organisation_name="NOS",
            explanation="Twee vakjes rood maken.",
        ),
        actor=user,
    )
    assert result.case is not None
    return result.case.reference


def test_login_page_has_no_wcag_violations(axe_tab: Page, site: str) -> None:
    axe_tab.context.add_cookies([{"name": "django_language", "value": "nl", "url": site}])
    axe_tab.goto(f"{site}/login")
    assert _violations(axe_tab) == []


def test_the_lockout_page_has_no_wcag_violations(axe_tab: Page, site: str) -> None:
    make_user("locked", Role.ASSESSOR)
    axe_tab.goto(f"{site}/login")
    for _ in range(5):
        axe_tab.fill("#id_username", "locked")
        axe_tab.fill("#id_password", "not the password")
        with axe_tab.expect_navigation():
            axe_tab.locator("form:has(#id_username) button[type=submit]").click()
    assert axe_tab.locator("h1").inner_text() in {"Too many attempts", "Te veel pogingen"}
    assert _violations(axe_tab) == []


def test_main_pages_have_no_wcag_violations(axe_tab: Page, site: str) -> None:
    user = make_user("allroles", Role.INTAKE, Role.ASSESSOR, Role.APPROVER, Role.ADMIN)
    reference = _seed_case(user)
    from flagdesk.notices import service as notices

    notices.save_template_version(
        "notices/mail/notice.misinformation.en.txt",
        "Hello\n{{ f.reference }}\n",
        "for the checker",
        user,
    )
    assessments.save_assessment(
        Case.objects.get(reference=reference),
        {"election_process_risk": True, "misleading": True, "harms": ["invalid_vote"]},
        user,
    )
    log_in(axe_tab, site, user, with_authenticator(user))
    found = {}
    for path in [*PAGES, f"/cases/{reference}"]:
        axe_tab.goto(f"{site}{path}")
        problems = _violations(axe_tab)
        if problems:
            found[path] = problems
    assert found == {}


def test_the_checker_itself_finds_a_missing_label(axe_tab: Page) -> None:
    axe_tab.set_content('<html lang="en"><body><main><input type="text"></main></body></html>')
    assert any(problem.startswith("label") for problem in _violations(axe_tab))


def test_correspondence_pages_have_no_wcag_violations(axe_tab: Page, site: str) -> None:
    """A draft notice, a sent and acknowledged one, a received message and the unmatched queue."""
    from email.message import EmailMessage
    from email.utils import make_msgid

    from flagdesk.mailarchive import service as mailarchive
    from flagdesk.notices import dispatch
    from flagdesk.notices import service as notices
    from flagdesk.notices.models import Notice
    from flagdesk.notices.tests.conftest import PLATFORM_ADDRESS, approved_case
    from flagdesk.platforms.models import Platform

    Platform.objects.filter(slug="x").update(channel_address=PLATFORM_ADDRESS)
    election = Election.objects.get(code="TK2023")
    assessor = make_user("axe-assessor", Role.ASSESSOR)
    approver = make_user("axe-approver", Role.APPROVER)
    draft_case = approved_case(election, assessor, approver)
    sent_case = approved_case(election, assessor, approver, url="https://x.com/b/status/2")
    notice = Notice.objects.get(case=sent_case)
    dispatch.attempt_delivery(notices.send(notice, assessor).pk)  # to the local outbox
    notice.refresh_from_db()
    reply = EmailMessage()
    reply["From"] = "escalations@x.example"
    reply["Subject"] = f"Re: {notice.subject}"
    reply["Message-ID"] = make_msgid()
    reply["In-Reply-To"] = notice.message_id
    reply.set_content("Thanks, we will look into it.")
    message = mailarchive.import_raw(reply.as_bytes())
    stray = EmailMessage()
    stray["From"] = "someone@example.org"
    stray["Subject"] = "Question"
    stray["Message-ID"] = make_msgid()
    stray.set_content("Hello?")
    mailarchive.import_raw(stray.as_bytes())
    forged = EmailMessage()  # needs confirmation: the confirm form and the warnings
    forged["From"] = "help@meta-support-desk.example"
    forged["Subject"] = f"Re: {sent_case.reference}"
    forged["Message-ID"] = make_msgid()
    forged.set_content("Thanks.")
    pending = mailarchive.import_raw(forged.as_bytes())

    log_in(axe_tab, site, assessor, with_authenticator(assessor))
    found = {}
    for path in [
        f"/cases/{draft_case.reference}",
        f"/cases/{sent_case.reference}",
        f"/mail/{message.pk}",
        f"/mail/{pending.pk}",
        "/mail/unmatched",
        "/",
    ]:
        axe_tab.goto(f"{site}{path}")
        problems = _violations(axe_tab)
        if problems:
            found[path] = problems
    assert found == {}


def test_report_and_redaction_pages_have_no_wcag_violations(axe_tab: Page, site: str) -> None:
    """The reports list, one election's report with a final version, the review list and a
    document with accepted, rejected and open redactions."""
    from flagdesk.notices import dispatch
    from flagdesk.notices import service as notices
    from flagdesk.notices.models import Notice
    from flagdesk.notices.tests.conftest import PLATFORM_ADDRESS, approved_case
    from flagdesk.platforms.models import Platform
    from flagdesk.redaction import service as redaction
    from flagdesk.redaction.models import RedactedDocument, Status
    from flagdesk.reports import service as reports

    Platform.objects.filter(slug="x").update(channel_address=PLATFORM_ADDRESS)
    election = Election.objects.get(code="TK2023")
    assessor = make_user("axe-assessor", Role.ASSESSOR)
    approver = make_user("axe-approver", Role.APPROVER, Role.ASSESSOR)
    assessor.first_name, assessor.last_name = "Jan", "de Vries"
    assessor.save()
    notice = Notice.objects.get(case=approved_case(election, assessor, approver))
    dispatch.attempt_delivery(notices.send(notice, assessor).pk)  # to the local outbox
    reports.build(election)
    for document in redaction.documents_for_election(election):
        redaction.mark_checked(document, approver)  # a person looked (issue 15)
        redaction.accept_all_proposed(document, approver)
        for open_one in document.redactions.filter(status=Status.PROPOSED):
            redaction.decide(open_one, False, approver)
    reports.sign_off(election, approver, "Eerste versie.")
    body = RedactedDocument.objects.get(kind="notice.body")
    rejected = body.redactions.first()
    assert rejected is not None
    redaction.decide(rejected, False, approver)
    extra = redaction.document_for(
        election, "mail.text", 1, "Groet,\nJan de Vries\nT 06-12345678\n", "Reply from X"
    )

    log_in(axe_tab, site, approver, with_authenticator(approver))
    found = {}
    for path in [
        "/reports",
        "/reports/TK2023",
        "/reports/TK2023/redactions",
        f"/redactions/documents/{body.pk}",
        f"/redactions/documents/{extra.pk}",
    ]:
        axe_tab.goto(f"{site}{path}")
        problems = _violations(axe_tab)
        if problems:
            found[path] = problems
    assert found == {}


def test_the_keyboard_help_dialog_has_no_wcag_violations(axe_tab: Page, site: str) -> None:
    user = make_user("keys", Role.ASSESSOR)
    _seed_case(user)
    log_in(axe_tab, site, user, with_authenticator(user), next_path="/cases")
    axe_tab.keyboard.press("?")
    assert axe_tab.locator("#shortcut-help").is_visible()
    assert _violations(axe_tab) == []
