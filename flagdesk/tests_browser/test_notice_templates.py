# SPDX-License-Identifier: EUPL-1.2
"""Issue 14 item 2 in the browser: an administrator edits the notice template, previews it
with a real case, saves a version, reads its diff and goes back to the file; an assessor
has no menu item and gets 403.

Screenshots go to the test's tmp directory, or to ``$SCREENSHOTS_DIR`` when it is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from flagdesk.accounts.constants import Role
from flagdesk.conftest import make_user
from flagdesk.elections.models import Election
from flagdesk.notices.models import Notice, NoticeTemplateVersion
from flagdesk.notices.tests.conftest import approved_case
from flagdesk.tests_browser.conftest import log_in, log_out, with_authenticator
from flagdesk.tests_browser.test_seed_case import seed_team

pytestmark = pytest.mark.browser

EDITOR = "textarea[name=text]"


def test_an_admin_edits_previews_and_reverts_a_template(
    tab: Page, site: str, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    _carol, alice, bob, devices = seed_team()
    dave = make_user("dave", Role.ADMIN)
    case = approved_case(Election.objects.get(code="TK2023"), alice, bob)
    draft_before = Notice.objects.get(case=case).body

    log_in(tab, site, dave, with_authenticator(dave))
    tab.locator("nav a[href$='/notice-templates']").click()
    expect(tab.locator("#template-list")).to_contain_text("notice.misinformation.en.txt")
    tab.screenshot(path=str(shots / "admin-list.png"), full_page=True)

    tab.locator("#template-list a[href$='/notice-templates/notice.misinformation.en.txt']").click()
    text = tab.locator(EDITOR).input_value()
    assert text.startswith("{% autoescape off %}Dear people at")
    tab.fill(EDITOR, text.replace("Dear people at", "Dear colleagues at"))
    tab.select_option("select[name=decision]", index=1)
    tab.locator("button[value=preview]").click()
    preview = tab.locator("#template-preview")
    expect(preview).to_contain_text("Dear colleagues at X,")
    expect(preview).to_contain_text(case.reference)
    preview.scroll_into_view_if_needed()
    tab.screenshot(path=str(shots / "admin-preview.png"), full_page=True)
    assert not NoticeTemplateVersion.objects.exists()  # the preview stores nothing

    tab.fill("input[name=note]", "A warmer greeting")
    tab.locator("button[value=save]").click()
    expect(tab.locator("#template-versions")).to_contain_text("A warmer greeting")
    tab.screenshot(path=str(shots / "admin-edit-saved.png"), full_page=True)

    tab.locator("#template-versions a[href$='/v1']").click()
    expect(tab.locator("#template-diff .diff-add")).to_contain_text("Dear colleagues at")
    expect(tab.locator("#template-diff .diff-del")).to_contain_text("Dear people at")
    tab.screenshot(path=str(shots / "admin-diff.png"), full_page=True)

    tab.goto(f"{site}/notice-templates/notice.misinformation.en.txt")
    tab.locator("form[action$='/use-file'] button").click()
    expect(tab.locator("form[action$='/use-file']")).to_have_count(0)
    assert not NoticeTemplateVersion.objects.filter(active=True).exists()
    assert Notice.objects.get(case=case).body == draft_before  # the draft kept its text
    log_out(tab)

    log_in(tab, site, alice, devices[alice.pk])
    expect(tab.locator("nav a[href$='/notice-templates']")).to_have_count(0)
    tab.screenshot(path=str(shots / "assessor-dashboard.png"), full_page=True)
    tab.goto(f"{site}/cases/{case.reference}")
    made_from = tab.locator(".notice-template")
    expect(made_from).to_contain_text("notice.misinformation.en.txt")
    made_from.scroll_into_view_if_needed()
    tab.screenshot(path=str(shots / "assessor-case-notice.png"))
    response = tab.goto(f"{site}/notice-templates")
    assert response is not None and response.status == 403
    tab.screenshot(path=str(shots / "assessor-403.png"), full_page=True)
