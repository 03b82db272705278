# SPDX-License-Identifier: EUPL-1.2
"""The demo data (with the seed's case) and the personal strings in its correspondence."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from flagdesk.elections import service as elections
from flagdesk.elections.models import Election
from flagdesk.notices.tests.conftest import outbox, x_channel
from flagdesk.reports.content import build_report
from flagdesk.reports.document import Report
from flagdesk.reports.redactions import TermRedactions

__all__ = ["outbox", "x_channel"]  # fixtures for notices sent in these tests

# The assessor's name (notice signature, X's "Dear …"), username (the notice's sender name)
# and the local part of the sender's address: all must be withheld in every format.
SENDER_EMAIL = "demo.assessor@minbzk.example"
PERSONAL = ("Anna de Vries", "anna.devries", "demo.assessor", "Anna")


@pytest.fixture
def demo(db: Any, settings: Any) -> Election:
    settings.FROM_EMAIL = SENDER_EMAIL
    call_command("demo", "--no-passwords", stdout=io.StringIO())
    election = elections.get_election("TK2023")
    assert election is not None
    return election


@pytest.fixture
def redactions() -> TermRedactions:
    return TermRedactions(PERSONAL)


@pytest.fixture
def report(demo: Election, redactions: TermRedactions) -> Report:
    return build_report(demo, redactions=redactions)


def assert_no_personal_data(text: str) -> None:
    for secret in PERSONAL:
        # Whole words: "Anna" must not be found in "aanname".
        pattern = rf"(?<![\w.]){re.escape(secret)}(?![\w])"
        assert not re.search(pattern, text, re.IGNORECASE), f"{secret!r} leaked"
