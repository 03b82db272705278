# SPDX-License-Identifier: EUPL-1.2
"""The case list as a file: CSV (UTF-8 with BOM, ``;`` as Dutch Excel expects) or XLSX.

The rows are the list's rows, filters and search included, in the list's order. Only what the
list and the case page show every staff role goes out, and no personal data: no contact
details of signallers, no names of staff. A cell a spreadsheet would read as a formula (it
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return: OWASP "CSV injection") gets
a leading apostrophe, in both formats.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from flagdesk.core.csvsafe import safe_cell, to_csv
from flagdesk.intake.models import Case, CaseState, CaseUrl, Category, Signal
from flagdesk.intake.service import cases_by_ids

# Rows are read this many at a time (one query each for cases, counts, URLs, organisations).
BATCH = 500
# An export is for reading in a spreadsheet; more rows than this is a copy of the database.
MAX_ROWS = 100_000
CSV_DELIMITER = ";"


@dataclass(frozen=True)
class Column:
    key: str
    title: str


def columns() -> list[Column]:
    return [
        Column("reference", _("Reference")),
        Column("election", _("Election")),
        Column("created_at", _("Created")),
        Column("platform", _("Platform")),
        Column("category", _("Category")),
        Column("state", _("State")),
        Column("signal_count", _("Signals")),
        Column("organisations", _("Organisations")),
        Column("urls", _("Content URLs")),
    ]


def neutralised(value: Any) -> Any:
    """``value`` as a spreadsheet may show it: text that would start a formula is quoted
    (the one rule, ``core.csvsafe``); numbers and dates stay what they are."""
    return safe_cell(value) if isinstance(value, str) else value


def export_rows(cases: QuerySet[Case]) -> Iterator[dict[str, Any]]:
    """The rows of ``cases`` (the list's queryset), in its order."""
    ids = list(cases.values_list("pk", flat=True)[:MAX_ROWS])
    categories, states = dict(Category.choices), dict(CaseState.choices)
    for start in range(0, len(ids), BATCH):
        batch = cases_by_ids(ids[start : start + BATCH])
        urls, organisations = _urls_of(batch), _organisations_of(batch)
        for case in batch:
            yield {
                "reference": case.reference,
                "election": case.election.code,
                "created_at": timezone.localtime(case.created_at).replace(tzinfo=None),
                "platform": case.platform.name,
                "category": str(categories.get(case.category, case.category)),
                "state": str(states.get(case.state, case.state)),
                "signal_count": getattr(case, "signal_count", 0),
                "organisations": ", ".join(organisations[case.pk]),
                "urls": " ".join(urls[case.pk]),
            }


def as_csv(rows: Iterator[dict[str, Any]]) -> tuple[bytes, int]:
    """The CSV file's bytes (BOM first, so Excel reads UTF-8) and the number of rows."""
    cols = columns()
    lines = [[_csv_value(row[c.key]) for c in cols] for row in rows]
    text = to_csv([c.title for c in cols], lines, delimiter=CSV_DELIMITER)
    return ("\ufeff" + text).encode("utf-8"), len(lines)


def as_xlsx(rows: Iterator[dict[str, Any]]) -> tuple[bytes, int]:
    from openpyxl import Workbook  # a second or so of imports, only for who exports

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Cases"))
    cols = columns()
    sheet.append([c.title for c in cols])
    count = 0
    for row in rows:
        # openpyxl stores a string that begins with "=" as a formula: quoted like in the CSV.
        sheet.append([neutralised(row[c.key]) for c in cols])
        count += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), count


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def _urls_of(cases: list[Case]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = CaseUrl.objects.filter(case__in=cases).order_by("pk")
    for case_id, url in rows.values_list("case_id", "normalised_url"):
        found[case_id].append(url)
    return found


def _organisations_of(cases: list[Case]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = Signal.objects.filter(case__in=cases).order_by("received_at", "pk")
    for case_id, name in rows.values_list("case_id", "source_organisation_name"):
        if case_id is not None and name not in found[case_id]:
            found[case_id].append(name)
    return found
