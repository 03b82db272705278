# SPDX-License-Identifier: EUPL-1.2
"""The one way FlagDesk writes CSV: every cell made safe from spreadsheet formula injection.

Text that reaches a CSV file may come from outside (a partner's explanation, a platform's
name in a reply); a spreadsheet would run a cell that starts with ``=`` as a formula (and
``=cmd|' /C calc'!A0`` as a program, through DDE). A test fails when code elsewhere uses
``csv.writer`` directly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

# Leads that make Excel, LibreOffice or Google Sheets read a cell as a formula; the
# full-width forms are converted to the ASCII ones by some East-Asian Excel versions.
FORMULA_LEADS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def safe_cell(value: Any) -> str:
    """The cell as text, prefixed with ``'`` when a spreadsheet would run it as a formula.

    Numbers (``-12``, ``+3.5``) are left alone so that sums still work.
    """
    text = "" if value is None else str(value)
    lead = text.lstrip(" ")[:1]
    if lead and lead in FORMULA_LEADS and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(header: Iterable[Any], rows: Iterable[Iterable[Any]], delimiter: str = ",") -> str:
    """A CSV document (``\\n`` line ends) with the header and the rows, every cell safe.

    :param delimiter: ``;`` for a file Dutch Excel opens by a double click.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", delimiter=delimiter)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
