# SPDX-License-Identifier: EUPL-1.2
"""Issue 12, the smaller holes: each attack as it was found, against the real stack.

- a session fixed before the second factor stays valid after it (session fixation);
- ``flagdesk backup`` writes password hashes and TOTP keys world-readable under umask 022;
- pages, downloads and API answers with personal data may be kept by caches;
- a JSON body nested thousands deep gives a 500 page (RecursionError in the parser);
- errors under /api/ (404, 405, 406, 413, 414, 415, 500) answer HTML instead of problem+json;
- a partner names any election and learns from the answer whether a URL was notified there,
  and the state of cases it never reported.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from flagdesk import urls
from flagdesk.accounts import service as accounts
from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import User
from flagdesk.conftest import PASSWORD, make_user, verified_client
from flagdesk.desk import backup
from flagdesk.elections.models import Election
from flagdesk.intake.models import Signal
from flagdesk.notices.tests.conftest import approved_case

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
NOTIFIED_URL = "https://x.com/kiezer/status/1727399999999999999"


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail of a bug")


# The project's URLs plus a failing view under /api/ (pytest.mark.urls below), and the
# project's error handlers, which Django looks up in the URLconf module.
urlpatterns = [path("api/v1/test-boom", boom), path("", include("flagdesk.urls"))]
handler500 = urls.handler500


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _cookie_client(session_key: str) -> Client:
    client = Client()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session_key
    return client


def _assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM, response["Content-Type"]
    assert response["API-Version"] == django_settings.API_VERSION
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


# ------------------------------------------------- 1. session key renewed at the TOTP step


def test_confirming_the_totp_code_renews_the_session_key() -> None:
    user = make_user("fixated", Role.ASSESSOR)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    assert client.post("/login", {"username": "fixated", "password": PASSWORD}).status_code == 302
    before = client.session.session_key
    assert before

    assert client.post("/account/2fa", {"token": _code(device)}).status_code == 302

    after = client.session.session_key
    assert after != before
    assert client.get("/cases").status_code == 200
    # Whoever knew the key from before the second factor holds nothing now.
    stale = _cookie_client(before).get("/cases")
    assert stale.status_code == 302 and stale["Location"].startswith("/login")


def test_completing_the_totp_setup_renews_the_session_key() -> None:
    make_user("newcomer", Role.ASSESSOR)
    client = Client()
    assert client.post("/login", {"username": "newcomer", "password": PASSWORD}).status_code == 302
    assert client.get("/account/2fa/setup").status_code == 200
    device = TOTPDevice.objects.get(user__username="newcomer", confirmed=False)
    before = client.session.session_key
    assert before

    assert client.post("/account/2fa/setup", {"token": _code(device)}).status_code == 302

    assert client.session.session_key != before
    assert client.get("/cases").status_code == 200
    assert _cookie_client(before).get("/cases")["Location"].startswith("/login")


# ------------------------------------------------------------ 2. backups are private


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_a_backup_is_written_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    make_user("hashed", Role.ADMIN)  # a password hash and (below) a TOTP key in the tables
    TOTPDevice.objects.create(user=User.objects.get(username="hashed"), name="k", confirmed=True)
    out = tmp_path / "new-dir" / "flagdesk.tar.gz"
    modes: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        # While the file is being written: the half-written file is private from its start.
        modes.extend(stat.S_IMODE(p.stat().st_mode) for p in out.parent.glob(".*.partial"))

    old = os.umask(umask)
    try:
        backup.create_backup(out, progress=progress)
    finally:
        os.umask(old)
    assert modes and all(mode & 0o077 == 0 for mode in modes), [oct(m) for m in modes]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.parent.stat().st_mode) & 0o077 == 0  # the directory it made


# ------------------------------------------------------------- 3. nothing kept in caches


def test_personal_data_is_not_kept_in_caches(carol: User, nos_token: str) -> None:
    answers = {
        "case list": verified_client(carol).get("/cases"),
        "API for staff": verified_client(carol).get("/api/v1/zaken"),
        "API for a partner": Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}").get(
            "/api/v1/signalen"
        ),
    }
    for name, response in answers.items():
        assert response.status_code == 200, name
        assert "no-store" in response.get("Cache-Control", ""), name


# ---------------------------------------------------- 4. deep JSON does not crash the parser


@pytest.mark.parametrize("url", ["/api/v1/signalen", "/api/v1/geschiktheid"])
@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_thousands_deep_is_a_400_problem(
    url: str, opening: str, nos_token: str, open_election: Election
) -> None:
    closing = "]" if opening == "[" else "}"
    body = opening * 5000 + "1" + closing * 5000
    response = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}").post(
        url, body, content_type="application/json"
    )
    problem = _assert_problem(response, 400)
    assert "deep" in problem["detail"]


# -------------------------------------------------------- 5. every /api/ error is a problem


def test_unknown_api_paths_are_404_problems(nos_token: str) -> None:
    for client in (Client(), Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")):
        _assert_problem(client.get("/api/v1/nope"), 404)
        _assert_problem(client.get("/api/nope"), 404)


def test_a_wrong_method_is_a_405_problem(nos_token: str) -> None:
    response = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}").delete("/api/v1/verkiezingen")
    _assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_an_unsupported_accept_is_a_406_problem(nos_token: str) -> None:
    response = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}").get(
        "/api/v1/verkiezingen", HTTP_ACCEPT="text/html"
    )
    _assert_problem(response, 406)


def test_a_body_over_the_limit_is_a_413_problem(nos_token: str, open_election: Election) -> None:
    body = '{"explanation": "' + "x" * (3 * 1024 * 1024) + '"}'
    response = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}").post(
        "/api/v1/signalen", body, content_type="application/json"
    )
    _assert_problem(response, 413)


def test_a_uri_over_the_limit_is_a_414_problem(nos_token: str) -> None:
    response = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}").get(
        "/api/v1/signalen?election=" + "A" * 9000
    )
    _assert_problem(response, 414)


def test_an_unsupported_content_type_is_a_415_problem(nos_token: str) -> None:
    response = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}").post(
        "/api/v1/signalen", "category=x", content_type="text/plain"
    )
    _assert_problem(response, 415)


@pytest.mark.urls(__name__)
def test_an_unexpected_error_under_the_api_is_a_500_problem_without_details() -> None:
    response = Client(raise_request_exception=False).get("/api/v1/test-boom")
    _assert_problem(response, 500)
    assert b"secret detail" not in response.content and b"Traceback" not in response.content


# ------------------------------------------ 6. the server chooses the partner's election


def _signal_body(**fields: Any) -> dict[str, Any]:
    return {
        "category": "misinformation",
        "platform": "x",
        "content_urls": [NOTIFIED_URL],
        "explanation": "Tells voters to colour two boxes: an invalid vote.",
    } | fields


def test_a_partner_may_not_file_under_an_election_outside_its_window(
    nos_token: str, open_election: Election
) -> None:
    response = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}").post(
        "/api/v1/signalen", _signal_body(election="EP2024"), content_type="application/json"
    )
    problem = _assert_problem(response, 422)
    assert [p["name"] for p in problem["invalid_params"]] == ["election"]
    assert not Signal.objects.exists()


def test_without_an_open_window_a_partner_is_told_so(nos_token: str, tk2023: Election) -> None:
    Election.objects.all().update(
        election_day="2000-01-01", attention_start="2000-01-01", attention_end="2000-01-02"
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")
    response = client.post("/api/v1/signalen", _signal_body(), content_type="application/json")
    problem = _assert_problem(response, 422)
    assert "aandachtsperiode" in problem["detail"]  # Dutch unless the client asks otherwise
    response = client.post(
        "/api/v1/signalen",
        _signal_body(),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "attention window" in _assert_problem(response, 422)["detail"]


# ------------------------------------ 7. a partner learns nothing of cases it did not report


@pytest.fixture
def notified_elsewhere(open_election: Election) -> Election:
    """Partner A's URL, notified to X (a deploy decision approved) in the open election."""
    a = accounts.create_partner("Partner A", "media")
    case = approved_case(
        open_election,
        make_user("assessor-a", Role.ASSESSOR),
        make_user("approver-a", Role.APPROVER),
        url=NOTIFIED_URL,
    )
    Signal.objects.filter(case=case).update(source_organisation=a)
    return open_election


def test_partner_b_does_not_learn_that_a_url_was_notified(notified_elsewhere: Election) -> None:
    b = accounts.create_partner("Partner B", "factchecker")
    _, token = accounts.issue_token(name="b", organisation=b)
    partner_b = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    created = partner_b.post("/api/v1/signalen", _signal_body(), content_type="application/json")

    assert created.status_code == 201, created.content
    seen = [created.json(), partner_b.get(f"/api/v1/signalen/{created.json()['id']}").json()]
    seen += partner_b.get("/api/v1/signalen").json()["results"]
    for answer in seen:
        assert answer["state"] == "received"
        assert answer["intake_outcome"] == "received"
        assert "ALREADY_NOTIFIED" not in answer["reasons"]
    # Staff see the truth: the signal joined the notified case.
    signal = Signal.objects.get(pk=created.json()["id"])
    assert signal.intake_outcome == "joined_case"
    assert "ALREADY_NOTIFIED" in signal.intake_reasons
    assert signal.case is not None and signal.case.state != "new"
    # …and the partner's session-free token cannot reach the case itself.
    assert partner_b.get(f"/api/v1/zaken/{signal.case.reference}").status_code == 403


def test_a_partner_still_follows_the_case_it_opened(
    nos_token: str, open_election: Election
) -> None:
    nos = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")
    first = nos.post("/api/v1/signalen", _signal_body(), content_type="application/json").json()
    assert first["state"] == "new" and first["intake_outcome"] == "new_case"
    # A backdated second signal on the same URL from someone else changes nothing for NOS…
    other = accounts.create_partner("Partner C", "media")
    _, token = accounts.issue_token(name="c", organisation=other)
    backdated = _signal_body(received_at="2000-01-01T00:00:00Z")
    second = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
        "/api/v1/signalen", backdated, content_type="application/json"
    )
    # …and makes the later partner no opener of the case.
    assert second.json()["state"] == "received"
    assert nos.get(f"/api/v1/signalen/{first['id']}").json()["state"] == "new"
