# SPDX-License-Identifier: EUPL-1.2
"""An earlier archive brought in with `flagdesk import-mail`, seen in the browser: the case
shows the notice the old tool sent with the platform's acknowledgment, and mail that found
no case waits on Mail to check — for the assessor and the intake officer alike.

Screenshots go to ``FLAGDESK_SHOTS_DIR`` when set (for review), else to the test's tmp dir.
"""

from __future__ import annotations

import os
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


def _world(tmp_path: Path) -> dict[str, Any]:
    from flagdesk.mailarchive.tests.mailfiles import (
        SENT_AT,
        TEAM,
        import_mail,
        mail,
        our_notice,
        write_mbox,
        xs_answer,
    )
    from flagdesk.notices.tests.conftest import PLATFORM_ADDRESS, approved_case
    from flagdesk.platforms.models import Platform

    Platform.objects.filter(slug="x").update(channel_address=PLATFORM_ADDRESS)
    assessor = make_user("import-assessor", Role.ASSESSOR)
    approver = make_user("import-approver", Role.APPROVER)
    intake = make_user("import-intake", Role.INTAKE)
    case = approved_case(Election.objects.get(code="TK2023"), assessor, approver)
    stray = mail(
        sender="Nieuwsbrief <nieuws@example.org>",
        to=TEAM,
        subject="Verkiezingsnieuws week 47",
        message_id="<week47@example.org>",
        date=SENT_AT,
        text="Het nieuws van deze week.",
    )
    path = write_mbox(tmp_path / "tk2023.mbox", [xs_answer(), stray, our_notice(case.reference)])
    status, _out, err = import_mail(path)
    assert status == 0, err
    return {"assessor": assessor, "intake": intake, "case": case}


def test_the_imported_correspondence_shows_on_the_case_and_mail_to_check(
    tab: Page, site: str, tmp_path: Path
) -> None:
    world = _world(tmp_path)
    shots = _shots(tmp_path)
    case = world["case"]
    for role in ("assessor", "intake"):
        user = world[role]
        log_in(tab, site, user, with_authenticator(user))
        tab.goto(f"{site}/cases/{case.reference}#correspondence")
        correspondence = tab.locator("#correspondence")
        expect(correspondence).to_contain_text("Trusted flagger notification")
        expect(correspondence).to_contain_text("Re: Trusted flagger notification")
        # The timeline names the import (Dutch, the default language).
        expect(tab.locator("main")).to_contain_text("Melding geïmporteerd uit een eerder archief")
        tab.screenshot(path=str(shots / f"{role}-case-imported.png"), full_page=True)
        tab.goto(f"{site}/mail/unmatched")
        expect(tab.locator("main")).to_contain_text("Verkiezingsnieuws week 47")
        tab.screenshot(path=str(shots / f"{role}-mail-to-check.png"), full_page=True)
        log_out(tab)
