# SPDX-License-Identifier: EUPL-1.2
"""A platform's own service levels, set by an administrator on its edit page (issue 15)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.platforms.models import Platform
from flagdesk.platforms.tests.test_views_platforms import form_data

EDIT_X = reverse("fd-platform-edit", args=["x"])
LEVELS = {"sla_decision_minutes": "45", "sla_approval_minutes": "20", "sla_ack_minutes": "120"}


def test_admin_sets_a_platforms_service_levels_audited(dave: User, x_platform: Platform) -> None:
    response = verified_client(dave).post(EDIT_X, form_data(x_platform, **LEVELS))
    assert response.status_code == 302
    x_platform.refresh_from_db()
    assert (
        x_platform.sla_decision_minutes,
        x_platform.sla_approval_minutes,
        x_platform.sla_ack_minutes,
    ) == (45, 20, 120)
    event = AuditEvent.objects.get(action="platform_updated")
    assert event.before["sla_ack_minutes"] is None
    assert event.after["sla_ack_minutes"] == 120


def test_emptying_a_value_returns_to_the_default(dave: User, x_platform: Platform) -> None:
    Platform.objects.filter(pk=x_platform.pk).update(sla_ack_minutes=120)
    x_platform.refresh_from_db()
    data = form_data(x_platform, sla_ack_minutes="")
    assert verified_client(dave).post(EDIT_X, data).status_code == 302
    x_platform.refresh_from_db()
    assert x_platform.sla_ack_minutes is None


def test_the_edit_page_offers_the_service_levels(dave: User) -> None:
    html = in_english(verified_client(dave)).get(EDIT_X).content.decode()
    for name in LEVELS:
        assert f'name="{name}"' in html
    assert "Minutes to acknowledgment" in html


@pytest.mark.parametrize("value", ["0", "-5", "10081", "1e3", "an hour"])
def test_a_threshold_must_be_a_sensible_number_of_minutes(
    dave: User, x_platform: Platform, value: str
) -> None:
    data = form_data(x_platform, sla_ack_minutes=value)
    response = verified_client(dave).post(EDIT_X, data)
    assert response.status_code == 400 or (
        response.status_code == 200 and response.context["form"].errors
    )
    x_platform.refresh_from_db()
    assert x_platform.sla_ack_minutes is None
    assert not AuditEvent.objects.filter(action="platform_updated").exists()


@pytest.mark.parametrize("persona", ["carol", "alice", "bob"])
def test_only_an_administrator_may_change_them(
    persona: str, x_platform: Platform, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    response = verified_client(user).post(EDIT_X, form_data(x_platform, sla_ack_minutes="1"))
    assert response.status_code == 403
    x_platform.refresh_from_db()
    assert x_platform.sla_ack_minutes is None
    assert not AuditEvent.objects.filter(action="platform_updated").exists()
