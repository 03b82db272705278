# SPDX-License-Identifier: EUPL-1.2
"""Every kind of finding has one readable, translated name, and the review shows only that."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from flagdesk.accounts.models import User
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.redaction import categories, engine, recognisers, service
from flagdesk.redaction.models import RedactedDocument

TEXT = (
    "Dear people at X,\n\nThe Dutch ministry of the Interior points you to a message on X.\n\n"
    "Kind regards,\n\nJan de Vries\nMinistry of the Interior and Kingdom Relations\n"
    "Turfmarkt 147 | 2511 DP Den Haag\nE jan.devries@minbzk.nl | T 06-12345678\n"
)


def _codes_in_source() -> set[str]:
    """Every category literal the recognisers hand to ``Candidate`` (positional, third)."""
    source = "".join(
        Path(str(module.__file__)).read_text(encoding="utf-8")
        for module in (recognisers, engine, service)
    )
    found = set(re.findall(r'Candidate\(\s*[^,]+,\s*[^,]+,\s*"(\w+)"', source))
    found |= set(re.findall(r'category="(\w+)"', source))
    return found


def test_every_kind_the_engine_or_a_reviewer_makes_has_a_label_in_both_languages() -> None:
    codes = set(engine.PRIORITY) | _codes_in_source()
    assert {"phone", "email", "name", "handle", "manual"} <= codes
    assert codes <= set(categories.LABELS), codes - set(categories.LABELS)
    for code in codes:
        with translation.override("en"):
            english = categories.label(code)
        with translation.override("nl"):
            dutch = categories.label(code)
        assert "_" not in english and english != code
        assert dutch != english, f"{code}: no Dutch translation"


def test_an_unknown_stored_code_is_shown_as_it_is_not_hidden() -> None:
    assert categories.label("from_an_old_version") == "from_an_old_version"


@pytest.fixture
def document(tk2023: Election) -> RedactedDocument:
    return service.document_for(tk2023, "notice.body", 1, TEXT, "Notice to X")


def _cells(html: str) -> list[str]:
    table = html.split('<table class="redactions">')[1].split("</table>")[0]
    return [row.split("<td>")[1].split("</td>")[0] for row in table.split("<tr id=")[1:]]


def test_the_review_page_and_bulk_form_show_labels_in_dutch_not_codes(
    document: RedactedDocument, alice: User
) -> None:
    html = verified_client(alice).get(f"/redactions/documents/{document.pk}").content.decode()
    cells = _cells(html)
    assert "Telefoonnummer" in cells and "E-mailadres" in cells and "Naam van een persoon" in cells
    for code in categories.LABELS:
        assert code not in cells
        assert f"({code}," not in html  # the screen reader's text in the highlighted original
    bulk = html.split('id="bulk-category"')[1].split("</select>")[0]
    options = re.findall(r'<option value="(\w+)">([^<]*)</option>', bulk)
    assert options, bulk
    for code, text in options:
        assert text.startswith(f"{_dutch(code)} ("), text
    # The code is still what the form posts, so the bulk decision finds its rows.
    assert {code for code, _ in options} <= set(categories.LABELS)


def _dutch(code: str) -> str:
    with translation.override("nl"):
        return categories.label(code)


def test_the_election_list_bulk_form_shows_english_labels_to_an_english_reader(
    document: RedactedDocument, alice: User
) -> None:
    html = in_english(verified_client(alice)).get("/reports/TK2023/redactions").content.decode()
    bulk = html.split('id="bulk-category"')[1].split("</select>")[0]
    assert "Phone number (" in bulk and "Person&#x27;s name (" in bulk
    assert ">phone (" not in bulk and ">name (" not in bulk
