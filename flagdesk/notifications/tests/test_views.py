# SPDX-License-Identifier: EUPL-1.2
"""The bell, the list and marking read; only the recipient sees or marks a notification."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.elections.models import Election
from flagdesk.notifications.models import Notification
from flagdesk.notifications.tests.conftest import open_case, propose

pytestmark = pytest.mark.django_db

LIST = reverse("fd-notifications")
READ = reverse("fd-notifications-read")


@pytest.fixture
def asked(tk2023: Election, alice: User, bob: User, frank: User) -> Notification:
    """bob's (and frank's) "awaiting your approval" for alice's proposal."""
    propose(open_case(tk2023), alice)
    return Notification.objects.get(recipient=bob)


def bell_count(body: str) -> int:
    bell = re.search(r'<a id="notification-bell"[^>]*data-unread="(\d+)"', body)
    assert bell is not None, "no bell on the page"
    return int(bell.group(1))


def test_the_bell_shows_the_unread_count_on_every_staff_page(
    asked: Notification, bob: User
) -> None:
    client = in_english(verified_client(bob))
    for page in ("fd-dashboard", "fd-case-list", "fd-notifications"):
        body = client.get(reverse(page)).content.decode()
        assert bell_count(body) == 1
    assert '<span class="bell-count" aria-hidden="true">1</span>' in body


def test_the_bell_costs_one_query(asked: Notification, bob: User) -> None:
    client = verified_client(bob)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("fd-dashboard")).content.decode()
    counted = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    # The live page's version reads the newest id and the unread count; the bell shows that
    # count (one query, not a second count).
    assert len(counted) == 1
    assert "COUNT(" in counted[0].upper() and "MAX(" in counted[0].upper()
    assert bell_count(body) == 1


def test_the_bell_counts_once_on_a_page_that_is_not_live(asked: Notification, bob: User) -> None:
    client = verified_client(bob)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("fd-notifications")).content.decode()
    counted = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert any("notifications_notification" in sql for sql in counted)
    assert bell_count(body) == 1


def test_the_bell_follows_a_notification_read_in_another_tab(
    asked: Notification, bob: User
) -> None:
    """The count the version read is the count shown: after "mark all read" elsewhere the
    next render of a live page shows 0."""
    client = verified_client(bob)
    assert bell_count(client.get(reverse("fd-dashboard")).content.decode()) == 1
    Notification.objects.filter(recipient=bob).update(read_at=asked.created_at)
    assert bell_count(client.get(reverse("fd-dashboard")).content.decode()) == 0


def test_the_list_shows_unread_first_and_only_ones_own(
    asked: Notification, alice: User, bob: User, frank: User
) -> None:
    body = in_english(verified_client(bob)).get(LIST).content.decode()
    assert f"Decision on case {asked.case_reference} awaits your approval" in body
    assert f'id="notification-{asked.pk}"' in body
    frank_own = Notification.objects.get(recipient=frank)
    assert f'id="notification-{frank_own.pk}"' not in body
    assert "Nothing new." in in_english(verified_client(alice)).get(LIST).content.decode()


def test_it_is_in_dutch_by_default(asked: Notification, bob: User) -> None:
    body = verified_client(bob).get(LIST).content.decode()
    assert f"Besluit over zaak {asked.case_reference} wacht op uw goedkeuring" in body


def test_opening_a_notification_marks_it_read_and_goes_to_the_case(
    asked: Notification, bob: User
) -> None:
    client = verified_client(bob)
    response = client.post(READ, {"id": asked.pk, "open": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{asked.case_reference}"
    asked.refresh_from_db()
    assert asked.read_at is not None
    assert bell_count(client.get(LIST).content.decode()) == 0
    event = AuditEvent.objects.filter(action="notifications_read").get()
    assert event.actor_id == bob.pk and event.after == {"notifications": [asked.pk]}


def test_mark_all_marks_only_ones_own(asked: Notification, bob: User, frank: User) -> None:
    response = verified_client(bob).post(READ, {"all": "1"})
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=bob, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=frank, read_at__isnull=True).count() == 1


# ------------------------------------------------------------------------------- attacks


@pytest.mark.parametrize("forged", ["{frank}", "999999", "-1", "1 OR 1=1", "abc", ""])
def test_someone_elses_or_a_forged_id_is_not_found(
    asked: Notification, bob: User, frank: User, forged: str
) -> None:
    frank_own = Notification.objects.get(recipient=frank)
    value = forged.format(frank=frank_own.pk)
    response = verified_client(bob).post(READ, {"id": value, "open": "1"})
    assert response.status_code == 404
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_marking_read_needs_a_post(asked: Notification, bob: User) -> None:
    response = verified_client(bob).get(READ, {"id": asked.pk})
    assert response.status_code == 405
    asked.refresh_from_db()
    assert asked.read_at is None


def test_a_forged_post_without_the_csrf_token_is_refused(asked: Notification, bob: User) -> None:
    client = verified_client(bob)
    guarded = Client(enforce_csrf_checks=True)
    guarded.cookies = client.cookies
    assert guarded.post(READ, {"all": "1"}).status_code == 403
    assert guarded.post(READ, {"id": asked.pk}).status_code == 403
    asked.refresh_from_db()
    assert asked.read_at is None


def test_a_partner_or_a_stranger_gets_no_list(asked: Notification, client: Any) -> None:
    assert client.get(LIST)["Location"].startswith("/login")
    assert client.post(READ, {"all": "1"})["Location"].startswith("/login")


def test_a_long_backlog_shows_the_newest_and_counts_them_all(
    asked: Notification, bob: User
) -> None:
    from flagdesk.notifications import selectors

    Notification.objects.bulk_create(
        Notification(
            recipient=bob,
            event_seq=10_000 + n,
            action="decision_proposed",
            kind="approval_requested",
            case_reference=f"FD-2023-{n:04d}",
            link="/cases",
            created_at=asked.created_at,
        )
        for n in range(selectors.UNREAD_SHOWN + 5)
    )
    body = in_english(verified_client(bob)).get(LIST).content.decode()
    total = selectors.UNREAD_SHOWN + 6
    assert f'<span class="count">({total})</span>' in body
    assert f"Showing the {selectors.UNREAD_SHOWN} most recent." in body
    assert body.count('class="notification notification-approval_requested unread"') == (
        selectors.UNREAD_SHOWN
    )
