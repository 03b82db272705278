# SPDX-License-Identifier: EUPL-1.2
"""POST/GET /api/v1/signalen: partner submission, staff submission, partner isolation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts import service as accounts
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import verified_client
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case, RefusalCount, Signal

SEED_URL = "https://x.com/someone/status/1727300000000000000"


def signal_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "election": "TK2023",
        "category": "misinformation",
        "platform": "x",
        "content_urls": [SEED_URL],
        "explanation": "Tells GroenLinks/PvdA voters to colour two boxes: an invalid vote.",
        "contact_name": "Redactie NOS",
        "contact_email": "redactie@nos.example",
    }
    body.update(overrides)
    return body


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/signalen", body, content_type="application/json")


@pytest.fixture
def gemeente_token(gemeente: PartnerOrganisation) -> str:
    return accounts.issue_token(name="test", organisation=gemeente)[1]


def test_partner_submits_a_signal_from_its_token(nos_token: str, open_election: Election) -> None:
    response = post(
        bearer(nos_token),
        signal_body(source_type="citizen", source_organisation_name="Someone else"),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["intake_outcome"] == "new_case"
    assert data["state"] == "new"
    assert data["source_organisation"] == "NOS"
    assert data["source_type"] == "media"
    assert data["received_via"] == "api"
    assert response["API-Version"]
    signal = Signal.objects.get(pk=data["id"])
    assert signal.source_organisation is not None and signal.source_organisation.name == "NOS"
    assert AuditEvent.objects.filter(action="signal_recorded", object_id=str(signal.pk)).exists()


def test_second_signal_on_same_url_joins_the_case(
    nos_token: str, gemeente_token: str, open_election: Election
) -> None:
    first = post(bearer(nos_token), signal_body()).json()
    second = post(bearer(gemeente_token), signal_body(content_urls=[SEED_URL + "?s=20"])).json()
    # The second partner is not told that someone reported the URL before it.
    assert second["intake_outcome"] == "received" and second["state"] == "received"
    joined = Signal.objects.get(pk=second["id"])
    assert joined.intake_outcome == "joined_case"
    assert Signal.objects.get(pk=first["id"]).case == joined.case


def test_it_rejects_bad_urls_as_problem_json(nos_token: str, open_election: Election) -> None:
    response = post(bearer(nos_token), signal_body(content_urls=["not a url"]))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] and problem["detail"]
    assert problem["invalid_params"][0]["name"] == "content_urls"
    assert response["API-Version"]
    assert not Signal.objects.exists()


def test_it_rejects_missing_fields(nos_token: str, open_election: Election) -> None:
    response = post(bearer(nos_token), {"category": "nonsense"})
    assert response.status_code == 400
    names = {p["name"] for p in response.json()["invalid_params"]}
    assert {"category", "platform", "content_urls", "explanation"} <= names


def test_signal_for_platform_without_channel_is_refused(
    nos_token: str, open_election: Election
) -> None:
    response = post(
        bearer(nos_token), signal_body(platform="myspace", content_urls=["https://myspace.com/a/1"])
    )
    # Refused is not Created: 422 problem+json, the reasons and the kept signal in the body.
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert "Location" not in response
    data = response.json()
    assert data["type"] == "urn:flagdesk:problem:intake-refused"
    assert data["outcome"] == "refused"
    assert data["reasons"] == ["NO_CHANNEL"]
    assert data["invalid_params"][0]["name"] == "platform"
    assert data["invalid_params"][0]["reason"].startswith("NO_CHANNEL: ")
    assert data["referral"] is None
    signal = Signal.objects.get(pk=data["signal"])
    assert signal.intake_outcome == "refused" and signal.case is None
    assert data["instance"] == f"/api/v1/signalen/{signal.pk}"
    assert bearer(nos_token).get(data["instance"]).json()["intake_outcome"] == "refused"


def test_staff_posting_for_a_citizen_gets_the_referral_and_nothing_is_stored(
    carol: User, open_election: Election
) -> None:
    response = post(verified_client(carol), signal_body(source_type="citizen"))
    assert response.status_code == 422
    data = response.json()
    assert data["outcome"] == "not_stored"
    assert data["reasons"] == ["SOURCE_NOT_ACCEPTED"]
    assert data["invalid_params"][0]["name"] == "source_type"
    assert data["signal"] is None and "instance" not in data
    assert data["referral"]["platform"]
    assert not Signal.objects.exists()
    assert RefusalCount.objects.get().count == 1


def test_staff_posts_for_a_named_organisation(
    carol: User, nos: PartnerOrganisation, open_election: Election
) -> None:
    response = post(verified_client(carol), signal_body(source_organisation=nos.pk))
    assert response.status_code == 201
    assert response.json()["source_organisation"] == "NOS"
    assert response.json()["source_type"] == "media"


def test_staff_must_name_a_source(carol: User, open_election: Election) -> None:
    response = post(verified_client(carol), signal_body())
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "source_type"


@pytest.mark.parametrize("persona", ["bob", "dave"])
def test_staff_without_record_role_may_not_post(
    persona: str, request: pytest.FixtureRequest, open_election: Election
) -> None:
    user = request.getfixturevalue(persona)
    response = post(verified_client(user), signal_body(source_type="media"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_anonymous_gets_401_problem_with_challenge(open_election: Election) -> None:
    response = post(Client(), signal_body())
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401
    assert response["API-Version"]


def test_session_without_second_factor_is_refused(carol: User, open_election: Election) -> None:
    client = Client()
    client.force_login(carol)
    response = client.get("/api/v1/signalen")
    assert response.status_code == 403
    assert response.json()["status"] == 403


def test_partners_see_only_their_own_signals(
    nos_token: str, gemeente_token: str, alice: User, open_election: Election
) -> None:
    own = post(bearer(nos_token), signal_body()).json()
    other = post(
        bearer(gemeente_token), signal_body(content_urls=["https://x.com/other/status/1"])
    ).json()
    listed = bearer(nos_token).get("/api/v1/signalen").json()
    assert [s["id"] for s in listed["results"]] == [own["id"]]
    response = bearer(nos_token).get(f"/api/v1/signalen/{other['id']}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert bearer(nos_token).get(f"/api/v1/signalen/{own['id']}").status_code == 200
    staff = verified_client(alice).get("/api/v1/signalen").json()
    assert {s["id"] for s in staff["results"]} == {own["id"], other["id"]}


def test_signal_list_filters(nos_token: str, open_election: Election) -> None:
    post(bearer(nos_token), signal_body())
    client = bearer(nos_token)
    assert client.get("/api/v1/signalen?category=misinformation").json()["count"] == 1
    assert client.get("/api/v1/signalen?category=other").json()["count"] == 0
    assert client.get("/api/v1/signalen?election=XX").json()["count"] == 0
    assert client.get("/api/v1/signalen?category=bogus").status_code == 400


def test_elections_and_platforms_are_readable_by_partners(
    nos_token: str, open_election: Election
) -> None:
    elections = bearer(nos_token).get("/api/v1/verkiezingen")
    assert elections.status_code == 200
    assert "TK2023" in [e["code"] for e in elections.json()]
    platforms = bearer(nos_token).get("/api/v1/platforms")
    assert "x" in [p["key"] for p in platforms.json()]
    assert "channel_address" not in platforms.json()[0]


def test_the_201_answer_equals_the_signal_as_read_back(
    nos_token: str, open_election: Election
) -> None:
    # The answer to a POST is built from memory; it must say what a later GET says.
    body = signal_body(
        content_urls=[SEED_URL, " https://www.twitter.com/Someone/status/123 ", SEED_URL + "?s=1"],
        own_contact_attempts=2,
        own_contact_last_at="2023-11-01T10:15:00+01:00",
        own_contact_result="No answer.",
        received_at="2023-11-02T09:00:00Z",
    )
    response = post(bearer(nos_token), body)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["content_urls"] == [SEED_URL, "https://www.twitter.com/Someone/status/123"]
    read_back = bearer(nos_token).get(f"/api/v1/signalen/{answer['id']}").json()
    assert answer == read_back


def test_a_signal_through_the_api_is_not_recorded_as_confirmed_in_good_faith(
    nos_token: str, open_election: Election
) -> None:
    # The API has no good-faith field: nobody confirmed anything, so nothing is recorded as so.
    response = post(bearer(nos_token), signal_body())
    assert response.status_code == 201, response.content
    assert Signal.objects.get(pk=response.json()["id"]).good_faith is False


def test_an_x_url_named_as_tiktok_opens_no_case(nos_token: str, open_election: Election) -> None:
    own = "https://vm.tiktok.com/ZMabc/"  # TikTok's short link: TikTok's own
    response = post(
        bearer(nos_token),
        signal_body(platform="tiktok", content_urls=[own, "https://mobile.twitter.com/a/status/9"]),
    )
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["reasons"] == ["URL_OTHER_PLATFORM"]
    assert [p["name"] for p in data["invalid_params"]] == ["content_urls[1]"]
    assert not Case.objects.exists()
    assert Signal.objects.get(pk=data["signal"]).intake_outcome == "refused"


def test_a_tiktok_short_link_named_as_tiktok_opens_a_case(
    nos_token: str, open_election: Election
) -> None:
    response = post(
        bearer(nos_token), signal_body(platform="tiktok", content_urls=["https://vm.tiktok.com/Z/"])
    )
    assert response.status_code == 201, response.content
    assert response.json()["intake_outcome"] == "new_case"


def test_a_201_says_where_the_signal_is(nos_token: str, open_election: Election) -> None:
    response = post(bearer(nos_token), signal_body())
    assert response.status_code == 201
    assert response["Location"] == f"http://testserver/api/v1/signalen/{response.json()['id']}"
    assert bearer(nos_token).get(response["Location"]).status_code == 200
