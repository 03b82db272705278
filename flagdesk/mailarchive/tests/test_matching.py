# SPDX-License-Identifier: EUPL-1.2
"""Case references and platform ticket references found in subjects and text."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagdesk.mailarchive.matching import (
    DEFAULT_PLATFORM_REFERENCE_PATTERNS,
    case_references,
    compile_reference_pattern,
    platform_references,
)
from flagdesk.mailarchive.parsing import parse_message

SAMPLES = Path(__file__).parent / "samples"


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: [FD-2023-0001] Urgent notification", ["FD-2023-0001"]),
        ("Re: FD-2023-0001 Urgent notification", ["FD-2023-0001"]),
        ("Fwd: fd-2025-0042: follow-up", ["FD-2025-0042"]),
        ("[FD-2026-12345] counter past 9999", ["FD-2026-12345"]),
        ("FD-2023-0001 and [FD-2023-0002], again FD-2023-0001", ["FD-2023-0001", "FD-2023-0002"]),
        ("(FD-2023-0007)", ["FD-2023-0007"]),
        ("Re: Urgent notification", []),
        ("XFD-2023-0001", []),
        ("FD-2023-001", []),
        ("FD-23-0001", []),
        ("FD-2023-00012345678901", []),
    ],
)
def test_case_references(subject: str, expected: list[str]) -> None:
    assert case_references(subject) == expected


def test_a_case_reference_survives_a_bounce_of_the_original() -> None:
    parsed = parse_message((SAMPLES / "postfix_dsn_failed.eml").read_bytes())
    assert case_references(parsed.embedded_messages[0].subject) == ["FD-2023-0001"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Case# 0123456789: We've received your report", [("x", "0123456789")]),
        ("Case #0123456789", [("x", "0123456789")]),
        ("thread ref:_00DA0K0A8._5004w1AbCdE:ref", [("x", "ref:_00DA0K0A8._5004w1AbCdE:ref")]),
        ("Ref: 1234567890", [("meta", "1234567890")]),
        ("Reference number: 98765432101", [("meta", "98765432101")]),
        ("Your case [3-1234567890123] is open", [("google", "3-1234567890123")]),
        ("Ticket ID: 7301234567890123456", [("tiktok", "7301234567890123456")]),
        ("[Snap Support] Re: report [#12345678]", [("snapchat", "12345678")]),
        ("Request #12345678 received", [("snapchat", "12345678")]),
        ("Nothing to see, call 020-1234567", []),
    ],
)
def test_default_platform_references(text: str, expected: list[tuple[str, str]]) -> None:
    assert platform_references(text) == expected


def test_platform_references_in_the_x_acknowledgment() -> None:
    parsed = parse_message((SAMPLES / "x_ticket_acknowledgment.eml").read_bytes())
    found = platform_references(f"{parsed.subject}\n{parsed.text}")
    assert ("x", "0123456789") in found
    assert ("x", "ref:_00DA0K0A8._5004w1AbCdE:ref") in found


def test_platform_references_are_listed_once_in_pattern_order() -> None:
    text = "Case #111111 Ref: 22222222 Case #111111"
    patterns = {
        "x": DEFAULT_PLATFORM_REFERENCE_PATTERNS["x"],
        "meta": DEFAULT_PLATFORM_REFERENCE_PATTERNS["meta"],
    }
    assert platform_references(text, patterns) == [("x", "111111"), ("meta", "22222222")]


def test_a_pattern_without_groups_yields_its_whole_match() -> None:
    assert platform_references("ticket T-42-A", {"acme": r"T-\d+-[A-Z]"}) == [("acme", "T-42-A")]


def test_a_pattern_with_an_unnamed_group_yields_the_group() -> None:
    assert platform_references("Issue: 777", {"acme": r"Issue: (\d+)"}) == [("acme", "777")]


def test_an_invalid_pattern_is_skipped() -> None:
    patterns = {"broken": r"Case #(\d+", "x": DEFAULT_PLATFORM_REFERENCE_PATTERNS["x"]}
    assert platform_references("Case #123456", patterns) == [("x", "123456")]


def test_compile_reference_pattern_reports_invalid_patterns() -> None:
    with pytest.raises(ValueError, match="invalid reference pattern"):
        compile_reference_pattern("(unclosed")


def test_patterns_ignore_case() -> None:
    assert platform_references("CASE #123456") == [("x", "123456")]


def test_every_default_pattern_compiles_and_names_its_reference() -> None:
    assert set(DEFAULT_PLATFORM_REFERENCE_PATTERNS) == {"meta", "google", "x", "tiktok", "snapchat"}
    for pattern in DEFAULT_PLATFORM_REFERENCE_PATTERNS.values():
        assert "ref" in compile_reference_pattern(pattern).groupindex
