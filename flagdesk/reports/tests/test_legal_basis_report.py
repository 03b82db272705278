# SPDX-License-Identifier: EUPL-1.2
"""The report names each case's legal basis and counts notices of illegal content apart from
escalations under the platforms' terms."""

from __future__ import annotations

from typing import Any

from flagdesk.accounts.models import User
from flagdesk.elections.models import Election
from flagdesk.notices.tests.conftest import approved_case
from flagdesk.platforms.models import Platform
from flagdesk.reports import content
from flagdesk.reports.content import build_report
from flagdesk.reports.document import Report
from flagdesk.reports.redactions import TermRedactions
from flagdesk.reports.tests.test_content import _text
from flagdesk.reports.tests.test_statistics import illegal, sent

ILLEGAL_TITLE = "Meldingen van illegale inhoud (artikel 16 DSA) per platform en soort"
ESCALATION_TITLE = "Escalaties op grond van de gebruikersvoorwaarden per platform"


def _figures(report: Report) -> dict[str, Any]:
    return {f.title: f for f in report.figures}


def test_the_seeds_case_is_reported_as_an_escalation(report: Report) -> None:
    application = _text(report.sections[2])
    assert content.ESCALATION_SENTENCE in application
    figures = _figures(report)
    assert figures[ILLEGAL_TITLE].rows == (("Geen", "–", "0"),)
    assert figures[ESCALATION_TITLE].rows == (("X", "1"),)


def test_a_notice_of_illegal_content_names_its_provisions_and_counts_by_type(
    tk2023: Election, alice: User, bob: User, x_channel: Platform, outbox: Any
) -> None:
    sent(
        approved_case(tk2023, alice, bob, legal_basis=illegal("civic_discourse_or_elections")),
        alice,
    )
    report = build_report(tk2023, redactions=TermRedactions(()))
    application = _text(report.sections[2])
    assert (
        "een melding van illegale inhoud gedaan op grond van artikel 16 DSA, wegens strijd met "
        "artikel 127 Wetboek van Strafrecht (een bedrieglijke handeling"
    ) in application
    assert "negatieve effecten op het maatschappelijk debat of verkiezingen" in application
    assert content.ESCALATION_SENTENCE not in application
    assert "te beoordelen op basis van" not in application  # no terms wording for (a)
    figures = _figures(report)
    assert figures[ILLEGAL_TITLE].rows == (
        ("X", "negatieve effecten op het maatschappelijk debat of verkiezingen", "1"),
    )
    assert figures[ESCALATION_TITLE].rows == (("Geen", "0"),)
