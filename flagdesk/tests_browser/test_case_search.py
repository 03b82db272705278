# SPDX-License-Identifier: EUPL-1.2
"""Issue 15 in the browser: a URL pasted in another form finds its case, words find theirs,
and the CSV export of the list holds the list's rows. Screenshots, Dutch and English, go to
/tmp/shots-issue15-search/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from flagdesk.accounts import service as accounts
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.tests_browser.conftest import log_in, log_out
from flagdesk.tests_browser.test_seed_case import seed_team

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-issue15-search")
OTHER_FORM = "https://mobile.twitter.com/SomeOne/status/1727300000000000000?s=20&t=abc&utm_source=x"


def cases() -> list[str]:
    nos = accounts.create_partner("Gemeente Voorbeeldstad", "co_government")
    texts = [
        ("https://x.com/someone/status/1727300000000000000", "Oproep om twee vakjes te kleuren."),
        ("https://www.tiktok.com/@iemand/video/42", "Stembureaus zouden om 17 uur sluiten."),
        ("https://www.youtube.com/watch?v=abcdefghijk", "Video over stempassen kleuren."),
    ]
    references = []
    for url, text in texts:
        result = intake.record_signal(
            intake.SignalInput(
                election=Election.objects.get(code="TK2023"),
                source_type="co_government",
                category="misinformation",
                platform_name=url.split("/")[2].removeprefix("www.").split(".")[0],
                content_urls=[url],
                explanation=text,
                received_via="api",
                source_organisation=nos,
            )
        )
        assert result.case is not None
        references.append(result.case.reference)
    return references


def search(page: Page, text: str) -> None:
    page.get_by_label("Zoeken").or_(page.get_by_label("Search")).fill(text)
    page.locator("form[role=search] button[type=submit]").click()


def test_a_pasted_url_in_another_form_finds_its_case_and_the_export_matches(
    tab: Page, site: str
) -> None:
    SHOTS.mkdir(exist_ok=True)
    carol, _alice, bob, devices = seed_team()
    references = cases()

    # The intake officer, in Dutch (the default).
    log_in(tab, site, carol, devices[carol.pk], "/cases")
    search(tab, OTHER_FORM)
    expect(tab.locator("#case-results tbody tr")).to_have_count(1)
    expect(tab.locator("#case-results tbody")).to_contain_text(references[0])
    expect(tab.locator(".has-error")).to_have_count(0)
    tab.screenshot(path=str(SHOTS / "search-url-intake-nl.png"), full_page=True)

    search(tab, "kleuren")
    expect(tab.locator("#case-results tbody tr")).to_have_count(2)
    with tab.expect_download() as download_info:
        tab.get_by_role("link", name="CSV (Excel, puntkomma's)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("flagdesk-cases-")
    body = Path(download.path()).read_bytes().decode("utf-8-sig")
    exported = [row[0] for row in csv.reader(io.StringIO(body), delimiter=";")][1:]
    listed = tab.locator("#case-results tbody th").all_inner_texts()
    assert exported == listed and set(exported) == {references[0], references[2]}
    tab.screenshot(path=str(SHOTS / "search-words-export-links-intake-nl.png"), full_page=True)
    log_out(tab)

    # The approver, in English.
    log_in(tab, site, bob, devices[bob.pk], "/cases")
    tab.select_option("#language", "en")
    tab.locator(".lang-form button").click()
    expect(tab.get_by_label("Search")).to_have_attribute("data-shortcut", "/")
    search(tab, "youtu.be/abcdefghijk?si=share")
    expect(tab.locator("#case-results tbody tr")).to_have_count(1)
    expect(tab.locator("#case-results tbody")).to_contain_text(references[2])
    expect(tab.get_by_role("link", name="Excel workbook (XLSX)")).to_be_visible()
    tab.screenshot(path=str(SHOTS / "search-short-link-approver-en.png"), full_page=True)
    search(tab, "Gemeente Voorbeeldstad")
    expect(tab.locator("#case-results tbody tr")).to_have_count(3)
    tab.screenshot(path=str(SHOTS / "search-organisation-approver-en.png"), full_page=True)
