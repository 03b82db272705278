# SPDX-License-Identifier: EUPL-1.2
"""Live pages: a poll is answered 304 from the version alone, 200 with the new page after a
change, never with another user's page, never without a login, and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.assessments.tests.test_service_workflow import ELIGIBLE, new_case
from flagdesk.conftest import in_english, verified_client
from flagdesk.core import live
from flagdesk.core.tests.test_logging import Captured, captured  # noqa: F401 -- fixture
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case

POLL = {"HTTP_X_FLAGDESK_LIVE": "1"}
LIVE_PAGES = ["/", "/cases", "/cases?state=new", "/mail/unmatched", "/reports/TK2023/redactions"]
WRITES = ("INSERT", "UPDATE", "DELETE")


def poll(client: Client, path: str, etag: str | None) -> Any:
    headers = dict(POLL)
    if etag:
        headers["HTTP_IF_NONE_MATCH"] = etag
    return client.get(path, **headers)


@pytest.fixture
def case(tk2023: Election) -> Case:
    return new_case(tk2023)


@pytest.mark.django_db
@pytest.mark.parametrize("path", LIVE_PAGES)
def test_it_answers_304_without_a_body_while_nothing_changed(
    path: str, alice: User, case: Case
) -> None:
    client = verified_client(alice)
    page = client.get(path)
    assert page.status_code == 200
    etag = page["ETag"]
    assert "flagdesk/live.js" in page.content.decode()
    response = poll(client, path, etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


@pytest.mark.django_db
def test_the_case_page_is_live(alice: User, case: Case) -> None:
    client = verified_client(alice)
    page = client.get(f"/cases/{case.reference}")
    assert page.status_code == 200 and "flagdesk/live.js" in page.content.decode()
    assert poll(client, f"/cases/{case.reference}", page["ETag"]).status_code == 304


@pytest.mark.django_db
def test_a_change_gives_200_with_the_new_page_and_a_new_etag(
    alice: User, bob: User, case: Case
) -> None:
    assessments.save_assessment(case, ELIGIBLE, alice)
    path = "/"
    client = in_english(verified_client(bob))
    etag = client.get(path)["ETag"]
    assert poll(client, path, etag).status_code == 304
    assessments.propose_decision(case, "deploy", "Misleidt kiezers.", alice)
    response = poll(client, path, etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert case.reference in response.content.decode()
    assert poll(client, path, response["ETag"]).status_code == 304


@pytest.mark.django_db
def test_a_delivery_attempt_without_an_event_changes_the_version() -> None:
    # The worker's claim (queued -> sending) writes an attempt, not an audit event.
    assert "notices.attempts" in live.version_sources()
    assert "audit" in live.version_sources()


@pytest.mark.django_db
def test_another_users_etag_never_serves_their_page(alice: User, erin: User, case: Case) -> None:
    """Attack: erin replays alice's ETag for the same page; she gets her own page, not 304."""
    alices = verified_client(alice).get("/")["ETag"]
    erins_client = verified_client(erin)
    response = poll(erins_client, "/", alices)
    assert response.status_code == 200
    assert response["ETag"] != alices
    assert "erin" in response.content.decode()


@pytest.mark.django_db
def test_an_etag_is_bound_to_its_path_and_language(alice: User, case: Case) -> None:
    client = verified_client(alice)
    etag = client.get("/cases")["ETag"]
    assert poll(client, "/cases?state=new", etag).status_code == 200
    in_english(client)
    assert poll(client, "/cases", etag).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", LIVE_PAGES)
def test_a_poll_without_a_login_gets_no_content(path: str, alice: User, case: Case) -> None:
    etag = verified_client(alice).get(path)["ETag"]
    response = poll(Client(), path, etag)  # a forged request with a stolen ETag
    assert response.status_code == 401
    assert response.content == b""


@pytest.mark.django_db
def test_an_expired_session_gets_no_content(alice: User, case: Case) -> None:
    client = verified_client(alice)
    etag = client.get("/")["ETag"]
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = poll(client, "/", etag)
    assert response.status_code == 401 and response.content == b""


@pytest.mark.django_db
def test_a_session_without_its_second_factor_gets_no_content(alice: User, case: Case) -> None:
    verified = verified_client(alice)
    etag = verified.get("/")["ETag"]
    half = Client()
    half.force_login(alice)  # password only
    response = poll(half, "/", etag)
    assert response.status_code == 401 and response.content == b""


@pytest.mark.django_db
def test_polling_writes_nothing_and_does_not_extend_the_session(alice: User, case: Case) -> None:
    client = verified_client(alice)
    etag = client.get("/")["ETag"]
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert poll(client, "/", etag).status_code == 304
    statements = [q["sql"] for q in queries.captured_queries]
    # Per poll: the session, the chain head, the newest delivery attempt, the bell; nothing
    # else.
    assert len(statements) == 3 * 4
    assert not [s for s in statements if s.lstrip().upper().startswith(WRITES)]
    # The short path reads the session and the version sources, not the user or the device.
    assert not [s for s in statements if "accounts_user" in s or "otp_totp" in s]
    assert Session.objects.get(session_key=key).expire_date == expiry
    assert "Set-Cookie" not in str(poll(client, "/", etag).cookies)


@pytest.mark.django_db
def test_a_full_poll_does_not_extend_the_session_either(alice: User, bob: User, case: Case) -> None:
    client = verified_client(bob)
    etag = client.get("/")["ETag"]
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    assessments.save_assessment(case, ELIGIBLE, alice)  # a change: the poll renders
    with CaptureQueriesContext(connection) as queries:
        assert poll(client, "/", etag).status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) > 10  # the whole page was rendered
    assert not [s for s in statements if s.lstrip().upper().startswith(WRITES)]
    assert Session.objects.get(session_key=key).expire_date == expiry


@pytest.mark.django_db
def test_a_304_is_not_logged_at_info_level(
    captured: Captured,  # noqa: F811
    alice: User,
    case: Case,
) -> None:
    client = verified_client(alice)
    etag = client.get("/")["ETag"]
    for _ in range(3):
        poll(client, "/", etag)
    levels = [line["level"] for line in captured.requests()]
    assert levels.count("info") == 1  # the page itself
    assert levels.count("debug") == 3


@pytest.mark.django_db
def test_a_page_that_is_not_live_is_not_polled(alice: User, case: Case) -> None:
    client = verified_client(alice)
    page = client.get("/narratives")
    assert page.status_code == 200
    assert "ETag" not in page and "live.js" not in page.content.decode()


@pytest.mark.django_db
def test_a_poll_leaves_flash_messages_for_the_next_page(alice: User, case: Case) -> None:
    client = in_english(verified_client(alice))
    etag = client.get(f"/cases/{case.reference}")["ETag"]
    checklist = {k: ("yes" if v is True else v) for k, v in ELIGIBLE.items()}
    saved = client.post(f"/cases/{case.reference}/assessment", checklist)
    assert saved.status_code == 302  # the message waits for the page after the redirect
    polled = poll(client, f"/cases/{case.reference}", etag)
    assert polled.status_code == 200
    assert 'class="messages"' not in polled.content.decode()
    assert 'class="messages"' in client.get(saved["Location"]).content.decode()
