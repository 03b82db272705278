# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/narratieven and a case's narratives: what the registry pages and the case page's
narrative panel do, over the API alone.

The attacks first: a partner token, a wrong role, forged slugs and ids, deciding a decided
suggestion, merging a narrative into itself or a retired one. Then the path an assessor takes:
look for narratives, confirm one, link another by hand, decide an earlier similar signal,
merge and retire — each audited, as the page's buttons are.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts import service as accounts
from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import verified_client
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case
from flagdesk.narratives import selectors, service
from flagdesk.narratives.models import LinkStatus, Narrative, NarrativeLink, SimilarCase
from flagdesk.narratives.tests.test_service import new_case

PROBLEM = "application/problem+json"
SIMILAR = (
    "Bericht op X: bij GroenLinks/PvdA moet je twee vakjes rood maken, een voor een "
    "GroenLinks-kandidaat en een voor een PvdA-kandidaat."
)


def token_for(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {accounts.issue_token(name='t', user=user)[1]}")


def call(client: Client, method: str, path: str, body: Any = None) -> Any:
    if method == "get":
        return client.get(f"/api/v1{path}")
    return client.post(f"/api/v1{path}", body or {}, content_type="application/json")


def is_problem(response: Any, status: int) -> bool:
    return response.status_code == status and response["Content-Type"] == PROBLEM


@pytest.fixture
def case(tk2023: Election) -> Case:
    return new_case(tk2023, "x", "https://x.com/a/status/41")


@pytest.fixture
def suggested(case: Case) -> NarrativeLink:
    [link, *_] = service.suggest(case)
    assert link.status == LinkStatus.SUGGESTED
    return link


@pytest.fixture
def similar(tk2023: Election, case: Case) -> SimilarCase:
    later = new_case(Election.objects.get(code="TK2025"), "x", "https://x.com/b/status/42", SIMILAR)
    [link] = service.suggest_similar(later)
    assert link.earlier == case
    return link


def two_boxes() -> Narrative:
    return Narrative.objects.get(slug="two-boxes")


def other_active() -> Narrative:
    found = Narrative.objects.filter(retired=False, merged_into=None).exclude(slug="two-boxes")
    narrative = found.order_by("slug").first()
    assert narrative is not None
    return narrative


# ------------------------------------------------------------------------- attacks


def test_a_partner_token_reaches_no_narrative(
    nos_token: str, case: Case, suggested: NarrativeLink, similar: SimilarCase
) -> None:
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")
    slug = suggested.narrative.slug
    for method, path, body in [
        ("get", "/narratieven", None),
        ("get", f"/narratieven/{slug}", None),
        ("post", f"/narratieven/{slug}/intrekking", None),
        ("post", f"/narratieven/{slug}/samenvoeging", {"target": other_active().slug}),
        ("get", f"/zaken/{case.reference}/narratieven", None),
        ("post", f"/zaken/{case.reference}/narratieven", {"narrative": slug}),
        ("post", f"/zaken/{case.reference}/narratief-suggesties", None),
        ("post", f"/narratief-koppelingen/{suggested.pk}/beoordeling", {"confirm": True}),
        ("post", f"/vergelijkbare-zaken/{similar.pk}/beoordeling", {"confirm": True}),
    ]:
        assert is_problem(call(partner, method, path, body), 403), path
    suggested.refresh_from_db()
    similar.refresh_from_db()
    assert (suggested.status, similar.status) == (LinkStatus.SUGGESTED, LinkStatus.SUGGESTED)
    assert not two_boxes().retired
    assert not AuditEvent.objects.filter(actor__organisation__isnull=False).exists()


def test_only_assessors_act_and_a_wrong_role_learns_nothing(
    carol: User, bob: User, dave: User, case: Case, suggested: NarrativeLink, similar: SimilarCase
) -> None:
    for user in (carol, bob, dave):
        client = token_for(user)
        # Staff read the registry and the case's panel …
        assert call(client, "get", "/narratieven").status_code == 200
        assert call(client, "get", f"/zaken/{case.reference}/narratieven").status_code == 200
        # … but only an assessor acts; an id that does not exist is refused the same way.
        for path, body in [
            ("/narratieven/two-boxes/intrekking", None),
            ("/narratieven/no-such-thing/intrekking", None),
            ("/narratieven/two-boxes/samenvoeging", {"target": other_active().slug}),
            (f"/zaken/{case.reference}/narratieven", {"narrative": "two-boxes"}),
            (f"/zaken/{case.reference}/narratief-suggesties", None),
            (f"/narratief-koppelingen/{suggested.pk}/beoordeling", {"confirm": True}),
            ("/narratief-koppelingen/999999/beoordeling", {"confirm": True}),
            (f"/vergelijkbare-zaken/{similar.pk}/beoordeling", {"confirm": False}),
        ]:
            assert is_problem(call(client, "post", path, body), 403), (user.username, path)
    suggested.refresh_from_db()
    assert suggested.status == LinkStatus.SUGGESTED and not two_boxes().retired


def test_forged_slugs_ids_and_references_are_not_found(alice: User, case: Case) -> None:
    client = token_for(alice)
    for method, path, body in [
        ("get", "/narratieven/no-such-narrative", None),
        ("get", "/narratieven/..%2F..%2Fetc", None),
        ("get", "/narratieven/" + "a" * 61, None),
        ("post", "/narratieven/no-such-narrative/intrekking", None),
        ("post", "/narratieven/no-such-narrative/samenvoeging", {"target": "two-boxes"}),
        ("get", "/zaken/FD-1999-9999/narratieven", None),
        ("get", "/zaken/FD'--/narratieven", None),
        ("post", "/zaken/FD-1999-9999/narratieven", {"narrative": "two-boxes"}),
        ("post", "/zaken/FD-1999-9999/narratief-suggesties", None),
        ("post", "/narratief-koppelingen/999999/beoordeling", {"confirm": True}),
        ("post", "/narratief-koppelingen/-1/beoordeling", {"confirm": True}),
        ("post", "/narratief-koppelingen/99999999999999/beoordeling", {"confirm": True}),
        ("post", "/vergelijkbare-zaken/abc/beoordeling", {"confirm": True}),
    ]:
        assert is_problem(call(client, method, path, body), 404), path


def test_deciding_a_decided_suggestion_is_a_conflict(
    alice: User, erin: User, suggested: NarrativeLink, similar: SimilarCase
) -> None:
    path = f"/narratief-koppelingen/{suggested.pk}/beoordeling"
    assert call(token_for(alice), "post", path, {"confirm": False}).status_code == 200
    # A colleague a moment later, or a second click: nothing changes, and the answer says why.
    for confirm in (True, False):
        again = call(token_for(erin), "post", path, {"confirm": confirm})
        assert is_problem(again, 409), again.json()
    suggested.refresh_from_db()
    assert (suggested.status, suggested.decided_by) == (LinkStatus.DISMISSED, alice)
    assert AuditEvent.objects.filter(action="narrative_dismissed").count() == 1

    similar_path = f"/vergelijkbare-zaken/{similar.pk}/beoordeling"
    assert call(token_for(alice), "post", similar_path, {"confirm": True}).status_code == 200
    for confirm in (True, False):
        assert is_problem(call(token_for(erin), "post", similar_path, {"confirm": confirm}), 409)
    similar.refresh_from_db()
    assert similar.status == LinkStatus.CONFIRMED


def test_a_confirmed_narrative_can_be_removed_but_not_confirmed_twice(
    alice: User, suggested: NarrativeLink
) -> None:
    client = token_for(alice)
    path = f"/narratief-koppelingen/{suggested.pk}/beoordeling"
    assert call(client, "post", path, {"confirm": True}).json()["status"] == "confirmed"
    assert is_problem(call(client, "post", path, {"confirm": True}), 409)
    # The case page's "Remove": a confirmed narrative is dismissed again.
    assert call(client, "post", path, {"confirm": False}).json()["status"] == "dismissed"


def test_a_verdict_must_be_a_boolean(alice: User, suggested: NarrativeLink) -> None:
    path = f"/narratief-koppelingen/{suggested.pk}/beoordeling"
    for body in [{}, {"confirm": "maybe"}, {"verdict": "confirm"}, {"confirm": None}]:
        response = call(token_for(alice), "post", path, body)
        assert is_problem(response, 400), body
        assert response.json()["invalid_params"][0]["name"] == "confirm"
    suggested.refresh_from_db()
    assert suggested.status == LinkStatus.SUGGESTED


def test_merging_into_itself_or_a_retired_narrative_is_refused(alice: User) -> None:
    client = token_for(alice)
    merge = "/narratieven/two-boxes/samenvoeging"
    assert is_problem(call(client, "post", merge, {"target": "two-boxes"}), 409)
    assert is_problem(call(client, "post", merge, {"target": "no-such-narrative"}), 400)
    assert is_problem(call(client, "post", merge, {}), 400)
    retired = other_active()
    service.retire(retired, alice)
    assert is_problem(call(client, "post", merge, {"target": retired.slug}), 409)
    # Nor is a narrative merged a second time (its links are gone already).
    target = Narrative.objects.filter(retired=False).exclude(slug="two-boxes").first()
    assert target is not None
    assert call(client, "post", merge, {"target": target.slug}).status_code == 200
    assert is_problem(call(client, "post", merge, {"target": target.slug}), 409)
    assert AuditEvent.objects.filter(action="narrative_merged").count() == 1


def test_linking_a_retired_or_unknown_narrative_is_invalid(alice: User, case: Case) -> None:
    retired = other_active()
    service.retire(retired, alice)
    client = token_for(alice)
    for slug in [retired.slug, "no-such-narrative", ""]:
        response = call(client, "post", f"/zaken/{case.reference}/narratieven", {"narrative": slug})
        assert is_problem(response, 400), slug
        assert response.json()["invalid_params"][0]["name"] == "narrative"
    assert not NarrativeLink.objects.filter(case=case).exists()


def test_a_refusal_speaks_the_negotiated_language(alice: User, suggested: NarrativeLink) -> None:
    client = token_for(alice)
    path = f"/narratief-koppelingen/{suggested.pk}/beoordeling"
    call(client, "post", path, {"confirm": False})
    dutch = client.post(f"/api/v1{path}", {"confirm": True}, content_type="application/json")
    english = client.post(
        f"/api/v1{path}",
        {"confirm": True},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.json()["detail"] == "This suggestion has been decided already."
    assert dutch.json()["detail"] != english.json()["detail"]
    assert dutch["Content-Language"] == "nl" and english["Content-Language"] == "en"


# --------------------------------------------------------------------- the path


def test_an_assessor_works_a_case_s_narratives_over_the_api(
    alice: User, case: Case, similar: SimilarCase
) -> None:
    client = token_for(alice)
    found = call(client, "post", f"/zaken/{case.reference}/narratief-suggesties")
    assert found.status_code == 200 and found["API-Version"]
    [first, *_] = found.json()["narratives"]
    assert (first["narrative"], first["status"]) == ("two-boxes", "suggested")
    assert first["score"] >= service.SUGGEST_MIN_SCORE
    assert AuditEvent.objects.filter(action="narrative_suggested").exists()

    confirmed = call(
        client, "post", f"/narratief-koppelingen/{first['id']}/beoordeling", {"confirm": True}
    ).json()
    assert (confirmed["status"], confirmed["decided_by"]) == ("confirmed", "alice")
    assert selectors.confirmed(case) == [two_boxes()]

    other = other_active()
    linked = call(client, "post", f"/zaken/{case.reference}/narratieven", {"narrative": other.slug})
    assert linked.status_code == 200
    statuses = {row["narrative"]: row["status"] for row in linked.json()["narratives"]}
    assert statuses["two-boxes"] == statuses[other.slug] == "confirmed"
    assert AuditEvent.objects.filter(action="narrative_confirmed").count() == 2

    # The later case's panel shows the earlier similar signal; confirming it is audited.
    later = similar.case.reference
    [row] = call(client, "get", f"/zaken/{later}/narratieven").json()["similar_cases"]
    assert (row["earlier"], row["election"], row["status"]) == (
        case.reference,
        "TK2023",
        "suggested",
    )
    decided = call(
        client, "post", f"/vergelijkbare-zaken/{row['id']}/beoordeling", {"confirm": True}
    )
    assert decided.json()["status"] == "confirmed"
    assert AuditEvent.objects.filter(action="similar_case_confirmed").count() == 1

    # The registry counts the confirmed case, where it was seen, and who was notified (nobody).
    registry = call(client, "get", "/narratieven?pageSize=200").json()
    entry = next(n for n in registry["results"] if n["slug"] == "two-boxes")
    assert entry["confirmed_cases"] == 1
    assert (entry["elections"], entry["platforms"], entry["notified_platforms"]) == (
        ["TK2023"],
        ["x"],
        [],
    )
    detail = call(client, "get", "/narratieven/two-boxes").json()
    assert detail["cases"] == [
        {"reference": case.reference, "election": "TK2023", "platform": "x", "notified": False}
    ]
    assert detail["examples"] and detail["claim_nl"] and detail["correct_rule"]


def test_an_assessor_merges_and_retires_over_the_api(alice: User, case: Case) -> None:
    client = token_for(alice)
    source = other_active()
    service.link_by_hand(case, source, alice)
    merged = call(
        client, "post", f"/narratieven/{source.slug}/samenvoeging", {"target": "two-boxes"}
    )
    assert merged.status_code == 200
    assert merged.json()["slug"] == "two-boxes" and merged.json()["confirmed_cases"] == 1
    gone = call(client, "get", f"/narratieven/{source.slug}").json()
    assert (gone["retired"], gone["merged_into"]) == (True, "two-boxes")

    retired = call(client, "post", "/narratieven/two-boxes/intrekking")
    assert retired.status_code == 200 and retired.json()["retired"] is True
    # Retiring again changes nothing and writes nothing, as the service does.
    assert call(client, "post", "/narratieven/two-boxes/intrekking").status_code == 200
    assert AuditEvent.objects.filter(action="narrative_retired").count() == 1
    registry = call(client, "get", "/narratieven").json()
    assert registry["count"] == Narrative.objects.count()
    assert all(n["retired"] for n in registry["results"][-2:])  # retired ones come last


def test_the_case_page_says_so_when_a_suggestion_was_decided_already(
    alice: User, suggested: NarrativeLink
) -> None:
    # The same rule on the page: a second click shows a message instead of deciding again.
    client = verified_client(alice)
    client.post(f"/narrative-links/{suggested.pk}", {"verdict": "dismiss"})
    response = client.post(f"/narrative-links/{suggested.pk}", {"verdict": "confirm"}, follow=True)
    assert response.status_code == 200
    suggested.refresh_from_db()
    assert suggested.status == LinkStatus.DISMISSED
    assert AuditEvent.objects.filter(action="narrative_confirmed").count() == 0
