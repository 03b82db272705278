# SPDX-License-Identifier: EUPL-1.2
"""audit.occurred_at: history written later keeps its own time, and the chain stays whole."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flagdesk.audit import service as audit
from flagdesk.audit.models import AuditEvent

MOMENT = dt.datetime(2023, 11, 22, 14, 20, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_events_logged_inside_carry_the_given_moment(db: Any) -> None:
    audit.log("before", ("test.thing", 1))
    with audit.occurred_at(MOMENT):
        audit.log("replayed", ("test.thing", 1))
    audit.log("after", ("test.thing", 1))
    at = dict(AuditEvent.objects.values_list("action", "at"))
    assert at["replayed"] == MOMENT
    assert at["before"].year == at["after"].year != 2023
    assert audit.verify() == []
