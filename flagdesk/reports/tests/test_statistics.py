# SPDX-License-Identifier: EUPL-1.2
"""The yearly statistics: counts per platform × category, no personal data, safe CSV."""

from __future__ import annotations

import csv
import io
import json

from django.core.management import call_command

from flagdesk.elections.models import Election
from flagdesk.reports import statistics


def test_the_seed_year_counts_the_x_notice(demo: Election) -> None:
    [row] = statistics.yearly(2023)
    assert (row.platform, row.category, row.notices, row.acknowledged) == (
        "X",
        "misinformation",
        1,
        1,
    )
    assert row.median_seconds_to_acknowledgment == 179  # 14:43:00 → 14:45:59
    assert statistics.yearly(2024) == []


def test_csv_and_json_carry_no_personal_data(demo: Election) -> None:
    out = io.StringIO()
    call_command("statistics", "2023", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(statistics.COLUMNS)
    assert rows[1] == ["2023", "X", "misinformation", "1", "1", "179"]
    out = io.StringIO()
    call_command("statistics", "2023", "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["rows"][0]["notices"] == 1
    text = out.getvalue() + str(rows)
    for personal in ("Anna", "Vries", "@", "NOS"):
        assert personal not in text
    assert "action" not in statistics.COLUMNS  # outcomes are not tracked


def test_cells_cannot_become_formulas() -> None:
    assert statistics.safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert statistics.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert statistics.safe_cell("-12") == "-12"
    assert statistics.safe_cell("X") == "X"
    assert statistics.safe_cell(None) == ""
