# SPDX-License-Identifier: EUPL-1.2
"""Case owners (issue 15): take, assign, release, the case list's owner filter and bulk
assign; the attacks first (a role that may not, forged ids, another election's cases)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import translation

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import User
from flagdesk.assessments.tests.test_service_workflow import new_case
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, make_user, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case

OTHER_POST = "https://x.com/kiezer2023/status/1727365022222222222"


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


@pytest.fixture
def case(tk2023: Election) -> Case:
    return new_case(tk2023)


def owner_of(case: Case) -> str | None:
    owner = Case.objects.get(pk=case.pk).owner
    return owner.get_username() if owner else None


# ------------------------------------------------------------- attacks


def test_intake_officer_and_admin_cannot_take_a_case(case: Case, carol: User, dave: User) -> None:
    for user in (carol, dave):
        with pytest.raises(PermissionDenied):
            intake.take_case(case, user, None)
    assert owner_of(case) is None


def test_an_assessor_cannot_assign_or_release_someone_elses_case(
    case: Case, alice: User, erin: User
) -> None:
    intake.take_case(case, alice, None)
    with pytest.raises(PermissionDenied):
        intake.assign_case(case, erin, erin)
    with pytest.raises(PermissionDenied):
        intake.release_case(case, erin)
    assert owner_of(case) == "alice"


def test_a_case_cannot_be_assigned_to_someone_who_may_not_own_cases(
    case: Case, bob: User, carol: User, dave: User
) -> None:
    for assignee in (carol, dave):
        with pytest.raises(intake.OwnershipConflict):
            intake.assign_case(case, assignee, bob)
    assert owner_of(case) is None


def test_the_owner_endpoint_refuses_an_intake_officer(case: Case, carol: User) -> None:
    response = verified_client(carol).post(
        f"/cases/{case.reference}/owner", {"action": "take", "seen_owner": ""}
    )
    assert response.status_code == 403
    assert owner_of(case) is None


def test_the_owner_endpoint_refuses_a_forged_assignee(case: Case, bob: User, carol: User) -> None:
    client = verified_client(bob)
    for forged in (str(carol.pk), "999999", "1; DROP TABLE x", "-1"):
        response = client.post(
            f"/cases/{case.reference}/owner", {"action": "assign", "assignee": forged}
        )
        assert response.status_code in (302, 400)
    assert owner_of(case) is None
    assert events("case_assigned") == []


def test_the_owner_endpoint_needs_csrf(case: Case, alice: User) -> None:
    client = verified_client(alice)
    client.handler.enforce_csrf_checks = True
    response = client.post(f"/cases/{case.reference}/owner", {"action": "take", "seen_owner": ""})
    assert response.status_code == 403
    assert owner_of(case) is None


def test_bulk_assign_refuses_an_assessor(tk2023: Election, alice: User, erin: User) -> None:
    case = new_case(tk2023)
    response = verified_client(alice).post(
        "/cases/assign", {"case": [case.pk], "assignee": erin.pk}
    )
    assert response.status_code == 403
    assert owner_of(case) is None


def test_bulk_assign_with_a_forged_id_assigns_nothing(
    tk2023: Election, bob: User, erin: User
) -> None:
    case = new_case(tk2023)
    verified_client(bob).post("/cases/assign", {"case": [case.pk, 987654], "assignee": erin.pk})
    assert owner_of(case) is None
    assert events("case_assigned") == []
    response = verified_client(bob).post("/cases/assign", {"case": ["x"], "assignee": erin.pk})
    assert response.status_code == 400


def test_bulk_assign_refuses_another_elections_cases(
    tk2023: Election, bob: User, erin: User
) -> None:
    mine = new_case(tk2023)
    other_election = Election.objects.get(code="EP2024")
    theirs = new_case(other_election, url=OTHER_POST)
    client = verified_client(bob)
    client.post(
        "/cases/assign",
        {"case": [mine.pk, theirs.pk], "assignee": erin.pk, "election": tk2023.code},
    )
    assert (owner_of(mine), owner_of(theirs)) == (None, None)
    assert events("case_assigned") == []


def test_bulk_assign_needs_csrf(tk2023: Election, bob: User, erin: User) -> None:
    case = new_case(tk2023)
    client = verified_client(bob)
    client.handler.enforce_csrf_checks = True
    response = client.post("/cases/assign", {"case": [case.pk], "assignee": erin.pk})
    assert response.status_code == 403
    assert owner_of(case) is None


# ------------------------------------------------------------- the service


def test_take_release_and_assign_are_audited_with_before_and_after(
    case: Case, alice: User, erin: User, bob: User
) -> None:
    intake.take_case(case, alice, None)
    intake.assign_case(case, erin, bob)
    intake.release_case(case, erin)

    taken, assigned, released = (
        events("case_taken"),
        events("case_assigned"),
        events("case_released"),
    )
    assert (taken[0].before, taken[0].after, taken[0].actor) == (
        {"owner": None, "owner_id": None},
        {"owner": "alice", "owner_id": alice.pk},
        alice,
    )
    assert (assigned[0].before, assigned[0].after, assigned[0].actor) == (
        {"owner": "alice", "owner_id": alice.pk},
        {"owner": "erin", "owner_id": erin.pk},
        bob,
    )
    assert (released[0].before, released[0].after) == (
        {"owner": "erin", "owner_id": erin.pk},
        {"owner": None, "owner_id": None},
    )
    case.refresh_from_db()
    assert case.owner is None and case.owned_since is None


def test_taking_a_case_someone_took_meanwhile_names_them(
    case: Case, alice: User, erin: User
) -> None:
    intake.take_case(case, alice, None)
    with pytest.raises(intake.OwnershipConflict, match="alice"):
        intake.take_case(case, erin, None)  # erin still saw it unowned
    assert owner_of(case) == "alice"
    intake.take_case(case, erin, alice.pk)  # taking it over knowingly
    assert owner_of(case) == "erin"
    assert events("case_taken")[-1].before == {"owner": "alice", "owner_id": alice.pk}


def test_an_approver_takes_and_releases_anyones_case(case: Case, alice: User, bob: User) -> None:
    intake.take_case(case, alice, None)
    intake.release_case(case, bob)
    assert owner_of(case) is None
    intake.take_case(case, bob, None)
    assert owner_of(case) == "bob"


def test_bulk_assign_writes_one_event_per_changed_case(
    tk2023: Election, bob: User, erin: User
) -> None:
    first, second = new_case(tk2023), new_case(tk2023, url=OTHER_POST)
    intake.assign_case(first, erin, bob)
    intake.bulk_assign([first.pk, second.pk], erin, bob, election=tk2023)
    assert (owner_of(first), owner_of(second)) == ("erin", "erin")
    assert [e.object_id for e in events("case_assigned")] == [str(first.pk), str(second.pk)]


# ------------------------------------------------------------- pages


def test_the_case_list_filters_by_owner(tk2023: Election, alice: User, erin: User) -> None:
    mine, theirs = new_case(tk2023), new_case(tk2023, url=OTHER_POST)
    unowned = new_case(tk2023, url="https://x.com/kiezer2023/status/1727365033333333333")
    intake.take_case(mine, alice, None)
    intake.take_case(theirs, erin, None)
    client = in_english(verified_client(alice))

    def listed(query: str) -> set[str]:
        page = client.get(f"/cases?{query}").content.decode()
        return {c.reference for c in (mine, theirs, unowned) if c.reference in page}

    assert listed("owner=me") == {mine.reference}
    assert listed("owner=none") == {unowned.reference}
    assert listed(f"owner={erin.pk}") == {theirs.reference}
    assert listed("") == {mine.reference, theirs.reference, unowned.reference}
    page = client.get("/cases").content.decode()
    assert '<th scope="col">Owner</th>' in page and 'href="/cases?owner=me"' in page


def test_the_case_list_offers_bulk_assign_only_to_those_who_may(
    case: Case, alice: User, bob: User
) -> None:
    assert 'id="bulk-assign"' not in verified_client(alice).get("/cases").content.decode()
    page = verified_client(bob).get("/cases").content.decode()
    assert 'id="bulk-assign"' in page and f'value="{case.pk}" form="bulk-assign"' in page


def test_bulk_assign_from_the_list(tk2023: Election, bob: User, erin: User) -> None:
    first, second = new_case(tk2023), new_case(tk2023, url=OTHER_POST)
    response = verified_client(bob).post(
        "/cases/assign",
        {
            "case": [first.pk, second.pk],
            "assignee": erin.pk,
            "election": tk2023.code,
            "return_query": "owner=none&state=new",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/cases?owner=none&state=new"
    assert (owner_of(first), owner_of(second)) == ("erin", "erin")


def test_the_case_page_shows_who_else_works_on_it(case: Case, alice: User, erin: User) -> None:
    intake.take_case(case, alice, None)
    page = in_english(verified_client(erin)).get(f"/cases/{case.reference}").content.decode()
    assert "alice is working on this case (owner since" in page
    assert 'id="take-over-first"' in page and 'id="checklist-form"' not in page
    own = in_english(verified_client(alice)).get(f"/cases/{case.reference}").content.decode()
    assert 'id="in-use"' not in own and 'data-shortcut="t"' not in own


def test_recent_changes_by_someone_else_show_as_at_work(
    case: Case, alice: User, erin: User
) -> None:
    from flagdesk.assessments import service as assessments
    from flagdesk.assessments.tests.test_service_workflow import ELIGIBLE

    assessments.save_assessment(case, ELIGIBLE, alice)  # alice changed it; she owns nothing
    page = in_english(verified_client(erin)).get(f"/cases/{case.reference}").content.decode()
    assert "alice is working on this case (last change" in page
    assert 'data-shortcut="t"' in page


def test_take_over_and_assess_in_one_click(case: Case, alice: User, erin: User) -> None:
    intake.take_case(case, alice, None)
    response = verified_client(erin).post(
        f"/cases/{case.reference}/owner",
        {"action": "take", "seen_owner": str(alice.pk), "then": "assess"},
    )
    assert response["Location"] == f"/cases/{case.reference}#assessment-h"
    assert owner_of(case) == "erin"


# ------------------------------------------------------------- two at once


ON_POSTGRES_ONLY = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="row locks exist on PostgreSQL only (the second run of make test)",
)


@ON_POSTGRES_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_taking_at_once_get_one_winner(tk2023: Election) -> None:
    case = new_case(tk2023)
    takers = [make_user(f"taker{n}", Role.ASSESSOR) for n in range(2)]
    start = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def take(user: User) -> None:
        try:
            start.wait(5)
            with translation.override("en"):
                intake.take_case(case, user, None)
            outcomes[user.username] = "won"
        except intake.OwnershipConflict as exc:
            outcomes[user.username] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(user,)) for user in takers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, outcomes
    loser = next(name for name in outcomes if name not in winners)
    assert f"{winners[0]} took {case.reference}" in outcomes[loser]
    assert owner_of(case) == winners[0]
    assert len(events("case_taken")) == 1
