# SPDX-License-Identifier: EUPL-1.2
"""Case URLs stored before the tracking lists were merged (issue 13) keep their form, and a
signal naming them again still joins their case."""

from __future__ import annotations

from flagdesk.accounts.models import User
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case, CaseUrl, IntakeOutcome
from flagdesk.intake.tests.test_service_intake import signal_input

SHARED = "https://nieuws.example/artikel/stemmen?ref=nieuwsbrief&id=7"
BEFORE_MERGE = "https://nieuws.example/artikel/stemmen?id=7&ref=nieuwsbrief"
NOW = "https://nieuws.example/artikel/stemmen?id=7"


def store_as_before_the_merge(case: Case) -> None:
    CaseUrl.objects.filter(case=case).update(
        normalised_url=BEFORE_MERGE, url_hash=intake.url_hash(BEFORE_MERGE)
    )


def test_a_share_marker_is_now_dropped_from_a_link_to_any_site(
    tk2023: Election, carol: User
) -> None:
    first = intake.record_signal(signal_input(tk2023, [SHARED]), actor=carol)
    assert first.case is not None
    assert list(first.case.urls.values_list("normalised_url", flat=True)) == [NOW]
    again = intake.record_signal(signal_input(tk2023, [NOW + "&s=20"]), actor=carol)
    assert again.outcome == IntakeOutcome.JOINED_CASE


def test_an_old_duplicate_is_still_found_and_keeps_its_stored_form(
    tk2023: Election, carol: User
) -> None:
    first = intake.record_signal(signal_input(tk2023, [SHARED]), actor=carol)
    assert first.case is not None
    store_as_before_the_merge(first.case)

    again = intake.record_signal(signal_input(tk2023, [SHARED]), actor=carol)

    assert again.outcome == IntakeOutcome.JOINED_CASE
    assert again.case == first.case
    assert list(CaseUrl.objects.values_list("normalised_url", flat=True)) == [BEFORE_MERGE]
    assert again.signal is not None
    assert list(again.signal.urls.values_list("normalised_url", flat=True)) == [BEFORE_MERGE]


def test_an_old_duplicate_next_to_a_new_url_joins_and_adds_only_the_new_one(
    tk2023: Election, carol: User
) -> None:
    first = intake.record_signal(signal_input(tk2023, [SHARED]), actor=carol)
    assert first.case is not None
    store_as_before_the_merge(first.case)
    other = "https://nieuws.example/artikel/tellen?utm_source=x"

    again = intake.record_signal(signal_input(tk2023, [other, SHARED]), actor=carol)

    assert again.case == first.case
    assert sorted(CaseUrl.objects.values_list("normalised_url", flat=True)) == [
        BEFORE_MERGE,
        "https://nieuws.example/artikel/tellen",
    ]
