# SPDX-License-Identifier: EUPL-1.2
"""The yearly statistics: notices of illegal content per platform × type, escalations under
the platforms' terms apart; no personal data, safe CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case
from flagdesk.notices import dispatch
from flagdesk.notices import service as notices
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import SEED_POST, approved_case
from flagdesk.platforms.models import Platform
from flagdesk.reports import statistics
from flagdesk.rules.legal_basis import Basis, LegalBasis


def test_the_seeds_escalation_is_counted_apart_not_as_illegal_content(demo: Election) -> None:
    assert statistics.yearly(2023) == []  # the seed's notice is a terms escalation
    [row] = statistics.escalations(2023)
    assert (row.platform, row.category, row.notices, row.acknowledged) == (
        "X",
        "misinformation",
        1,
        1,
    )
    assert row.median_seconds_to_acknowledgment == 179  # 14:43:00 → 14:45:59
    assert statistics.escalations(2024) == []


def test_notices_of_illegal_content_count_per_platform_and_type(
    tk2023: Election, alice: User, bob: User, x_channel: Platform, outbox: Any
) -> None:
    for url, content_type in (
        (SEED_POST, "civic_discourse_or_elections"),
        ("https://x.com/kiezer2023/status/1727365022222222222", "civic_discourse_or_elections"),
        ("https://x.com/kiezer2023/status/1727365033333333333", "scams_and_fraud"),
    ):
        sent(approved_case(tk2023, alice, bob, url, legal_basis=illegal(content_type)), alice)
    sent(approved_case(tk2023, alice, bob, "https://x.com/a/status/1727365044444444444"), alice)
    year = timezone.localtime().year
    assert [(r.platform, r.illegal_content_type, r.notices) for r in statistics.yearly(year)] == [
        ("X", "civic_discourse_or_elections", 2),
        ("X", "scams_and_fraud", 1),
    ]
    assert [(r.platform, r.category, r.notices) for r in statistics.escalations(year)] == [
        ("X", "misinformation", 1)
    ]
    out = io.StringIO()
    call_command("statistics", str(year), "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    assert sum(row["notices"] for row in document["rows"]) == 3
    assert [row["notices"] for row in document["terms_escalations"]] == [1]
    assert document["illegal_content_types"]["scams_and_fraud"]["dsa_category"] == (
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
    )


def test_csv_and_json_carry_no_personal_data(demo: Election) -> None:
    out = io.StringIO()
    call_command("statistics", "2023", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [list(statistics.COLUMNS)]  # no notice of illegal content in 2023
    out = io.StringIO()
    call_command("statistics", "2023", "--escalations", stdout=out)
    escalations = list(csv.reader(io.StringIO(out.getvalue())))
    assert escalations[0] == list(statistics.ESCALATION_COLUMNS)
    assert escalations[1] == ["2023", "X", "misinformation", "1", "1", "179"]
    out = io.StringIO()
    call_command("statistics", "2023", "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["rows"] == []
    assert document["terms_escalations"][0]["notices"] == 1
    text = out.getvalue() + str(rows) + str(escalations)
    for personal in ("Anna", "Vries", "@", "NOS"):
        assert personal not in text
    assert "action" not in statistics.COLUMNS  # outcomes are not tracked


def illegal(content_type: str) -> LegalBasis:
    return LegalBasis(Basis.ILLEGAL_CONTENT, provisions=("sr_127",), content_type=content_type)


def sent(case: Case, actor: User) -> None:
    """Make the case's draft final and let the worker deliver it (to the local outbox)."""
    notice = Notice.objects.get(case=case)
    delivery = notices.send(notice, actor)
    dispatch.attempt_delivery(delivery.pk)


def test_cells_cannot_become_formulas() -> None:
    assert statistics.safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert statistics.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert statistics.safe_cell("-12") == "-12"
    assert statistics.safe_cell("X") == "X"
    assert statistics.safe_cell(None) == ""
