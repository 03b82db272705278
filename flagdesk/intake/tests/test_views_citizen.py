# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import make_user, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake.models import RefusalCount, Signal

URL = "/signals/citizen"


def test_the_form_has_labels_and_no_personal_fields(carol: User, tk2023: Election) -> None:
    html = verified_client(carol).get(URL).content.decode()
    assert '<label for="id_platform">' in html and '<label for="id_day">' in html
    for personal in ('name="name"', 'name="phone"', 'name="email"', 'name="content_urls"'):
        assert personal not in html


def test_it_refers_the_caller_and_stores_nothing(carol: User, tk2023: Election) -> None:
    response = verified_client(carol).post(URL, {"platform": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "https://help.x.com/en/rules-and-policies/x-report-violation" in html
    assert "Meld het dan zelf bij X" in html and "Platform: X</h2>" in html
    assert Signal.objects.count() == 0
    counter = RefusalCount.objects.get()
    assert (counter.platform_key, counter.source_type, counter.count) == ("x", "citizen", 1)
    assert counter.referred
    event = AuditEvent.objects.get(action="citizen_referred")
    assert event.actor == carol


def test_a_second_call_increments_the_count(carol: User, tk2023: Election) -> None:
    client = verified_client(carol)
    client.post(URL, {"platform": "x"})
    client.post(URL, {"platform_other": "Twitter"})  # an alias counts for the same platform
    assert RefusalCount.objects.get().count == 2
    assert Signal.objects.count() == 0


def test_the_date_picks_the_election(carol: User, tk2023: Election) -> None:
    verified_client(carol).post(URL, {"platform": "tiktok", "day": "2023-11-20"})
    assert RefusalCount.objects.get().election == tk2023


def test_an_unknown_platform_still_gets_a_referral(carol: User, tk2023: Election) -> None:
    response = verified_client(carol).post(URL, {"platform_other": "Mastodon"})
    assert "Platform: Mastodon" in response.content.decode()
    assert RefusalCount.objects.get().platform_key == "mastodon"


def test_a_platform_is_required(carol: User, tk2023: Election) -> None:
    response = verified_client(carol).post(URL, {"day": "2023-11-20"})
    assert response.status_code == 400
    assert "platform" in response.context["form"].errors
    assert 'aria-describedby="id_platform_error"' in response.content.decode()
    assert RefusalCount.objects.count() == 0


def test_a_bad_date_is_reported(carol: User, tk2023: Election) -> None:
    response = verified_client(carol).post(URL, {"platform": "x", "day": "22-11"})
    assert response.status_code == 400
    assert "day" in response.context["form"].errors


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.INTAKE, 200),
        (Role.ASSESSOR, 200),
        (Role.APPROVER, 403),
        (Role.ADMIN, 403),
    ],
)
def test_access_by_role(db: Any, role: Role, status: int) -> None:
    assert verified_client(make_user("someone", role)).get(URL).status_code == status


def test_a_partner_user_is_refused(nos: PartnerOrganisation, tk2023: Election) -> None:
    partner = User.objects.create_user("nos-api", roles=[Role.PARTNER], organisation=nos)
    assert verified_client(partner).post(URL, {"platform": "x"}).status_code == 403
    assert RefusalCount.objects.count() == 0


def test_anonymous_users_are_sent_to_login(db: Any) -> None:
    response = Client().post(URL, {"platform": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/login")
    assert RefusalCount.objects.count() == 0
