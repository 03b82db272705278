# SPDX-License-Identifier: EUPL-1.2
"""The report's paragraph per deployed case follows the kind of case, with dated years."""

from __future__ import annotations

import re

import pytest

from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.notices import dispatch
from flagdesk.notices import service as notices
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import outbox, x_channel  # noqa: F401 (fixtures)
from flagdesk.notices.tests.test_kinds import HACKED_ASSESSMENT, approve, hacked_case
from flagdesk.reports.content import build_report
from flagdesk.reports.document import Paragraph
from flagdesk.reports.redactions import TermRedactions
from flagdesk.reports.tests.text import plain_text

# X takes notices by e-mail; they go to a local outbox (fixtures of the notices tests).
pytestmark = pytest.mark.usefixtures("x_channel", "outbox")


def application_text(election: Election) -> str:
    report = build_report(election, redactions=TermRedactions(()))
    section = report.sections[2]
    return "\n".join(plain_text(b.inlines) for b in section.blocks if isinstance(b, Paragraph))


def sent(notice: Notice, actor: User) -> None:
    delivery = notices.send(notice, actor)
    dispatch.attempt_delivery(delivery.pk)


def test_hacked_account_paragraph_asks_to_secure_it(
    tk2023: Election, alice: User, bob: User
) -> None:
    case = hacked_case(tk2023)
    assessments.save_assessment(case, HACKED_ASSESSMENT, alice)
    sent(approve(case, alice, bob), alice)
    text = application_text(tk2023)
    assert "een gehackt of onbruikbaar communicatiekanaal van een medeoverheid op X" in text
    assert "driemaal contact gezocht met X" in text
    assert "verzocht het account te beveiligen" in text
    assert "te verwijderen wat de indringer erop had geplaatst" in text
    for misinformation_wording in ("onjuist", "misleid", "ongeldige stem", "civic integrity"):
        assert misinformation_wording not in text
    # The notice's date carries the year.
    assert re.search(r"X daarom op \d{1,2} \w+ \d{4} verzocht", text)


def test_blocked_advert_paragraph_asks_to_review_the_decision(
    tk2023: Election, alice: User, bob: User
) -> None:
    result = intake.record_signal(
        intake.SignalInput(
            election=tk2023,
            source_type="co_government",
            category="blocked_ad",
            platform_name="x",
            content_urls=["https://x.com/gemeentevoorbeeld/status/1727000000000000001"],
            explanation="Advertentie over waar je kunt stemmen is geblokkeerd.",
            received_via="email",
            source_organisation_name="Gemeente Voorbeeld",
            own_contact_attempts=2,
        )
    )
    assert result.case is not None
    facts = {
        "ad_reference": "1727000000000000001",
        "platform_decision": "Rejected as a political ad.",
        "why_election_information": "Where and when to vote; no party or candidate.",
        "urgency": "Election day is in two days.",
    }
    answers = {
        "election_process_risk": True,
        "own_contact_attempts": 2,
        "own_means_exhausted": True,
        "kind_facts": facts,
    }
    assessments.save_assessment(result.case, answers, alice)
    sent(approve(result.case, alice, bob), alice)
    text = application_text(tk2023)
    assert "een advertentie van een medeoverheid die X als politieke advertentie had" in text
    assert "het besluit om de advertentie te blokkeren te heroverwegen" in text
    assert "onjuist" not in text and "civic integrity" not in text
