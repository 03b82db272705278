# SPDX-License-Identifier: EUPL-1.2
"""Fixtures for the browser tests: Debian's Chromium driven by Playwright's sync API.

Run with ``pytest flagdesk/tests_browser -p no:xdist``. Never ``playwright install``:
the tests use the system browser at /usr/bin/chromium.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps as django_apps
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect, sync_playwright

from flagdesk.accounts.models import User
from flagdesk.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to
# run next to it in the test process (the live server itself runs in its own thread).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SEED_MIGRATIONS = (
    "flagdesk.elections.migrations.0002_seed_elections",
    "flagdesk.platforms.migrations.0002_seed_platforms",
    "flagdesk.platforms.migrations.0004_seed_mail_domains",
    "flagdesk.narratives.migrations.0002_seed_narratives",
)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        # A missing browser fails the run rather than skipping: green must mean tested.
        pytest.fail("no Chromium at /usr/bin/chromium: apt-get install chromium (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def site(
    live_server: Any,
    transactional_db: Any,
    django_db_serialized_rollback: Any,
) -> str:
    """The live server's URL, on a database that holds the migrations' seed data."""
    reseed()
    return str(live_server.url)


def reseed() -> None:
    """Run the (idempotent) seed migrations again.

    A transactional test ends with a flush; serialized rollback should restore the seed
    rows, but when other test modules share the session it has not always done so.
    """
    for module in SEED_MIGRATIONS:
        importlib.import_module(module).seed(django_apps, None)


@pytest.fixture
def tab(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    # Password hashing is deliberately slow; give each step time.
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


def with_authenticator(user: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return device


def log_in(page: Page, site: str, user: User, device: TOTPDevice, next_path: str = "/") -> None:
    """The real login: password first, then the current code from the authenticator."""
    page.goto(f"{site}/login?next={next_path}")
    page.fill("input[name=username]", user.get_username())
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/account/2fa"))
    device.refresh_from_db()
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    page.locator("main button[type=submit]").click()
    expect(page.locator("input[name=token]")).to_have_count(0)
    # The page's deferred scripts (keyboard shortcuts, live updates) run by "load"; a key
    # pressed before then goes nowhere.
    page.wait_for_load_state("load")


def log_out(page: Page) -> None:
    page.locator("header form[action$='/logout'] button").click()
    page.wait_for_url(re.compile(r"/login"))
