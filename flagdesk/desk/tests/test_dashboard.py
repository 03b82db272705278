# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.assessments import service as assessments
from flagdesk.conftest import make_user, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case
from flagdesk.intake.service import SignalInput
from flagdesk.platforms.models import Platform

URL = "/"


def record(
    election: Election,
    organisation: PartnerOrganisation,
    n: int,
    platform: str = "x",
    actor: Any = None,
) -> intake.IntakeResult:
    urls = {"x": "https://x.com/a/status/{}", "tiktok": "https://www.tiktok.com/@a/video/{}"}
    return intake.record_signal(
        SignalInput(
            election=election,
            source_type=organisation.source_type,
            category="misinformation",
            platform_name=platform,
            content_urls=[urls[platform].format(1000 + n)],
            explanation="e",
            received_via="phone",
            source_organisation=organisation,
        ),
        actor=actor,
    )


@pytest.fixture
def figures(tk2023: Election, nos: PartnerOrganisation, carol: User) -> list[Case]:
    for n in range(3):
        record(tk2023, nos, n, actor=carol)
    record(tk2023, nos, 0, actor=carol)  # joins
    record(tk2023, nos, 9, platform="tiktok", actor=carol)
    Platform.objects.filter(slug="tiktok").update(channel_active=False)
    record(tk2023, nos, 10, platform="tiktok", actor=carol)  # refused
    return list(Case.objects.order_by("pk"))


def tallies(response: Any, key: str) -> dict[str, int]:
    return {t.key: t.value for t in response.context[key]}


def test_it_counts_for_the_chosen_election(alice: User, figures: list[Case]) -> None:
    response = verified_client(alice).get(URL, {"election": "TK2023"})
    assert response.status_code == 200
    assert response.context["election"].code == "TK2023"
    assert tallies(response, "case_states")["new"] == 4
    outcomes = tallies(response, "signal_outcomes")
    assert (outcomes["new_case"], outcomes["joined_case"], outcomes["refused"]) == (4, 1, 1)
    platforms = {t.key: (t.value, t.percent) for t in response.context["platform_counts"]}
    assert platforms == {"x": (3, 100), "tiktok": (1, 33)}


def test_citizen_referrals_count_as_refused_at_intake(
    alice: User, carol: User, figures: list[Case], tk2023: Election
) -> None:
    # A referral keeps no signal, only an anonymous counter; the dashboard counted 0 refused.
    staff = verified_client(carol)
    for _n in range(3):
        staff.post("/signals/citizen", {"platform": "x", "day": "2023-11-20"})
    outcomes = tallies(verified_client(alice).get(URL, {"election": "TK2023"}), "signal_outcomes")
    assert outcomes["refused"] == 1 + 3
    assert outcomes["referred"] == 3


def test_another_election_has_no_figures(alice: User, figures: list[Case]) -> None:
    response = verified_client(alice).get(URL, {"election": "EP2024"})
    assert response.context["election"].code == "EP2024"
    assert sum(tallies(response, "case_states").values()) == 0
    assert response.context["platform_counts"] == []


def test_an_unknown_election_falls_back_to_the_current_one(alice: User, tk2023: Election) -> None:
    response = verified_client(alice).get(URL, {"election": "nonsense"})
    assert response.status_code == 200 and response.context["election"] is not None


def test_the_bar_chart_uses_svg_not_style_attributes(alice: User, figures: list[Case]) -> None:
    html = verified_client(alice).get(URL, {"election": "TK2023"}).content.decode()
    assert re.search(r'<rect class="bar" x="0" y="0" width="33"', html)
    assert "style=" not in html and "<script>" not in html
    assert '<label for="election-select">' in html


def test_assessors_see_cases_to_assess(alice: User, figures: list[Case]) -> None:
    response = verified_client(alice).get(URL, {"election": "TK2023"})
    assert {c.reference for c in response.context["cases_to_assess"]} == {
        c.reference for c in figures
    }
    assert f'href="/cases/{figures[0].reference}"' in response.content.decode()
    assert "decisions_to_review" not in response.context


def test_approvers_see_decisions_awaiting_them(alice: User, bob: User, figures: list[Case]) -> None:
    case = figures[0]
    assessments.save_assessment(
        case, {"election_process_risk": True, "misleading": True, "harms": ["invalid_vote"]}, alice
    )
    assessments.propose_decision(case, "deploy", "Invalid vote advice.", alice)
    response = verified_client(bob).get(URL, {"election": "TK2023"})
    assert [d.case.reference for d in response.context["decisions_to_review"]] == [case.reference]
    assert "cases_to_assess" not in response.context
    assert "alice" in response.content.decode()


def test_intake_officers_see_their_recent_signals(carol: User, figures: list[Case]) -> None:
    response = verified_client(carol).get(URL, {"election": "TK2023"})
    assert len(response.context["recent_signals"]) == 6
    assert "cases_to_assess" not in response.context


def test_the_nav_shows_what_the_user_may_do(carol: User, bob: User, tk2023: Election) -> None:
    carol_html = verified_client(carol).get(URL).content.decode()
    bob_html = verified_client(bob).get(URL).content.decode()
    assert 'href="/signals/new"' in carol_html and 'href="/signals/citizen"' in carol_html
    assert 'href="/cases"' in carol_html and 'href="/signals/new"' not in bob_html
    assert 'aria-current="page"' in carol_html


def test_the_nav_shows_admin_links_to_admins_only(
    dave: User, carol: User, tk2023: Election
) -> None:
    dave_html = verified_client(dave).get(URL).content.decode()
    assert 'href="/platforms"' in dave_html
    assert 'href="/platforms"' not in verified_client(carol).get(URL).content.decode()


@pytest.mark.parametrize("role", [Role.INTAKE, Role.ASSESSOR, Role.APPROVER, Role.ADMIN])
def test_every_staff_role_sees_the_dashboard(tk2023: Election, role: Role) -> None:
    assert verified_client(make_user("someone", role)).get(URL).status_code == 200


def test_a_partner_user_is_refused(nos: PartnerOrganisation) -> None:
    partner = User.objects.create_user("nos-api", roles=[Role.PARTNER], organisation=nos)
    assert verified_client(partner).get(URL).status_code == 403


def test_anonymous_users_are_sent_to_login(db: Any) -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login")
