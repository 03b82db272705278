# SPDX-License-Identifier: EUPL-1.2
"""``Case.clock_since``: the decision clock's start, kept on the case as signals arrive
(always its first signal's receipt), and the migration that fills it for existing cases."""

from __future__ import annotations

import datetime as dt
import importlib

from django.db import connection
from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.assessments import service as assessments
from flagdesk.conftest import media_case
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case, IntakeOutcome, Signal
from flagdesk.notices.tests.conftest import ELIGIBLE

NOW = timezone.now().replace(microsecond=0)
POST = "https://x.com/kiezer/status/1727365011111111111"


def joining(election: Election, received_at: dt.datetime | None) -> Case:
    """A second signal about the same post: it joins the case."""
    return media_case(election, POST, received_at=received_at, explanation="Same post.")


def stored(case: Case) -> dt.datetime:
    return Case.objects.values_list("clock_since", flat=True).get(pk=case.pk)


def first_receipt(case: Case) -> dt.datetime:
    return min(Signal.objects.filter(case=case).values_list("received_at", flat=True))


def test_a_new_case_starts_its_clock_at_its_signals_receipt(tk2023: Election) -> None:
    received = NOW - dt.timedelta(hours=2)
    case = media_case(tk2023, POST, received_at=received)
    assert stored(case) == received == first_receipt(case)


def test_without_a_receipt_time_the_clock_and_the_signal_share_one_moment(
    tk2023: Election,
) -> None:
    case = media_case(tk2023, POST)
    assert stored(case) == first_receipt(case)


def test_a_later_signal_leaves_the_clock_where_it_is(tk2023: Election) -> None:
    first = NOW - dt.timedelta(hours=2)
    case = media_case(tk2023, POST, received_at=first)
    assert joining(tk2023, NOW) == case
    assert stored(case) == first


def test_a_signal_received_before_the_first_moves_the_clock_back(tk2023: Election) -> None:
    case = media_case(tk2023, POST, received_at=NOW - dt.timedelta(hours=1))
    earlier = NOW - dt.timedelta(hours=6)
    joined = joining(tk2023, earlier)
    assert joined == case
    assert joined.clock_since == earlier  # the object the caller holds, too
    assert stored(case) == earlier == first_receipt(case)


def test_a_stale_case_object_never_moves_the_clock_forward(tk2023: Election) -> None:
    """Another signal moved the start back after this one read the case: the update keeps the
    earlier start (the start only moves back)."""
    case = media_case(tk2023, POST, received_at=NOW - dt.timedelta(hours=1))
    earliest = NOW - dt.timedelta(hours=8)
    Case.objects.filter(pk=case.pk).update(clock_since=earliest)
    intake._clock_from(case, NOW - dt.timedelta(hours=3))  # ``case`` still says 1 hour ago
    assert stored(case) == earliest


def test_a_related_case_starts_its_own_clock_at_its_signal(tk2023: Election, alice: User) -> None:
    first = media_case(tk2023, POST, received_at=NOW - dt.timedelta(hours=5))
    assessments.save_assessment(first, ELIGIBLE, alice)
    assessments.propose_decision(first, "deploy", "Invalid votes.", alice)  # freezes its URLs
    received = NOW - dt.timedelta(minutes=10)
    result = intake.record_signal(
        intake.SignalInput(
            election=tk2023,
            source_type="media",
            category="misinformation",
            platform_name="x",
            content_urls=[POST, "https://x.com/kiezer/status/1727365011111111112"],
            explanation="The post and a new one.",
            received_via="email",
            source_organisation_name="NOS",
            received_at=received,
        )
    )
    assert result.outcome == IntakeOutcome.RELATED_CASE and result.case is not None
    assert stored(result.case) == received
    assert stored(first) == NOW - dt.timedelta(hours=5)


def test_the_migration_fills_the_start_from_the_first_signal_or_the_creation(
    tk2023: Election,
) -> None:
    first = NOW - dt.timedelta(hours=4)
    with_signals = media_case(tk2023, POST, received_at=first)
    joining(tk2023, NOW)
    without = Case.objects.create(
        reference="FD-2023-9999", election=tk2023, platform=with_signals.platform, category="other"
    )
    future = media_case(
        tk2023, "https://x.com/other/status/2", received_at=NOW + dt.timedelta(days=400)
    )
    Case.objects.update(clock_since=NOW + dt.timedelta(days=1))  # as AddField's default left it
    migration = importlib.import_module("flagdesk.intake.migrations.0007_case_clock_since")
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)
    assert stored(with_signals) == first
    # A receipt stated after the recording counts from the recording.
    recorded = Signal.objects.get(case=future).created_at
    assert stored(future) == recorded
    without.refresh_from_db()
    assert stored(without) == without.created_at


def test_a_receipt_in_the_future_does_not_hold_the_clock_back(tk2023: Election) -> None:
    """A partner may state any receipt time up to the year 2200 (the API's plausibility
    check). A signal can't have been received after we recorded it: the clock starts at the
    recording then, so a hostile or wrong timestamp can't keep a case out of "Needs
    attention" for years."""
    from flagdesk.notices import clocks

    before = timezone.now()
    case = media_case(tk2023, POST, received_at=dt.datetime(2199, 1, 1, tzinfo=dt.UTC))
    after = timezone.now()
    assert before <= stored(case) <= after
    # The signal keeps what the partner said; only the clock doesn't believe it.
    assert first_receipt(case).year == 2199
    late = clocks.needing_attention(after + dt.timedelta(hours=5))
    assert [c.case for c in late] == [case] and late[0].reading.overdue
