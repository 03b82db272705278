# SPDX-License-Identifier: EUPL-1.2
"""The case list's state column shows how far a decided case got: notice sent, acknowledged,
reply received, delivery failed, no deploy; in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.conftest import in_english, media_case, verified_client
from flagdesk.desk.progress import furthest_step
from flagdesk.elections.models import Election
from flagdesk.intake.models import Case
from flagdesk.mailarchive.models import Kind, LinkStrength, MailMessage, MatchMethod
from flagdesk.notices import service as notices
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from flagdesk.notices.tests.conftest import ELIGIBLE, PLATFORM_ADDRESS, approved_case
from flagdesk.platforms.models import Platform

DRAFT = ("draft", None, False)
QUEUED = ("frozen", "queued", False)
SENT = ("frozen", "accepted", False)
ACKED = ("frozen", "accepted", True)
BOUNCED = ("frozen", "bounced", False)


@pytest.mark.parametrize(
    ("outcome", "rows", "replied", "step"),
    [
        ("no_deploy", [], False, "no_deploy"),
        ("refer", [], False, "referred"),
        ("deploy", [], False, "decided"),
        (None, [], False, "decided"),  # an old case without an approved decision
        ("deploy", [DRAFT], False, "notice_drafted"),
        ("deploy", [QUEUED], False, "notice_queued"),
        ("deploy", [SENT], False, "notice_sent"),
        ("deploy", [ACKED], False, "acknowledged"),
        ("deploy", [ACKED], True, "reply_received"),
        ("deploy", [BOUNCED], False, "delivery_failed"),
        # A follow-up that bounced needs a person, whatever the first notice achieved.
        ("deploy", [ACKED, BOUNCED], True, "delivery_failed"),
        # A failed first notice followed by one that went out: sent.
        ("deploy", [BOUNCED, SENT], False, "notice_sent"),
        # A draft follow-up does not undo the acknowledgment of the first.
        ("deploy", [ACKED, DRAFT], False, "acknowledged"),
    ],
)
def test_the_furthest_step(
    outcome: str | None, rows: list[tuple[str, str | None, bool]], replied: bool, step: str
) -> None:
    assert furthest_step(outcome, rows, replied) == step


def _deliver(case: Case, alice: User, state: str, acknowledged: bool = False) -> Notice:
    notice = Notice.objects.get(case=case)
    delivery = notices.send(notice, alice)
    accepted = timezone.now() - dt.timedelta(minutes=30)
    Delivery.objects.filter(pk=delivery.pk).update(state=state, accepted_at=accepted)
    if acknowledged:
        notices.record_acknowledgment(notice, accepted + dt.timedelta(minutes=3), "mail <a@x>")
    return notice


def _reply(case: Case, n: int) -> None:
    MailMessage.objects.create(
        sha256=f"{n:064d}",
        size=10,
        raw_path="x",
        subject="Re: report",
        archived_at=timezone.now(),
        kind=Kind.REPLY,
        match_method=MatchMethod.THREAD,
        link_strength=LinkStrength.STRONG,
        case=case,
    )


def decided_cases(election: Election, alice: User, bob: User, start: int) -> dict[str, Case]:
    made: dict[str, Case] = {}

    def case(n: int) -> Case:
        return approved_case(election, alice, bob, url=f"https://x.com/a/status/{9000 + start + n}")

    made["notice_drafted"] = case(0)
    made["notice_sent"] = case(1)
    _deliver(made["notice_sent"], alice, DeliveryState.ACCEPTED)
    made["acknowledged"] = case(2)
    _deliver(made["acknowledged"], alice, DeliveryState.ACCEPTED, acknowledged=True)
    made["reply_received"] = case(3)
    _deliver(made["reply_received"], alice, DeliveryState.ACCEPTED, acknowledged=True)
    _reply(made["reply_received"], start + 3)
    made["delivery_failed"] = case(4)
    _deliver(made["delivery_failed"], alice, DeliveryState.BOUNCED)
    return made


@pytest.fixture
def x_channel(x_platform: Platform) -> Platform:
    x_platform.channel_kind, x_platform.channel_address = "email", PLATFORM_ADDRESS
    x_platform.channel_active = True
    x_platform.save()
    return x_platform


def steps_shown(html: str) -> dict[str, str]:
    rows = re.findall(
        r'<a href="/cases/([^"]+)">.*?data-step="(\w+)">([^<]+)</td>', html, flags=re.S
    )
    return {reference: step for reference, step, _label in rows}


def test_the_case_list_shows_how_far_each_case_got(
    tk2023: Election, alice: User, bob: User, x_channel: Platform
) -> None:
    made = decided_cases(tk2023, alice, bob, 0)
    response = in_english(verified_client(alice)).get("/cases", {"election": "TK2023"})
    html = response.content.decode()
    shown = steps_shown(html)
    assert shown == {case.reference: step for step, case in made.items()}
    assert ">Reply received</td>" in html and ">Delivery failed</td>" in html
    dutch = verified_client(alice).get("/cases").content.decode()
    assert ">Antwoord ontvangen</td>" in dutch


def test_a_decision_not_to_deploy_says_so(tk2023: Election, alice: User, bob: User) -> None:
    other = _open(tk2023, 9401)
    assessments.save_assessment(other, ELIGIBLE, alice)
    decision = assessments.propose_decision(
        other, "no_deploy", "Satire, clearly marked.", alice, override_justification="Satire."
    )
    assessments.review_decision(decision, True, bob)
    shown = steps_shown(in_english(verified_client(alice)).get("/cases").content.decode())
    assert shown[other.reference] == "no_deploy"


def _open(election: Election, n: int) -> Case:
    return media_case(election, f"https://x.com/a/status/{n}", explanation="Satire.")


def _count_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases", {"election": "TK2023"})
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_state_column_costs_the_same_queries_for_five_cases_as_for_fifteen(
    tk2023: Election, alice: User, bob: User, x_channel: Platform
) -> None:
    client = verified_client(alice)
    client.get("/cases")  # warm the session and the user
    decided_cases(tk2023, alice, bob, 0)
    five = _count_queries(client)
    decided_cases(tk2023, alice, bob, 100)
    decided_cases(tk2023, alice, bob, 200)
    assert _count_queries(client) == five
