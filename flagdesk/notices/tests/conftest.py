# SPDX-License-Identifier: EUPL-1.2
"""A case with an approved deploy decision, its draft notice, and a platform mail server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case
from flagdesk.notices.models import Notice
from flagdesk.platforms.models import Platform
from flagdesk.rules.legal_basis import LegalBasis
from tests_support.smtp import SmtpServer

SEED_POST = "https://x.com/kiezer2023/status/1727365011111111111"
PLATFORM_ADDRESS = "escalations@x.example"
ELIGIBLE = {
    "election_process_risk": True,
    "election_process_risk_reasoning": "The post is about how to fill in the ballot today.",
    "misleading": True,
    "misleading_reasoning": "The post tells GroenLinks/PvdA voters to colour two boxes. "
    "GroenLinks/PvdA is one combined list; two boxes make the vote invalid.",
    "harms": ["invalid_vote"],
    "harms_reasoning": "Invalid votes.",
}


def approved_case(
    election: Election,
    assessor: User,
    approver: User,
    url: str = SEED_POST,
    assessment: dict[str, Any] | None = None,
    legal_basis: LegalBasis | None = None,
) -> Case:
    result = intake.record_signal(
        intake.SignalInput(
            election=election,
            source_type="media",
            category="misinformation",
            platform_name="x",
            content_urls=[url],
            explanation="Call to colour two boxes on the ballot.",
            received_via="email",
            source_organisation_name="NOS",
        )
    )
    assert result.case is not None
    assessments.save_assessment(result.case, assessment or ELIGIBLE, assessor)
    decision = assessments.propose_decision(
        result.case,
        "deploy",
        "Clear risk of invalid votes on election day.",
        assessor,
        legal_basis=legal_basis,
    )
    assessments.review_decision(decision, True, approver)
    return Case.objects.get(pk=result.case.pk)


@pytest.fixture
def x_channel(x_platform: Platform) -> Platform:
    x_platform.channel_kind = "email"
    x_platform.channel_address = PLATFORM_ADDRESS
    x_platform.channel_active = True
    x_platform.save()
    return x_platform


@pytest.fixture
def draft(tk2023: Election, alice: User, bob: User, x_channel: Platform) -> Notice:
    alice.first_name, alice.last_name, alice.email = "Alice", "Assessor", "alice@minbzk.example"
    alice.save()
    case = approved_case(tk2023, alice, bob)
    return Notice.objects.get(case=case)


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        settings.SMTP_URL = server.url
        settings.FROM_EMAIL = "trustedflagger@minbzk.example"
        yield server


@pytest.fixture
def outbox(settings: Any, tmp_path: Any) -> Any:
    settings.SMTP_URL = None
    settings.OUTBOX_DIR = tmp_path / "outbox"
    return settings.OUTBOX_DIR
