# SPDX-License-Identifier: EUPL-1.2
"""The notice says what kind of notice it is: the legal-basis paragraph after the opening,
the subject and the closing request follow the decision's basis and the Art. 22 settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from flagdesk.accounts.models import User
from flagdesk.elections.models import Election
from flagdesk.notices import compose
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.conftest import approved_case
from flagdesk.notices.tests.test_compose import FACTS
from flagdesk.platforms.models import Platform
from flagdesk.rules.legal_basis import NOT_DESIGNATED, Basis, Designation, LegalBasis

# Rendering looks up an administrator's edited templates first (template_store): the database.
pytestmark = pytest.mark.django_db

ILLEGAL = LegalBasis(
    Basis.ILLEGAL_CONTENT, provisions=("sr_127",), content_type="civic_discourse_or_elections"
)
ESCALATION = LegalBasis(Basis.TERMS_ESCALATION)
ACM = Designation(True, "Autoriteit Consument & Markt (ACM)", dt.date(2025, 5, 19))
OPENING_END = "We notify you under our trusted-flagger status with your platform.\n\n"


def _facts(basis: LegalBasis, designation: Designation = NOT_DESIGNATED) -> compose.NoticeFacts:
    return compose.NoticeFacts(
        **{
            **FACTS.__dict__,
            "legal_basis": basis,
            "designation": designation,
            "programme": "Urgent Escalation Channel",
        }
    )


def _paragraph_after_opening(body: str) -> str:
    return body.split(OPENING_END, 1)[1].split("\n\n", 1)[0]


def test_illegal_content_is_its_own_paragraph_after_the_opening() -> None:
    body = compose.body_for(_facts(ILLEGAL, ACM))
    paragraph = _paragraph_after_opening(body)
    assert paragraph.startswith("This is a notice of illegal content under Article 16")
    assert "Article 127 of the Dutch Criminal Code" in paragraph
    assert "designated under Article 22 of the Digital Services Act by Autoriteit Consument" in (
        paragraph
    )
    assert "decide on the content in a timely, diligent, non-arbitrary and objective manner " in (
        body
    )
    assert "(Article 16(6) DSA)" in body and "act expeditiously to remove" in body
    # Not a question whether the content breaks the platform's policy.
    assert "check whether it violates" not in body
    assert compose.subject_for(_facts(ILLEGAL)).startswith(
        "Notice of illegal content (DSA Art. 16)"
    )


def test_without_designation_no_article_22_claim() -> None:
    body = compose.body_for(_facts(ILLEGAL))
    assert _paragraph_after_opening(body).startswith("This is a notice of illegal content")
    assert "Article 22" not in body


@pytest.mark.parametrize("designation", [Designation(), ACM])
def test_an_escalation_asks_to_check_the_terms(designation: Designation) -> None:
    body = compose.body_for(_facts(ESCALATION, designation))
    paragraph = _paragraph_after_opening(body)
    assert paragraph.startswith("We ask you to check this content against your terms of service")
    assert "it is not a notice of illegal content under Article 16" in paragraph
    assert "check whether it violates X's civic integrity policy?" in body
    assert FACTS.policy_url in body
    assert "Article 22" not in body
    assert compose.subject_for(_facts(ESCALATION)).startswith("Urgent notification of possible")


def test_the_paragraph_follows_the_language() -> None:
    assert compose.legal_basis_paragraph(_facts(ILLEGAL, ACM), "nl").startswith(
        "Dit is een melding van illegale inhoud op grond van artikel 16"
    )
    assert "gebruikersvoorwaarden" in compose.legal_basis_paragraph(_facts(ESCALATION), "nl")


def test_a_notice_without_a_basis_has_no_paragraph() -> None:
    body = compose.body_for(FACTS)
    assert "Article 16" not in body
    assert "\n\n\n" not in body


def test_the_draft_carries_the_decisions_basis_and_the_settings_designation(
    tk2023: Election, alice: User, bob: User, x_channel: Platform, settings: Any
) -> None:
    settings.ART22_DESIGNATED = True
    settings.ART22_COORDINATOR = "Autoriteit Consument & Markt (ACM)"
    settings.ART22_DESIGNATED_ON = dt.date(2025, 5, 19)
    case = approved_case(tk2023, alice, bob, legal_basis=ILLEGAL)
    notice = Notice.objects.get(case=case)
    assert notice.subject.startswith("Notice of illegal content (DSA Art. 16)")
    paragraph = _paragraph_after_opening(notice.body)
    assert "Article 127 of the Dutch Criminal Code" in paragraph
    assert "by Autoriteit Consument & Markt (ACM) on 19 May 2025" in paragraph


def test_the_seeds_draft_is_an_escalation_through_the_programme(
    tk2023: Election, alice: User, bob: User, x_channel: Platform
) -> None:
    x_channel.programme = "Urgent Escalation Channel"
    x_channel.save()
    notice = Notice.objects.get(case=approved_case(tk2023, alice, bob))
    paragraph = _paragraph_after_opening(notice.body)
    assert "through your Urgent Escalation Channel" in paragraph
    assert "not a notice of illegal content" in paragraph


@pytest.mark.parametrize(
    ("kind", "language", "closing"),
    [
        ("misinformation", "nl", "(artikel 16, zesde lid, DSA)"),
        ("other", "en", "(Article 16(6) DSA)"),
        ("other", "nl", "(artikel 16, zesde lid, DSA)"),
    ],
)
def test_every_kinds_closing_follows_the_basis(kind: str, language: str, closing: str) -> None:
    illegal = compose.body_for(
        compose.NoticeFacts(**{**_facts(ILLEGAL).__dict__, "kind": kind}), language
    )
    assert closing in illegal
    assert "{{ policy }}" not in illegal
    escalation = compose.body_for(
        compose.NoticeFacts(**{**_facts(ESCALATION).__dict__, "kind": kind}), language
    )
    assert closing not in escalation
