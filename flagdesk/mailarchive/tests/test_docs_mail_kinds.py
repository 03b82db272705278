# SPDX-License-Identifier: EUPL-1.2
"""docs/operations.md has a row for every kind of mail, with the rule that decides it."""

from __future__ import annotations

import re
from pathlib import Path

from flagdesk.mailarchive.classify import MailKind
from flagdesk.mailarchive.models import Kind

OPERATIONS = Path(__file__).resolve().parents[3] / "docs" / "operations.md"


def _table_rows() -> dict[str, str]:
    text = OPERATIONS.read_text()
    section = text.split("### Mail kinds", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+)` \| (.+?) \|", section, re.MULTILINE)
    return dict(rows)


def test_every_mail_kind_has_a_row_with_its_rule() -> None:
    rows = _table_rows()
    for kind in [*MailKind, *Kind]:
        assert kind.value in rows, f"docs/operations.md: no row for {kind.value}"
        assert len(rows[kind.value]) > 20, f"docs/operations.md: no rule for {kind.value}"


def test_the_table_names_no_kind_that_does_not_exist() -> None:
    assert set(_table_rows()) <= {k.value for k in Kind}
