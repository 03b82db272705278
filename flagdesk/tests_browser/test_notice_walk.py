# SPDX-License-Identifier: EUPL-1.2
"""Issue 3's walk in a browser, with every part real: an approved case, its composed notice,
Send, a `flagdesk worker` process hands it to the platform's SMTP server (aiosmtpd), the
platform's acknowledgment lands in the team's IMAP mailbox (Dovecot), and the case page
shows it with the time to acknowledgment."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from flagdesk.accounts.constants import Role
from flagdesk.conftest import make_user
from flagdesk.elections.models import Election
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import PLATFORM_ADDRESS, approved_case
from flagdesk.platforms.models import Platform
from flagdesk.tests_browser.conftest import log_in, with_authenticator
from tests_support.dovecot import DEFAULT_USER, DovecotServer
from tests_support.mail import platform_answer
from tests_support.smtp import SmtpServer
from tests_support.worker import start_worker, worker_env

pytestmark = pytest.mark.browser

TEAM = "trustedflagger@minbzk.example"


@pytest.fixture
def platform_server() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def worker(
    site: str, tmp_path: Path, dovecot: DovecotServer, platform_server: SmtpServer
) -> Iterator[subprocess.Popen[str]]:
    env = worker_env(
        tmp_path,
        FLAGDESK_SMTP_URL=platform_server.url,
        FLAGDESK_FROM_EMAIL=TEAM,
        FLAGDESK_IMAP_URL=dovecot.url(),
    )
    process = start_worker(env)
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def reload_until(tab: Page, selector: str, text: str, timeout: float = 60) -> None:
    """The page shows what the worker did on the next load; reload until it does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # A form just posted may still be navigating; reloading in the middle of it
        # detaches the page ("Not attached to an active page").
        tab.wait_for_load_state()
        tab.reload(wait_until="load")
        found = tab.locator(selector)
        if found.count() and text in (found.first.text_content() or ""):
            return
        time.sleep(0.3)
    expect(tab.locator(selector).first).to_contain_text(text)


def test_send_a_notice_and_see_the_acknowledgment(
    tab: Page,
    site: str,
    dovecot: DovecotServer,
    platform_server: SmtpServer,
    worker: subprocess.Popen[str],
) -> None:
    Platform.objects.filter(slug="x").update(
        channel_kind="email", channel_address=PLATFORM_ADDRESS, channel_active=True
    )
    assessor = make_user("anna", Role.ASSESSOR)
    approver = make_user("bram", Role.APPROVER)
    case = approved_case(Election.objects.get(code="TK2023"), assessor, approver)
    notice = Notice.objects.get(case=case)

    tab.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
    log_in(tab, site, assessor, with_authenticator(assessor), f"/cases/{case.reference}")
    tab.goto(f"{site}/cases/{case.reference}")
    article = tab.locator(f"#notice-{notice.pk}")
    # The composed notice: the case reference in the subject, the exact URL in the text.
    subject = article.locator("input[name=subject]")
    expect(subject).to_have_value(
        f"Urgent notification of possible violation of X's civic integrity policy – Dutch election [{case.reference}]"
    )
    body = article.locator("textarea[name=body]")
    expect(body).to_contain_text("https://x.com/kiezer2023/status/1727365011111111111")
    body.fill(
        body.input_value().replace(
            "Dear people at X,", "Dear people at X, dear Trust & Safety team,"
        )
    )
    article.locator("button[name=action][value=send]").click()
    # The confirmation step names platform, channel and recipient before anything is sent.
    expect(tab.locator("#confirm-send")).to_contain_text("X")
    with tab.expect_navigation():
        tab.locator("#confirm-send button[name=confirm]").click()

    reload_until(tab, f"#notice-{notice.pk}", "250")
    [received] = platform_server.messages
    assert b"dear Trust & Safety team" in received.data
    expect(tab.locator(f"#notice-{notice.pk}")).to_have_attribute("data-state", "accepted")

    # X answers; the mail reaches the team mailbox that the worker watches with IDLE.
    notice.refresh_from_db()
    dovecot.append(DEFAULT_USER, platform_answer(notice, TEAM))
    reload_until(tab, f"#notice-{notice.pk} .notice-ack", "acknowledged after")
    expect(tab.locator("#correspondence")).to_contain_text("escalations@x.example")
    assert worker.poll() is None
