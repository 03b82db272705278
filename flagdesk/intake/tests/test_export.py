# SPDX-License-Identifier: EUPL-1.2
"""The case list's export (intake/export.py): formula injection and access first, then the
rows equal the list's rows for a filter and a search, the file's form, the audit event."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from flagdesk.accounts import service as accounts
from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, make_user, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake.export import neutralised
from flagdesk.intake.models import Case
from flagdesk.intake.tests.test_search import record

CSV_URL = "/cases/export.csv"
XLSX_URL = "/cases/export.xlsx"


def csv_rows(response: Any) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response: Any) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def cases(tk2023: Election, nos: PartnerOrganisation, gemeente: PartnerOrganisation) -> list[Case]:
    made = [
        record(tk2023, nos, f"https://x.com/a/status/{n}", f"Bericht {n} over stemmen.")
        for n in range(1, 4)
    ]
    made.append(
        record(tk2023, gemeente, "https://www.tiktok.com/@b/video/9", "Filmpje.", platform="tiktok")
    )
    return made


# --- hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_starts_are_neutralised(start: str) -> None:
    assert neutralised(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"
    assert neutralised("NOS") == "NOS"
    assert neutralised(3) == 3


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_a_formula_in_an_organisation_name_is_not_a_formula(
    alice: User, tk2023: Election, url: str
) -> None:
    evil = accounts.create_partner('=HYPERLINK("https://evil.invalid","klik")', "media")
    record(tk2023, evil, "https://x.com/a/status/5", "@SUM(1+1)*cmd")
    response = verified_client(alice).get(url)
    rows = csv_rows(response) if url == CSV_URL else xlsx_rows(response)
    organisations = rows[1][7]
    assert organisations == '\'=HYPERLINK("https://evil.invalid","klik")'
    if url == XLSX_URL:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_no_contact_details_go_out(alice: User, cases: list[Case]) -> None:
    body = verified_client(alice).get(CSV_URL).content.decode("utf-8-sig")
    assert "Jan Geheim" not in body and "jan@nos.invalid" not in body


@pytest.mark.parametrize("role", [Role.INTAKE, Role.ASSESSOR, Role.APPROVER, Role.ADMIN])
def test_staff_may_export(db: Any, role: Role) -> None:
    client = verified_client(make_user("someone", role))
    assert client.get(CSV_URL).status_code == 200


def test_a_partner_may_not_export(nos: PartnerOrganisation) -> None:
    partner = User.objects.create_user("nos-api", roles=[Role.PARTNER], organisation=nos)
    assert verified_client(partner).get(CSV_URL).status_code == 403
    assert not AuditEvent.objects.filter(action="case_list_exported").exists()


def test_anonymous_users_are_sent_to_login(db: Any) -> None:
    response = Client().get(XLSX_URL)
    assert response.status_code == 302 and response["Location"].startswith("/login")


def test_an_unknown_format_is_not_found(alice: User) -> None:
    assert verified_client(alice).get("/cases/export.html").status_code == 404


def test_a_url_with_credentials_is_not_written_to_the_audit_log(
    alice: User, cases: list[Case]
) -> None:
    verified_client(alice).get(CSV_URL, {"q": "https://bob:geheim@x.com/a/status/2"})
    event = AuditEvent.objects.get(action="case_list_exported")
    assert "geheim" not in str(event.after)
    assert event.after["filter"]["q"] == "https://x.com/a/status/2"
    assert event.after["rows"] == 1


# --- the rows -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [{}, {"platform": "x"}, {"q": "stemmen"}, {"q": "Gemeente"}, {"state": "decided"}],
)
def test_the_export_rows_equal_the_list_rows(
    alice: User, cases: list[Case], query: dict[str, str]
) -> None:
    client = verified_client(alice)
    listed = [c.reference for c in client.get("/cases", query).context["page"].object_list]
    exported_csv = [row[0] for row in csv_rows(client.get(CSV_URL, query))[1:]]
    exported_xlsx = [row[0] for row in xlsx_rows(client.get(XLSX_URL, query))[1:]]
    assert exported_csv == listed
    assert exported_xlsx == listed


def test_the_columns_in_english_and_dutch(alice: User, cases: list[Case]) -> None:
    dutch = csv_rows(verified_client(alice).get(CSV_URL, {"platform": "tiktok"}))
    english = csv_rows(in_english(verified_client(alice)).get(CSV_URL, {"platform": "tiktok"}))
    assert dutch[0][:3] == ["Kenmerk", "Verkiezing", "Gemaakt"]
    assert english[0][:3] == ["Reference", "Election", "Created"]
    reference, election, _created, platform, _cat, state, signals, orgs, urls = dutch[1]
    assert (reference, election, platform) == (cases[3].reference, "TK2023", "TikTok")
    assert (state, signals, orgs) == ("Nieuw", "1", "Gemeente Voorbeeldstad")
    assert urls == "https://tiktok.com/video/9"


def test_the_filename_has_the_date_and_the_export_is_audited(
    alice: User, cases: list[Case]
) -> None:
    response = verified_client(alice).get(XLSX_URL, {"platform": "x", "page": "2"})
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="flagdesk-cases-{today}.xlsx"'
    event = AuditEvent.objects.get(action="case_list_exported")
    assert event.actor_id == alice.pk
    assert event.after == {"format": "xlsx", "filter": {"platform": "x"}, "rows": 3}


def test_the_case_list_links_to_the_export_with_its_filter(alice: User, cases: list[Case]) -> None:
    html = verified_client(alice).get("/cases", {"platform": "x", "q": "stemmen"}).content.decode()
    assert 'href="/cases/export.csv?platform=x&amp;q=stemmen"' in html
    assert 'href="/cases/export.xlsx?platform=x&amp;q=stemmen"' in html
