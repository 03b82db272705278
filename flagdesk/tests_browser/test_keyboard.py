# SPDX-License-Identifier: EUPL-1.2
"""The case list and the case page work with the keyboard alone (app.js shortcuts)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from flagdesk.accounts.constants import Role
from flagdesk.conftest import make_user, media_case
from flagdesk.elections.models import Election
from flagdesk.tests_browser.conftest import log_in, with_authenticator

pytestmark = pytest.mark.browser


def _record_cases(user: Any, count: int) -> list[str]:
    election = Election.objects.get(code="TK2023")
    references = []
    for n in range(count):
        url = f"https://x.com/a/status/17273000000000000{n + 10}"
        case = media_case(election, url, explanation="Twee vakjes rood maken.", actor=user)
        references.append(case.reference)
    return references


def _list_order(tab: Page) -> list[str]:
    return tab.locator("[data-shortcut-list] tbody th a").all_inner_texts()


def test_it_walks_the_case_list_and_opens_a_case_with_the_keyboard(tab: Page, site: str) -> None:
    user = make_user("walker", Role.INTAKE, Role.ASSESSOR)
    _record_cases(user, 3)
    log_in(tab, site, user, with_authenticator(user), next_path="/cases")
    shown = _list_order(tab)
    assert len(shown) == 3

    tab.keyboard.press("j")
    expect(tab.locator(":focus")).to_have_text(shown[0])
    tab.keyboard.press("j")
    tab.keyboard.press("j")
    tab.keyboard.press("j")  # past the end: stays on the last
    expect(tab.locator(":focus")).to_have_text(shown[2])
    tab.keyboard.press("k")
    expect(tab.locator(":focus")).to_have_text(shown[1])
    tab.keyboard.press("Enter")
    expect(tab.locator("h1")).to_contain_text(shown[1])

    # On the case page j/k follow the list it was opened from.
    tab.keyboard.press("j")
    expect(tab.locator("h1")).to_contain_text(shown[2])
    tab.keyboard.press("k")
    expect(tab.locator("h1")).to_contain_text(shown[1])
    tab.keyboard.press("k")
    expect(tab.locator("h1")).to_contain_text(shown[0])

    tab.keyboard.press("g")
    tab.keyboard.press("c")
    tab.wait_for_url(re.compile(r"/cases$"))
    tab.keyboard.press("g")
    tab.keyboard.press("d")
    tab.wait_for_url(re.compile(r"/$"))


def test_a_case_opened_directly_walks_the_default_list(tab: Page, site: str) -> None:
    user = make_user("direct", Role.ASSESSOR)
    _record_cases(user, 2)
    log_in(tab, site, user, with_authenticator(user), next_path="/cases")
    newest, older = _list_order(tab)
    tab.evaluate("sessionStorage.clear()")
    tab.goto(f"{site}/cases/{newest}")
    tab.keyboard.press("j")
    expect(tab.locator("h1")).to_contain_text(older)


def test_shortcuts_never_fire_while_typing_or_with_a_modifier(tab: Page, site: str) -> None:
    user = make_user("typist", Role.ASSESSOR)
    _record_cases(user, 2)
    log_in(tab, site, user, with_authenticator(user), next_path="/cases")
    tab.keyboard.press("/")
    field = tab.locator("input[name=q]")
    expect(field).to_be_focused()
    field.press_sequentially("jkgd?")
    expect(field).to_have_value("jkgd?")
    expect(tab.locator("#shortcut-help")).not_to_be_visible()
    tab.locator("h1").click()
    tab.keyboard.press("Control+j")
    expect(tab.locator("[data-shortcut-list] a:focus")).to_have_count(0)
    assert tab.url.endswith("/cases")


def test_the_help_dialog_traps_focus_and_gives_it_back(tab: Page, site: str) -> None:
    user = make_user("helpme", Role.ASSESSOR)
    _record_cases(user, 1)
    log_in(tab, site, user, with_authenticator(user), next_path="/cases")
    tab.keyboard.press("j")
    opener = tab.locator(":focus")
    opener_text = opener.inner_text()

    tab.keyboard.press("?")
    dialog = tab.locator("#shortcut-help")
    expect(dialog).to_be_visible()
    for _ in range(6):  # Tab keeps cycling inside the modal dialog
        tab.keyboard.press("Tab")
        assert tab.evaluate(
            "document.getElementById('shortcut-help').contains(document.activeElement)"
        )
    expect(dialog).to_contain_text("j")

    tab.keyboard.press("Escape")
    expect(dialog).not_to_be_visible()
    expect(tab.locator(":focus")).to_have_text(opener_text)
