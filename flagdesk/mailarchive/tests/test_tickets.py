# SPDX-License-Identifier: EUPL-1.2
"""Platform ticket numbers beyond digits, and Message-IDs written in a mail's text."""

from __future__ import annotations

import pytest

from flagdesk.mailarchive.matching import (
    ANY_PLATFORM,
    ANY_PLATFORM_PATTERNS,
    platform_references,
    quoted_message_ids,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ref: 2025-NL-771204", ("meta", "2025-NL-771204")),
        ("Reference number: NL_2025.0042", ("meta", "NL_2025.0042")),
        ("Case #ABC-12345", ("x", "ABC-12345")),
        ("[ ref:_00D5f0AbC._5003x9YZ12:ref ]", ("x", "ref:_00D5f0AbC._5003x9YZ12:ref")),
        ("thread ref:!00D5f0AbC!5003x9YZ12:ref", ("x", "ref:!00D5f0AbC!5003x9YZ12:ref")),
        ("Ticket ID: 7a9c41e2-0b6d", ("tiktok", "7a9c41e2-0b6d")),
        ("Your case [3-1234567890123] is open", ("google", "3-1234567890123")),
        ("Request #SNAP-44829", ("snapchat", "SNAP-44829")),
    ],
)
def test_ticket_numbers_of_letters_digits_and_dashes(text: str, expected: tuple[str, str]) -> None:
    assert expected in platform_references(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ref: received",  # no digit: a word, not a number
        "Case #12",  # too short to learn
        "Ref: FD-2023-0001",  # our own case reference, quoted back
        "Ticket ID: https://example.invalid",
    ],
)
def test_words_short_numbers_and_our_reference_are_no_tickets(text: str) -> None:
    assert platform_references(text) == []


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("Kenmerk: 2025-NL-881313", "2025-NL-881313"),
        ("Incident number: INC0012345", "INC0012345"),
        ("Dossiernummer: ZK-2027-77", "ZK-2027-77"),
    ],
)
def test_the_generic_pattern_finds_numbers_in_any_platforms_wording(
    text: str, reference: str
) -> None:
    assert platform_references(text, ANY_PLATFORM_PATTERNS) == [(ANY_PLATFORM, reference)]


def test_message_ids_written_in_the_text() -> None:
    text = (
        "> Message-ID: <1.abc.flagdesk@minbzk.example>\n"
        "Message-Id: 2.def@legacy.example\n"
        "From: Someone <someone@example.org>\n"
        "References: <3.ghi@old.example> <4.jkl@old.example>"
    )
    assert quoted_message_ids(text) == [
        "<1.abc.flagdesk@minbzk.example>",
        "<2.def@legacy.example>",
        "<3.ghi@old.example>",
        "<someone@example.org>",
        "<4.jkl@old.example>",
    ]


def test_message_ids_in_a_huge_text_are_bounded() -> None:
    text = " ".join(f"<id{i}@spam.example>" for i in range(100_000))
    assert len(quoted_message_ids(text)) == 50
