# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk election``: list the calendar and move an attention window, audited; a window
opened that way is the one a partner's signal is filed under."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from flagdesk.accounts import service as accounts
from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.elections.models import Election

pytestmark = pytest.mark.django_db


def election_cli(*args: str) -> str:
    out = io.StringIO()
    call_command("election", *args, stdout=out)
    return out.getvalue()


def test_list_marks_the_windows_open_today() -> None:
    today = timezone.localdate()
    listing = election_cli("list")
    assert "TK2023" in listing and "2023-11-22" in listing
    tk = Election.objects.get(code="TK2023")
    assert ("open now" in listing.split("TK2023")[1].splitlines()[0]) == tk.in_attention_window(
        today
    )


def test_window_moves_the_window_and_audits_it() -> None:
    election_cli("window", "PS2027", "2026-12-01", "2027-03-31")
    ps = Election.objects.get(code="PS2027")
    assert (ps.attention_start, ps.attention_end) == (dt.date(2026, 12, 1), dt.date(2027, 3, 31))
    event = AuditEvent.objects.get(action="election_window_changed")
    assert event.actor_label == "cli"
    assert event.before == {"attention_start": "2027-02-03"}
    assert event.after == {"attention_start": "2026-12-01"}


@pytest.mark.parametrize(
    ("code", "start", "end", "message"),
    [
        ("PS2027", "2027-03-18", "2027-03-31", "must hold election day"),
        ("PS2027", "2027-02-30", "2027-03-31", "not a date"),
        ("XX1999", "2027-01-01", "2027-03-31", "no election"),
    ],
)
def test_window_refuses_what_cannot_be(code: str, start: str, end: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        election_cli("window", code, start, end)
    assert not AuditEvent.objects.filter(action="election_window_changed").exists()


def test_a_partner_files_under_the_window_opened_today(nos_token: str) -> None:
    today = timezone.localdate()
    start, end = min(today, dt.date(2027, 3, 17)), max(today, dt.date(2027, 3, 31))
    election_cli("window", "PS2027", str(start), str(end))
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}").post(
        "/api/v1/signalen",
        {
            "category": "misinformation",
            "platform": "x",
            "content_urls": ["https://x.com/someone/status/1790000000000000001"],
            "explanation": "Says the polling stations close at noon.",
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["election"] == "PS2027"


def test_english_name_is_set_audited_and_shown_in_the_api(alice: User) -> None:
    assert "House of Representatives" in election_cli("english-name", "TK2023", "")
    out = election_cli("english-name", "TK2023", "  Dutch general   election 2023 ")
    assert out.strip() == "TK2023: Dutch general election 2023"
    event = AuditEvent.objects.filter(action="election_english_name_changed").last()
    assert event is not None and event.after == {"name_en": "Dutch general election 2023"}
    raw = accounts.issue_token(name="test", user=alice)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    listed = client.get("/api/v1/verkiezingen").json()
    tk = next(e for e in listed if e["code"] == "TK2023")
    assert tk["english_name"] == "Dutch general election 2023" and tk["name"] != tk["english_name"]
    with pytest.raises(CommandError):
        election_cli("english-name", "XX1999", "Nothing")
