# SPDX-License-Identifier: EUPL-1.2
"""A portal notice waits for a person: from being made final until its submission in the
platform's portal is recorded (its acknowledgment), it has a clock and stands in the
sender's "Waiting for me"."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.conftest import in_english, verified_client
from flagdesk.notices import clocks, service
from flagdesk.notices.models import Notice
from flagdesk.notices.tests.test_portal_upload import portal_notice  # noqa: F401 -- fixture
from flagdesk.rules.clocks import ClockState, Stage


def test_it_has_a_clock_from_being_made_final_until_submitted(
    portal_notice: Notice,  # noqa: F811
    alice: User,
) -> None:
    portal_notice.refresh_from_db()
    assert portal_notice.frozen_at is not None
    later = portal_notice.frozen_at + dt.timedelta(days=3)
    [clock] = clocks.case_clocks(portal_notice.case, later)
    assert clock.notice == portal_notice
    assert clock.reading.stage == Stage.ACKNOWLEDGMENT
    assert clock.reading.since == portal_notice.frozen_at
    assert clock.reading.state == ClockState.OVERDUE
    assert clocks.needing_attention(later)[0].notice == portal_notice
    [waiting] = clocks.portal_notices_to_submit(clocks.ClockBook(later), 25)
    assert (waiting.notice, waiting.reading) == (portal_notice, clock.reading)
    service.record_portal_submission(
        portal_notice, alice, submitted_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert clocks.case_clocks(portal_notice.case, later) == []
    assert clocks.portal_notices_to_submit(clocks.ClockBook(later), 25) == []


def test_it_waits_for_the_sender_on_the_dashboard(
    portal_notice: Notice,  # noqa: F811
    alice: User,
) -> None:
    page = in_english(verified_client(alice)).get("/").content.decode()
    assert "Portal notices to submit" in page
    assert (
        f"#notice-{portal_notice.pk}" in page.split("Portal notices to submit")[1].split("<h3")[0]
    )
    service.record_portal_submission(
        portal_notice, alice, submitted_at=timezone.now() - dt.timedelta(minutes=1)
    )
    page = in_english(verified_client(alice)).get("/").content.decode()
    assert "No portal notice waits to be submitted." in page
