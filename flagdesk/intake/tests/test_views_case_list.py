# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.conftest import make_user, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake import service
from flagdesk.intake.models import Case, Signal
from flagdesk.intake.service import SignalInput

URL = "/cases"


def record(
    election: Election,
    organisation: PartnerOrganisation,
    n: int,
    platform: str = "x",
    category: str = "misinformation",
) -> None:
    urls = {"x": "https://x.com/a/status/{}", "tiktok": "https://www.tiktok.com/@a/video/{}"}
    service.record_signal(
        SignalInput(
            election=election,
            source_type=organisation.source_type,
            category=category,
            platform_name=platform,
            content_urls=[urls[platform].format(1000 + n)],
            explanation="e",
            received_via="phone",
            source_organisation=organisation,
        )
    )


@pytest.fixture
def cases(tk2023: Election, nos: PartnerOrganisation) -> list[Case]:
    for n in range(3):
        record(tk2023, nos, n)
    record(tk2023, nos, 0)  # joins the first case
    record(tk2023, nos, 7, platform="tiktok", category="other")
    return list(Case.objects.order_by("pk"))


def test_it_lists_cases_with_signal_counts(alice: User, cases: list[Case]) -> None:
    response = verified_client(alice).get(URL)
    page = response.context["page"]
    assert response.status_code == 200
    assert len(page.object_list) == 4
    counts = {case.reference: case.signal_count for case in page.object_list}
    assert counts[cases[0].reference] == 2 and counts[cases[1].reference] == 1
    html = response.content.decode()
    assert f'href="/cases/{cases[0].reference}"' in html
    assert '<th scope="col">' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"platform": "tiktok"}, 1),
        ({"category": "other"}, 1),
        ({"state": "new"}, 4),
        ({"state": "decided"}, 0),
        ({"election": "TK2023"}, 4),
        ({"election": "EP2024"}, 0),
    ],
)
def test_it_filters(alice: User, cases: list[Case], query: dict[str, str], expected: int) -> None:
    response = verified_client(alice).get(URL, query)
    assert response.context["page"].paginator.count == expected


def test_it_searches_by_reference(alice: User, cases: list[Case]) -> None:
    reference = cases[2].reference
    page = verified_client(alice).get(URL, {"q": reference.lower()}).context["page"]
    assert [c.reference for c in page.object_list] == [reference]


def test_it_paginates_by_fifty(alice: User, tk2023: Election, nos: PartnerOrganisation) -> None:
    for n in range(55):
        record(tk2023, nos, n)
    client = verified_client(alice)
    first = client.get(URL, {"platform": "x"})
    second = client.get(URL, {"platform": "x", "page": "2"})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 5
    assert "platform=x&amp;page=2" in first.content.decode()


def test_it_does_not_query_per_row(
    alice: User, tk2023: Election, nos: PartnerOrganisation, django_assert_max_num_queries: Any
) -> None:
    for n in range(60):
        record(tk2023, nos, n)
        record(tk2023, nos, n)
    client = verified_client(alice)
    client.get(URL)  # warm the session and the user
    # A fixed number for the page, whatever its rows: session, user, the bell's unread count,
    # the filters' choices, the page and its count, the case steps, and the live page's version
    # (chain head, newest delivery attempt, the bell's newest and unread) — issue 15.
    with django_assert_max_num_queries(16):
        response = client.get(URL, {"election": "TK2023"})
    assert len(response.context["page"].object_list) == 50
    assert Signal.objects.count() == 120


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.INTAKE, 200),
        (Role.ASSESSOR, 200),
        (Role.APPROVER, 200),
        (Role.ADMIN, 200),
    ],
)
def test_staff_may_list_cases(db: Any, role: Role, status: int) -> None:
    assert verified_client(make_user("someone", role)).get(URL).status_code == status


def test_a_partner_user_is_refused(nos: PartnerOrganisation) -> None:
    partner = User.objects.create_user("nos-api", roles=[Role.PARTNER], organisation=nos)
    assert verified_client(partner).get(URL).status_code == 403


def test_anonymous_users_are_sent_to_login(db: Any) -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login")


def test_an_invalid_filter_is_shown_and_the_rest_still_applies(
    alice: User, cases: list[Case]
) -> None:
    response = verified_client(alice).get(URL, {"election": "NOPE", "platform": "tiktok"})
    assert response.status_code == 200
    assert "election" in response.context["form"].errors
    assert response.context["page"].paginator.count == 1
    assert 'aria-describedby="id_election_error"' in response.content.decode()


def test_the_filter_form_enhances_with_htmx(alice: User, cases: list[Case]) -> None:
    response = verified_client(alice).get(URL, {"state": "new"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'hx-select="#case-results"' in html and 'id="case-results"' in html
