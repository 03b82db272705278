# SPDX-License-Identifier: EUPL-1.2
"""Structured logs: JSON lines, a request id per request, and no personal data anywhere."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.conftest import verified_client
from flagdesk.core.logging import formatter, get_logger
from flagdesk.elections.models import Election
from flagdesk.intake.models import Signal
from tests_support.worker import run_worker, worker_env

# Made-up personal data that must never reach a log line.
CONTACT_NAME = "Wilhelmina Oosterbroek-Zandvliet"
CONTACT_EMAIL = "w.oosterbroek@redactie.example"
EXPLANATION = "Kwakzalverij over stembiljetten in Ootmarsum, zegt Wilhelmina."


class Captured:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]

    def requests(self) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line.get("logger") == "flagdesk.request"]


@pytest.fixture
def captured() -> Iterator[Captured]:
    """Everything any logger writes, rendered as in production (JSON), our loggers at DEBUG."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("json"))
    root, ours = logging.getLogger(), logging.getLogger("flagdesk")
    level = ours.level
    root.addHandler(handler)
    ours.setLevel(logging.DEBUG)
    try:
        yield Captured(stream)
    finally:
        root.removeHandler(handler)
        ours.setLevel(level)


def test_every_line_is_a_json_object(captured: Captured) -> None:
    logging.getLogger("flagdesk.test").warning("notice %s: %s", 12, "accepted")
    get_logger("flagdesk.test").info("task finished", case_id=3)
    first, second = captured.lines()
    assert first["event"] == "notice 12: accepted"
    assert first["level"] == "warning" and first["logger"] == "flagdesk.test"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", first["timestamp"])
    assert second["event"] == "task finished" and second["case_id"] == 3


def test_an_unknown_host_is_logged_as_one_line(captured: Captured) -> None:
    response = Client().get("/login?next=/cases", HTTP_HOST="evil.example")
    assert response.status_code == 400
    (line,) = [line for line in captured.lines() if line["logger"].startswith("django.security")]
    assert line["level"] == "warning" and "evil.example" in line["event"]
    assert "exception" not in line and "Traceback" not in captured.text
    assert len(captured.text.splitlines()) == len(captured.lines())


def test_a_traceback_has_no_local_variables(captured: Captured) -> None:
    secret = CONTACT_NAME
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("flagdesk.test").exception("failed for %s", len(secret))
    (line,) = captured.lines()
    assert "ValueError: boom" in line["exception"]
    assert CONTACT_NAME not in captured.text


@pytest.mark.django_db
def test_it_echoes_a_sane_request_id_and_logs_it(captured: Captured) -> None:
    response = Client().get("/health", HTTP_X_REQUEST_ID="nginx-4f2a9c1e")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "nginx-4f2a9c1e"
    (line,) = captured.requests()
    assert line["request_id"] == "nginx-4f2a9c1e"
    assert line["method"] == "GET" and line["path"] == "/health" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["user_id"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad", ["", "has space", "new\nline", "x" * 101, "<script>", "-starts-with-dash"]
)
def test_a_bad_request_id_is_replaced(captured: Captured, bad: str) -> None:
    response = Client().get("/health", HTTP_X_REQUEST_ID=bad)
    made = response["X-Request-ID"]
    assert made != bad and re.fullmatch(r"[0-9a-f]{32}", made)
    assert captured.requests()[0]["request_id"] == made


@pytest.mark.django_db
def test_each_request_gets_its_own_id(captured: Captured) -> None:
    client = Client()
    ids = {client.get("/health")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
    assert {line["request_id"] for line in captured.requests()} == ids


@pytest.mark.django_db
def test_it_logs_the_user_id_and_the_path_without_the_query(
    captured: Captured, alice: User
) -> None:
    response = verified_client(alice).get("/cases", {"q": CONTACT_NAME})
    assert response.status_code == 200
    (line,) = captured.requests()
    assert line["path"] == "/cases" and line["user_id"] == alice.pk
    assert CONTACT_NAME not in captured.text and "alice" not in json.dumps(line)


@pytest.mark.django_db
def test_lines_logged_during_a_request_carry_its_id(captured: Captured, alice: User) -> None:
    verified_client(alice).get("/no-such-page", HTTP_X_REQUEST_ID="trace-0001")
    not_found = [line for line in captured.lines() if line["logger"] == "django.request"]
    assert not_found and not_found[0]["request_id"] == "trace-0001"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_personal_data_reaches_the_logs(
    captured: Captured,
    carol: User,
    nos: PartnerOrganisation,
    nos_token: str,
    open_election: Election,
    tmp_path: Path,
) -> None:
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {nos_token}")
    api = partner.post(
        "/api/v1/signalen",
        {
            "election": "TK2023",
            "category": "misinformation",
            "platform": "x",
            "content_urls": ["https://x.com/someone/status/1727300000000000077"],
            "explanation": EXPLANATION,
            "contact_name": CONTACT_NAME,
            "contact_email": CONTACT_EMAIL,
        },
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    staff = verified_client(carol)
    form = {
        "election": open_election.pk,
        "received_via": "phone",
        "received_at": "2023-11-22T09:30",
        "source_organisation": nos.pk,
        "contact_name": CONTACT_NAME,
        "contact_email": CONTACT_EMAIL,
        "category": "misinformation",
        "platform": "x",
        "content_urls": "https://x.com/someone/status/1727300000000000078",
        "explanation": EXPLANATION,
        "own_contact_attempts": "0",
        "good_faith": "on",
    }
    ui = staff.post("/signals/new", form)
    assert ui.status_code == 302, ui.content
    # The intake result, and the pages that show the name: the case, the API's answer.
    assert staff.get(ui["Location"]).status_code == 200
    case = Signal.objects.get(received_via="phone").case
    assert case is not None
    assert CONTACT_NAME in staff.get(f"/cases/{case.reference}").content.decode()
    assert CONTACT_NAME in partner.get(f"/api/v1/signalen/{api.json()['id']}").content.decode()
    # The worker matches both signals' cases against the narratives (it reads the text).
    done = run_worker(
        worker_env(tmp_path, FLAGDESK_LOG_FORMAT="json", FLAGDESK_LOG_LEVEL="DEBUG"),
        "--once",
        "--no-mail",
    )
    assert done.returncode == 0, done.stdout + done.stderr

    requests = captured.requests()
    assert len(requests) == 5 and {line["status"] for line in requests} == {200, 201, 302}
    worker_lines = [json.loads(line) for line in done.stderr.splitlines()]
    tasks = [line for line in worker_lines if line["event"] == "task finished"]
    # One matching batch for both cases (issue 17); each case's lines carry its id.
    assert len(tasks) == 1 and all(line["worker_id"] and line["task_id"] for line in tasks)
    matched = [line for line in worker_lines if line["event"] == "case matched"]
    assert all(line["task_id"] == tasks[0]["task_id"] for line in matched)
    assert {line["case_id"] for line in matched} == {
        case.pk,
        Signal.objects.get(received_via="api").case_id,
    }
    for output in (captured.text, done.stdout, done.stderr):
        for personal in (CONTACT_NAME, "Oosterbroek", CONTACT_EMAIL, "Ootmarsum"):
            assert personal not in output
    # Audit lines name the staff member by account id, not by name.
    assert "signal_recorded intake.signal:" in captured.text
    assert f"by user {carol.pk}" in captured.text and "by carol" not in captured.text
