# SPDX-License-Identifier: EUPL-1.2
"""Dutch detection, English election names and days, and the facts each kind of notice needs."""

from __future__ import annotations

import datetime as dt

import pytest

from flagdesk.rules import election_names, notice_kinds
from flagdesk.rules.language import dutch_paragraphs, looks_dutch


@pytest.mark.parametrize(
    "text",
    [
        "Het officiële X-account van de gemeente is gehackt en er worden berichten geplaatst.",
        "Wie twee vakjes inkleurt brengt een ongeldige stem uit; mogelijk als grap bedoeld.",
        "Facebookpagina van de gemeente is gehackt; er staan onjuiste openingstijden op.",
    ],
)
def test_dutch_is_recognised(text: str) -> None:
    assert looks_dutch(text)


@pytest.mark.parametrize(
    "text",
    [
        "The account was taken over; the intruder changed the password and posts.",
        "It tells voters to colour two boxes; that makes the vote invalid.",
        "https://x.com/gemeentevoorbeeld/status/1234567890",
        "Gemeente Voorbeeldstad",  # a name is too short to judge
        "Kieswet, art. N 7 (geldigheid van het stembiljet); Kiesraad",  # a citation
        "The correct rule is set out in Kieswet, art. N 7 (geldigheid van het stembiljet); "
        "Kiesraad (https://www.kiesraad.nl/verkiezingen/stemmen/hoe-stem-je-geldig-en-een).",
        "",
    ],
)
def test_english_names_and_urls_are_not_dutch(text: str) -> None:
    assert not looks_dutch(text)


def test_dutch_paragraphs_of_a_text() -> None:
    text = (
        "Dear people at X,\n\nWhat happened:\nHet account is gehackt en de gemeente kan er "
        "niet meer in.\n\nKind regards,"
    )
    # The English heading is left off, so the reader sees the Dutch itself; a Dutch line in
    # an English paragraph is found too.
    text += "\n\nWhat they did: it contacted X twice.\nHet webformulier van X gaf geen antwoord."
    assert dutch_paragraphs(text) == [
        "Het account is gehackt en de gemeente kan er niet meer in.",
        "Het webformulier van X gaf geen antwoord.",
    ]


@pytest.mark.parametrize(
    ("kind", "day", "name"),
    [
        ("TK", dt.date(2023, 11, 22), "House of Representatives (Tweede Kamer) election 2023"),
        ("PS", dt.date(2027, 3, 17), "Provincial Council (Provinciale Staten) elections 2027"),
        ("GR", dt.date(2026, 3, 18), "Municipal Council (Gemeenteraad) elections 2026"),
        ("EP", dt.date(2024, 6, 6), "European Parliament election 2024"),
    ],
)
def test_english_election_name_from_the_type(kind: str, day: dt.date, name: str) -> None:
    assert election_names.english_name(kind, day) == name


def test_an_english_name_given_wins() -> None:
    assert election_names.english_name("TK", dt.date(2025, 10, 29), " Snap election ") == (
        "Snap election"
    )


def test_english_day_carries_the_year_and_says_when_unconfirmed() -> None:
    assert election_names.english_day(dt.date(2023, 11, 22)) == "22 November 2023"
    unconfirmed = "Provinciale Staten maart 2027 (datum onbevestigd)"
    assert not election_names.day_is_confirmed(unconfirmed)
    assert election_names.english_day(dt.date(2027, 3, 17), confirmed=False) == (
        "March 2027 (date not yet confirmed)"
    )


def test_required_facts_per_kind() -> None:
    assert notice_kinds.missing_facts("hacked_channel", {"account_name": "@gemeente"}) == [
        "account_id",
        "incident",
        "incident_since",
        "co_government_contact",
    ]
    assert notice_kinds.missing_facts("blocked_ad", {"ad_reference": " "})[0] == "ad_reference"
    assert notice_kinds.missing_facts("misinformation", {}) == []  # the claim is optional
    assert notice_kinds.missing_facts("other", {}) == []


def test_clean_facts_keeps_only_the_kinds_own() -> None:
    facts = {"account_id": " 123 ", "ad_reference": "not for this kind", "incident": ""}
    assert notice_kinds.clean_facts("hacked_channel", facts) == {"account_id": "123"}


def test_the_registrys_and_rules_texts_are_told_apart() -> None:
    """Measured on texts the detector was not written from: the narrative registry's claims
    and rules and the reason codes' texts, in both languages."""
    from flagdesk.narratives.seed import NARRATIVES
    from flagdesk.rules.reasons import REASON_TEXT_EN, REASON_TEXT_NL

    dutch = [n["claim_nl"] for n in NARRATIVES] + [n["correct_rule"] for n in NARRATIVES]
    dutch += list(REASON_TEXT_NL.values())
    english = [n["claim_en"] for n in NARRATIVES] + list(REASON_TEXT_EN.values())
    assert sum(map(looks_dutch, dutch)) >= len(dutch) - 1  # 23 of 24: one short sentence
    assert not any(map(looks_dutch, english))
