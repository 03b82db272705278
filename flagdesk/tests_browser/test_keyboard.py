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


# issue 15 review: j/k go on past the end of a page to the next or previous page


def test_j_and_k_turn_the_page_at_either_end_of_the_case_list(
    tab: Page, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two cases a page (the live server runs in this process), three pages of five cases.
    monkeypatch.setattr("flagdesk.intake.views.CASES_PER_PAGE", 2)
    user = make_user("pager", Role.INTAKE, Role.ASSESSOR)
    _record_cases(user, 5)
    log_in(tab, site, user, with_authenticator(user), next_path="/cases")
    first_page = _list_order(tab)
    assert len(first_page) == 2

    tab.keyboard.press("k")  # nothing selected, no previous page: the last row, as before
    expect(tab.locator(":focus")).to_have_text(first_page[1])
    tab.keyboard.press("j")  # past the last row: the next page, on its first row
    tab.wait_for_url(re.compile(r"page=2"))
    second_page = _list_order(tab)
    assert len(second_page) == 2 and not set(second_page) & set(first_page)
    expect(tab.locator(":focus")).to_have_text(second_page[0])

    tab.keyboard.press("k")  # past the first row: the previous page, on its last row
    tab.wait_for_url(re.compile(r"page=1"))
    expect(tab.locator(":focus")).to_have_text(first_page[1])
    tab.keyboard.press("k")
    expect(tab.locator(":focus")).to_have_text(first_page[0])
    tab.keyboard.press("k")  # the first row of the first page: nowhere to go
    expect(tab.locator(":focus")).to_have_text(first_page[0])
    assert "page=1" in tab.url

    tab.goto(f"{site}/cases?page=3")
    last_page = _list_order(tab)
    assert len(last_page) == 1
    tab.keyboard.press("j")
    tab.keyboard.press("j")  # the last row of the last page: stays
    expect(tab.locator(":focus")).to_have_text(last_page[0])
    assert tab.url.endswith("page=3")
    # The help says so.
    tab.keyboard.press("?")
    expect(tab.locator("#shortcut-help")).to_contain_text("door naar de volgende of vorige pagina")


def test_a_stale_page_turn_note_does_not_move_focus_elsewhere(tab: Page, site: str) -> None:
    user = make_user("stale", Role.ASSESSOR)
    _record_cases(user, 2)
    log_in(tab, site, user, with_authenticator(user), next_path="/cases")
    tab.evaluate(
        "sessionStorage.setItem('flagdesk.shortcut-turn',"
        " JSON.stringify({to: location.origin + '/cases?page=9', row: 'last'}))"
    )
    tab.reload()
    expect(tab.locator("[data-shortcut-list] a:focus")).to_have_count(0)
    assert tab.evaluate("sessionStorage.getItem('flagdesk.shortcut-turn')") is None
