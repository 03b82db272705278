# SPDX-License-Identifier: EUPL-1.2
"""The live case page is versioned by its own case (core.live "scope"): a poll renders it
again when something on this case changed, a delivery attempt included, and stays 304 while
the surge changes other cases."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts.models import User
from flagdesk.assessments.tests.test_service_workflow import new_case
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.notices import dispatch, service
from flagdesk.notices.models import Notice

POLL = {"HTTP_X_FLAGDESK_LIVE": "1"}
OTHER_POST = "https://x.com/someone/status/1790000000000000001"


def poll(client: Client, path: str, etag: str) -> Any:
    return client.get(path, HTTP_IF_NONE_MATCH=etag, **POLL)


@pytest.mark.django_db
def test_signals_on_other_cases_leave_the_case_page_at_304(
    draft: Notice, carol: User, tk2023: Election
) -> None:
    client = verified_client(carol)
    path = f"/cases/{draft.case.reference}"
    etag = client.get(path)["ETag"]
    new_case(tk2023, url=OTHER_POST)  # audit events, but about another case
    assert poll(client, path, etag).status_code == 304
    # The dashboard is about everything: the same change renders it.
    dashboard = client.get("/")["ETag"]
    new_case(tk2023, url=OTHER_POST + "2")
    assert poll(client, "/", dashboard).status_code == 200


@pytest.mark.django_db
def test_a_change_on_the_case_renders_it(draft: Notice, carol: User, alice: User) -> None:
    client = verified_client(carol)
    path = f"/cases/{draft.case.reference}"
    etag = client.get(path)["ETag"]
    delivery = service.send(draft, alice)  # an event about the case's notice
    response = poll(client, path, etag)
    assert response.status_code == 200
    etag = response["ETag"]
    assert poll(client, path, etag).status_code == 304
    # A worker's claim writes an attempt and no event: the page shows "sending" all the same.
    assert dispatch.claim(delivery.pk) is not None
    assert poll(client, path, etag).status_code == 200


@pytest.mark.django_db
def test_a_new_signal_on_the_case_renders_it(carol: User, tk2023: Election) -> None:
    client = verified_client(carol)
    case = new_case(tk2023, url=OTHER_POST)
    path = f"/cases/{case.reference}"
    etag = client.get(path)["ETag"]
    joined = new_case(tk2023, url=OTHER_POST)  # a second signal joins this open case
    assert joined.pk == case.pk
    assert poll(client, path, etag).status_code == 200


@pytest.mark.django_db
def test_the_bell_renders_the_case_page(draft: Notice, carol: User, alice: User) -> None:
    """A notification for the reader (here: their proposal approved elsewhere would do; any
    new notification) changes the header's bell on every page, the case page too."""
    from flagdesk.notifications.models import Notification

    client = verified_client(alice)
    path = f"/cases/{draft.case.reference}"
    etag = client.get(path)["ETag"]
    assert poll(client, path, etag).status_code == 304
    Notification.objects.create(
        recipient=alice,
        event_seq=10**9,
        action="decision_approved",
        kind="decision_approved",
        link="/",
        created_at=draft.created_at,
    )
    assert poll(client, path, etag).status_code == 200


@pytest.mark.django_db
def test_a_poll_of_a_missing_case_gets_no_page(carol: User) -> None:
    client = verified_client(carol)
    response = poll(client, "/cases/TF-0000-99999", '"forged"')
    assert response.status_code == 409 and response.content == b""


@pytest.mark.django_db
def test_a_poll_that_renders_reads_the_version_once(
    draft: Notice, carol: User, alice: User
) -> None:
    """The middleware's version read is the page's ETag: the view does not read it again
    (on a surge, when most polls render, that was every version query twice), and the
    timeline shows the objects that version read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = in_english(verified_client(carol))
    path = f"/cases/{draft.case.reference}"
    etag = client.get(path)["ETag"]
    service.send(draft, alice)
    with CaptureQueriesContext(connection) as captured:
        response = poll(client, path, etag)
    assert response.status_code == 200
    # The case page's version is the one query with a UNION ALL (its objects' ids).
    assert sum("UNION ALL" in q["sql"] for q in captured.captured_queries) == 1
    # The ETag it carries is the one the next poll matches; the timeline has the send.
    assert poll(client, path, response["ETag"]).status_code == 304
    assert AuditEvent.objects.filter(action="notice_queued", object_id=str(draft.pk)).exists()
    assert "Notice made final and queued" in response.content.decode()
