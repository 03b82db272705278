# SPDX-License-Identifier: EUPL-1.2
"""A case on its way through the four eyes, and a second approver beside bob."""

from __future__ import annotations

from typing import Any

import pytest

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.assessments.models import Decision
from flagdesk.conftest import make_user, media_case
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case
from flagdesk.notices.tests.conftest import ELIGIBLE, SEED_POST, approved_case
from flagdesk.notifications.models import Notification

__all__ = ["approved_case"]


@pytest.fixture
def frank(db: Any) -> User:
    return make_user("frank", Role.APPROVER)


def open_case(election: Election, url: str = SEED_POST) -> Case:
    return media_case(election, url, explanation="Call to colour two boxes on the ballot.")


def propose(case: Case, assessor: User) -> Decision:
    assessments.save_assessment(case, ELIGIBLE, assessor)
    return assessments.propose_decision(case, "deploy", "Clear risk of invalid votes.", assessor)


def kinds_of(user: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("event_seq")
        .values_list("kind", flat=True)
    )
