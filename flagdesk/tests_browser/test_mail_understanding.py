# SPDX-License-Identifier: EUPL-1.2
"""Mail that is no answer, a colleague's forward and mail pointing at two cases, as the
assessor and the intake officer see them on "Mail to check" (Dutch, the default).

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


def _mail(sender: str, subject: str, text: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "trustedflagger@minbzk.example"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


def _world() -> dict[str, Any]:
    from flagdesk.mailarchive import service as mailarchive
    from flagdesk.notices import service as notices
    from flagdesk.notices.models import Notice
    from flagdesk.notices.tests.conftest import PLATFORM_ADDRESS, approved_case
    from flagdesk.platforms.models import Platform

    Platform.objects.filter(slug="x").update(channel_address=PLATFORM_ADDRESS)
    assessor = make_user("mu-assessor", Role.ASSESSOR)
    approver = make_user("mu-approver", Role.APPROVER)
    intake = make_user("mu-intake", Role.INTAKE)
    election = Election.objects.get(code="TK2023")
    one = approved_case(election, assessor, approver)
    two = approved_case(election, assessor, approver, "https://x.com/b/status/1727365022222222222")
    for case in (one, two):
        notices.send(Notice.objects.get(case=case), assessor)
    forward = _mail(
        "Collega Bakker <m.bakker@minbzk.example>",
        f"FW: RE: {one.reference}",
        "Zie hieronder het antwoord van X.\n\nVan: X <noreply@x.com>\nVerzonden: dinsdag\n"
        f"Aan: mij\nOnderwerp: RE: [{one.reference}]\n\nWe've received your report.",
    )
    newsletter = _mail(
        "Nieuwsbrief <nieuws@ngo.example>",
        "Nieuwsbrief maart",
        "In deze nieuwsbrief: platformregels.",
        List_Unsubscribe="<mailto:afmelden@ngo.example>",
    )
    both = _mail(
        "X Safety <safety@x.com>",
        "Your escalations",
        f"Regarding {one.reference} and {two.reference}: both accounts are secured.",
    )
    return {
        "assessor": assessor,
        "intake": intake,
        "forward": mailarchive.import_raw(forward),
        "newsletter": mailarchive.import_raw(newsletter),
        "both": mailarchive.import_raw(both),
        "cases": (one.reference, two.reference),
    }


def test_mail_to_check_shows_unrelated_internal_and_ambiguous_mail(
    tab: Page, site: str, tmp_path: Path, settings: Any
) -> None:
    settings.ORGANISATION_DOMAINS = ["minbzk.example"]
    world = _world()
    shots = Path(os.environ.get("FLAGDESK_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)

    log_in(tab, site, world["assessor"], with_authenticator(world["assessor"]))
    tab.goto(f"{site}/mail/unmatched")
    newsletter = tab.locator(f"#mail-{world['newsletter'].pk}")
    expect(newsletter.locator(".kind-unrelated")).to_have_text(
        "Geen antwoord (nieuwsbrief, lijstmail, spam)"
    )
    both = tab.locator(f"#mail-{world['both'].pk}")
    expect(both.locator(".link-candidates")).to_contain_text(world["cases"][0])
    expect(both.locator(".link-candidates")).to_contain_text(world["cases"][1])
    forward = tab.locator(f"#confirm-{world['forward'].pk}")
    expect(forward.locator(".kind-internal")).to_have_text("Intern (van ons eigen domein)")
    tab.screenshot(path=str(shots / "assessor-mail-to-check.png"), full_page=True)
    log_out(tab)

    log_in(tab, site, world["intake"], with_authenticator(world["intake"]))
    tab.goto(f"{site}/mail/unmatched")
    expect(tab.locator(f"#mail-{world['both'].pk} .link-candidates")).to_be_visible()
    tab.screenshot(path=str(shots / "intake-mail-to-check.png"), full_page=True)
