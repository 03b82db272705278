# SPDX-License-Identifier: EUPL-1.2
"""The dashboard's clocks: overdue items rise to the top of "Needs attention now", and
"Waiting for me" lists everything the user's roles must act on."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.conftest import in_english, media_case, verified_client
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case
from flagdesk.mailarchive.models import Confirmation, Kind, MailMessage, MatchMethod
from flagdesk.notices import service as notices
from flagdesk.notices.models import Delivery, DeliveryState, Notice
from flagdesk.notices.tests.conftest import ELIGIBLE, PLATFORM_ADDRESS, approved_case
from flagdesk.platforms.models import Platform


def open_case(election: Election, n: int, minutes_ago: int) -> Case:
    return media_case(
        election,
        f"https://x.com/a/status/{8000 + n}",
        received_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def attention_refs(html: str) -> list[tuple[str, str]]:
    block = html.split('id="attention-clocks"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<li class="clock-row-(\w+)".*?>([A-Z0-9-]+)</a>', block)


def test_overdue_cases_rise_to_the_top_in_red(tk2023: Election, alice: User) -> None:
    due_soon = open_case(tk2023, 1, 200)
    overdue = open_case(tk2023, 2, 300)
    open_case(tk2023, 3, 5)  # on time: not in the attention panel
    html = verified_client(alice).get("/").content.decode()
    assert attention_refs(html) == [
        ("overdue", overdue.reference),
        ("due_soon", due_soon.reference),
    ]
    # The state is written out, not only coloured.
    assert "te laat" in html and "bijna te laat" in html
    # The attention panel comes before anything else that needs attention.
    assert html.index("attention-clocks") < html.index('id="h-waiting"')


def test_an_assessor_sees_his_own_cases_first_each_with_its_clock(
    tk2023: Election, alice: User, erin: User
) -> None:
    older = open_case(tk2023, 4, 100)
    mine = open_case(tk2023, 5, 10)
    assessments.save_assessment(mine, ELIGIBLE, alice)
    assessments.save_assessment(older, ELIGIBLE, erin)
    response = in_english(verified_client(alice)).get("/", {"election": "TK2023"})
    rows = response.context["case_rows_to_assess"]
    assert [(r["reference"], r["mine"]) for r in rows] == [
        (mine.reference, True),
        (older.reference, False),
    ]
    assert rows[0]["clock"].reading.threshold_minutes == 240
    html = response.content.decode()
    assert "Waiting for a decision" in html and "service level 4 h)" in html


def test_an_assessor_sees_the_cases_he_owns_first_and_not_those_a_colleague_owns(
    tk2023: Election, alice: User, erin: User
) -> None:
    unowned = open_case(tk2023, 6, 100)
    owned = open_case(tk2023, 7, 10)
    colleagues = open_case(tk2023, 8, 200)
    intake.take_case(owned, alice, None)
    intake.take_case(colleagues, erin, None)
    response = verified_client(alice).get("/", {"election": "TK2023"})
    rows = response.context["case_rows_to_assess"]
    assert [(r["reference"], r["mine"]) for r in rows] == [
        (owned.reference, True),
        (unowned.reference, False),
    ]


def test_an_approver_sees_proposals_by_others_with_the_clock_oldest_first(
    tk2023: Election, alice: User, bob: User
) -> None:
    first, second = open_case(tk2023, 6, 30), open_case(tk2023, 7, 30)
    decisions = []
    for case in (first, second):
        assessments.save_assessment(case, ELIGIBLE, alice)
        decisions.append(assessments.propose_decision(case, "deploy", "Clear risk.", alice))
    # The first proposal has waited 70 min: overdue against the 60 min default.
    type(decisions[0]).objects.filter(pk=decisions[0].pk).update(
        decided_at=timezone.now() - dt.timedelta(minutes=70)
    )
    response = verified_client(bob).get("/", {"election": "TK2023"})
    rows = response.context["review_rows"]
    assert [(d.case.reference, c.state) for d, c in rows] == [
        (first.reference, "overdue"),
        (second.reference, "ok"),
    ]
    # An assessor's dashboard has no review list; an approver's none of the assessor's.
    assert "decisions_to_review" not in verified_client(alice).get("/").context
    assert "notices_overdue" not in response.context


def test_an_assessor_follows_up_overdue_notices_failures_and_mail(
    tk2023: Election, alice: User, bob: User
) -> None:
    Platform.objects.filter(slug="x").update(
        channel_kind="email", channel_address=PLATFORM_ADDRESS, channel_active=True
    )
    late = approved_case(tk2023, alice, bob, url="https://x.com/a/status/8100")
    failed = approved_case(tk2023, alice, bob, url="https://x.com/a/status/8101")
    for case, state in ((late, DeliveryState.ACCEPTED), (failed, DeliveryState.BOUNCED)):
        notice = Notice.objects.get(case=case)
        delivery = notices.send(notice, alice)
        Delivery.objects.filter(pk=delivery.pk).update(
            state=state, accepted_at=timezone.now() - dt.timedelta(minutes=90)
        )
    pending = MailMessage.objects.create(
        sha256="a" * 64,
        size=10,
        raw_path="x",
        subject="Re: your report",
        from_address="support@x.example",
        archived_at=timezone.now(),
        kind=Kind.REPLY,
        match_method=MatchMethod.CASE_REFERENCE,
        case=late,
        confirmation=Confirmation.PENDING,
    )
    response = verified_client(alice).get("/", {"election": "TK2023"})
    assert [c.case for c in response.context["notices_overdue"]] == [late]
    assert [d.notice.case for d in response.context["deliveries_failed"]] == [failed]
    assert response.context["mail_to_confirm"] == [pending]
    html = response.content.decode()
    assert f"/mail/{pending.pk}" in html
    # An intake officer has none of it.
    assert "notices_overdue" not in verified_client(_intake()).get("/").context


def _intake() -> User:
    from flagdesk.accounts.constants import Role
    from flagdesk.conftest import make_user

    return make_user("ivan", Role.INTAKE)


def test_the_case_page_shows_its_clocks(tk2023: Election, alice: User) -> None:
    case = open_case(tk2023, 9, 300)
    response = in_english(verified_client(alice)).get(f"/cases/{case.reference}")
    html = response.content.decode()
    assert 'id="clocks"' in html
    assert 'data-clock-state="overdue"' in html
    assert "5 h ago" in html  # the first signal, humanely
    assert "Waiting for a decision" in html


def test_an_old_signal_shows_its_date_not_thousands_of_days(tk2023: Election, alice: User) -> None:
    case = open_case(tk2023, 10, 5 * 24 * 60)
    html = in_english(verified_client(alice)).get(f"/cases/{case.reference}").content.decode()
    first = html.split('id="clock-first-signal"', 1)[1].split("</dd>", 1)[0]
    assert " d " not in first and "ago" not in first
    received = timezone.localtime(case.signals.get().received_at)
    assert f"{received.day} {received:%B %Y}" in first


def test_the_attention_panel_reads_only_the_oldest_clocks_of_each_stage(
    tk2023: Election, alice: User, monkeypatch: Any
) -> None:
    from flagdesk.notices import clocks

    monkeypatch.setattr(clocks, "ATTENTION_CANDIDATES", 2)
    oldest, older = open_case(tk2023, 11, 900), open_case(tk2023, 12, 600)
    open_case(tk2023, 13, 300)  # overdue too, but younger than the two read
    assert [c.case for c in clocks.needing_attention(limit=1)] == [oldest]
    read = clocks.running_clocks(percent=75, oldest=clocks.ATTENTION_CANDIDATES)
    assert [c.case for c in read] == [oldest, older]
    # Asked for more than the bound, the panel reads as many as it shows.
    assert len(clocks.needing_attention(limit=5)) == 3
