# SPDX-License-Identifier: EUPL-1.2
"""The sender check in the browser: a forged acknowledgment waits, with its warning, until an
assessor rejects it; the intake officer sees the warning but no buttons.

Screenshots go to ``FLAGDESK_SHOTS_DIR`` when set (for review), else to the test's tmp dir.
"""

from __future__ import annotations

import os
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from flagdesk.accounts.constants import Role
from flagdesk.conftest import make_user
from flagdesk.elections.models import Election
from flagdesk.tests_browser.conftest import log_in, log_out, with_authenticator

pytestmark = pytest.mark.browser


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("FLAGDESK_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _world() -> dict[str, Any]:
    from flagdesk.mailarchive import service as mailarchive
    from flagdesk.notices import dispatch
    from flagdesk.notices import service as notices
    from flagdesk.notices.models import Notice
    from flagdesk.notices.tests.conftest import PLATFORM_ADDRESS, approved_case
    from flagdesk.platforms.models import Platform

    Platform.objects.filter(slug="x").update(channel_address=PLATFORM_ADDRESS)
    assessor = make_user("trust-assessor", Role.ASSESSOR)
    approver = make_user("trust-approver", Role.APPROVER)
    intake = make_user("trust-intake", Role.INTAKE)
    case = approved_case(Election.objects.get(code="TK2023"), assessor, approver)
    notice = Notice.objects.get(case=case)
    dispatch.attempt_delivery(notices.send(notice, assessor).pk)
    notice.refresh_from_db()
    genuine = EmailMessage()
    genuine["From"] = "X Trust & Safety <escalations@x.example>"
    genuine["Subject"] = f"Re: {notice.subject}"
    genuine["Message-ID"] = make_msgid(domain="x.example")
    genuine["In-Reply-To"] = notice.message_id
    genuine.set_content("Thanks a lot, our Trust & Safety teams will look into it.")
    forged = EmailMessage()
    forged["From"] = "Meta Trust & Safety <help@meta-support-desk.example>"
    forged["Subject"] = f"Re: {case.reference}"
    forged["Message-ID"] = make_msgid(domain="meta-support-desk.example")
    forged.set_content("Thanks. We have received your report.")
    return {
        "assessor": assessor,
        "intake": intake,
        "case": case,
        "notice": notice,
        "forged": mailarchive.import_raw(forged.as_bytes()),
        "genuine": mailarchive.import_raw(genuine.as_bytes()),
    }


def test_a_forged_acknowledgment_is_flagged_and_rejected_by_the_assessor(
    tab: Page, site: str, tmp_path: Path
) -> None:
    world = _world()
    shots = _shots(tmp_path)
    forged, case = world["forged"], world["case"]

    log_in(tab, site, world["intake"], with_authenticator(world["intake"]))
    tab.goto(f"{site}/mail/{forged.pk}")
    expect(tab.locator(".trust-lookalike").first).to_be_visible()
    expect(tab.locator(".confirm-form")).to_have_count(0)
    tab.screenshot(path=str(shots / "intake-message-lookalike.png"), full_page=True)
    tab.goto(f"{site}/cases/{case.reference}#correspondence")
    expect(tab.locator(f"#mail-{forged.pk} .trust-pending")).to_be_visible()
    tab.locator("#correspondence").screenshot(path=str(shots / "intake-case-correspondence.png"))
    log_out(tab)

    log_in(tab, site, world["assessor"], with_authenticator(world["assessor"]))
    tab.goto(f"{site}/mail/unmatched")
    item = tab.locator(f"#confirm-{forged.pk}")
    expect(item.locator(".trust-warning").first).to_be_visible()
    tab.screenshot(path=str(shots / "assessor-queue.png"), full_page=True)
    tab.goto(f"{site}/mail/{forged.pk}")
    tab.screenshot(path=str(shots / "assessor-message-confirm-form.png"), full_page=True)
    tab.fill(f"#confirm-note-{forged.pk}", "Not an X address; X did not write this.")
    tab.locator(f'#trust button[formaction$="/mail/{forged.pk}/reject"]').click()
    expect(tab.locator(".trust-rejected").first).to_be_visible()
    tab.goto(f"{site}/cases/{case.reference}#correspondence")
    expect(tab.locator(f"#mail-{forged.pk} .trust-rejected")).to_be_visible()
    expect(tab.locator(f"#mail-{world['genuine'].pk} .trust-strong")).to_be_visible()
    tab.locator("#correspondence").screenshot(path=str(shots / "assessor-case-after-reject.png"))

    world["notice"].refresh_from_db()
    # The genuine, threaded answer acknowledged the notice; the forged one changed nothing.
    assert world["notice"].acknowledgment_source == f"mail {world['genuine'].message_id}"
