# SPDX-License-Identifier: EUPL-1.2
"""Sending through a real SMTP server (aiosmtpd): accepted, retried, refused, over TLS."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from flagdesk.accounts.models import User
from flagdesk.notices import dispatch, service
from flagdesk.notices.channels.email.smtpurl import parse_smtp_url
from flagdesk.notices.models import Attempt, AttemptResult, Delivery, DeliveryState, Notice
from flagdesk.notices.tests.conftest import PLATFORM_ADDRESS
from tests_support.servers import free_port
from tests_support.smtp import SmtpServer


def run_due(delivery: Delivery) -> str:
    """What the worker does for a due delivery (without waiting for the backoff)."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    return dispatch.attempt_delivery(delivery.pk)


def test_accepted_by_the_platforms_server(
    draft: Notice, alice: User, smtp_server: SmtpServer
) -> None:
    delivery = service.send(draft, alice)
    assert dispatch.attempt_delivery(delivery.pk) == "accepted"
    [received] = smtp_server.messages
    draft.refresh_from_db()
    assert received.data == bytes(draft.raw)  # byte for byte what is stored
    assert received.rcpt_tos == [PLATFORM_ADDRESS]
    assert received.mail_from == "trustedflagger@minbzk.example"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.ACCEPTED
    assert "250" in delivery.server_reply and delivery.accepted_at is not None
    [attempt] = delivery.attempt_rows.all()
    assert (attempt.result, attempt.stage, attempt.reply_code) == (
        AttemptResult.ACCEPTED,
        "done",
        250,
    )
    # A second run finds nothing to do: never sent twice.
    assert dispatch.attempt_delivery(delivery.pk) == "not-claimed"
    assert len(smtp_server.messages) == 1


def test_lines_starting_with_a_dot_arrive_intact(
    draft: Notice, alice: User, smtp_server: SmtpServer
) -> None:
    service.update_draft(draft, draft.subject, "Dear X,\n.\n..two dots\nend\n", alice)
    delivery = service.send(draft, alice)
    dispatch.attempt_delivery(delivery.pk)
    [received] = smtp_server.messages
    parsed = email.message_from_bytes(received.data, policy=policy.default)
    assert parsed.get_content().replace("\r\n", "\n") == "Dear X,\n.\n..two dots\nend\n"


def test_the_archive_gets_a_blind_copy(
    draft: Notice, alice: User, smtp_server: SmtpServer, settings: Any
) -> None:
    settings.ARCHIVE_BCC = "archive@minbzk.example"
    dispatch.attempt_delivery(service.send(draft, alice).pk)
    [received] = smtp_server.messages
    assert received.rcpt_tos == [PLATFORM_ADDRESS, "archive@minbzk.example"]
    assert b"archive@minbzk.example" not in received.data  # blind


def test_temporary_failure_retries_with_backoff(
    draft: Notice, alice: User, smtp_server: SmtpServer
) -> None:
    smtp_server.behaviour.temporary_failures_left = 2
    delivery = service.send(draft, alice)
    before = timezone.now()
    assert dispatch.attempt_delivery(delivery.pk) == "retrying"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at >= before + dt.timedelta(seconds=30)
    assert dispatch.attempt_delivery(delivery.pk) == "not-claimed"  # not due yet
    assert run_due(delivery) == "retrying"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at >= timezone.now() + dt.timedelta(seconds=55)  # doubled
    assert run_due(delivery) == "accepted"
    assert len(smtp_server.messages) == 1
    results = list(delivery.attempt_rows.values_list("result", flat=True))
    assert results == ["temporary", "temporary", "accepted"]


def test_backoff_doubles_and_is_capped() -> None:
    assert [dispatch.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert dispatch.backoff(30) == dt.timedelta(hours=1)


def test_retries_run_out(
    draft: Notice, alice: User, smtp_server: SmtpServer, settings: Any
) -> None:
    settings.SEND_MAX_ATTEMPTS = 2
    smtp_server.behaviour.data_reply = "421 4.7.0 Too busy"
    delivery = service.send(draft, alice)
    assert run_due(delivery) == "retrying"
    assert run_due(delivery) == "failed"
    assert list(service.problems()) == [Delivery.objects.get(pk=delivery.pk)]


def test_a_refused_recipient_fails_at_once(
    draft: Notice, alice: User, smtp_server: SmtpServer
) -> None:
    smtp_server.behaviour.rcpt_reply = "550 5.1.1 No such user"
    delivery = service.send(draft, alice)
    assert dispatch.attempt_delivery(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "550" in delivery.last_error
    assert smtp_server.messages == []
    # After the address was fixed on the server side, a person may send it again.
    smtp_server.behaviour.rcpt_reply = ""
    service.send_again(draft, alice)
    assert dispatch.attempt_delivery(delivery.pk) == "accepted"


def test_no_server_listening_is_temporary(draft: Notice, alice: User, settings: Any) -> None:
    settings.SMTP_URL = f"smtp://127.0.0.1:{free_port()}"
    delivery = service.send(draft, alice)
    assert dispatch.attempt_delivery(delivery.pk) == "retrying"
    assert "connection failed" in Delivery.objects.get(pk=delivery.pk).last_error


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_and_authentication(
    draft: Notice, alice: User, settings: Any, tmp_path: Path, monkeypatch: Any, security: str
) -> None:
    with SmtpServer(
        security=security, credentials=("flagdesk", "s3cret/pw"), cert_dir=tmp_path
    ) as server:
        # Trust the test's own certificate the way an operator trusts a private CA.
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        settings.SMTP_URL = server.url.replace("s3cret/pw", "s3cret%2Fpw")
        delivery = service.send(draft, alice)
        assert dispatch.attempt_delivery(delivery.pk) == "accepted"
        assert len(server.messages) == 1


def test_wrong_password_is_a_permanent_failure(
    draft: Notice, alice: User, settings: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    with SmtpServer(
        security="starttls", credentials=("flagdesk", "right"), cert_dir=tmp_path
    ) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        settings.SMTP_URL = server.url.replace("right", "wrong")
        delivery = service.send(draft, alice)
        assert dispatch.attempt_delivery(delivery.pk) == "failed"
        assert server.messages == []


def test_an_untrusted_certificate_is_refused(
    draft: Notice, alice: User, settings: Any, tmp_path: Path
) -> None:
    with SmtpServer(security="starttls", cert_dir=tmp_path) as server:
        settings.SMTP_URL = server.url
        delivery = service.send(draft, alice)
        assert dispatch.attempt_delivery(delivery.pk) == "retrying"
        assert "CERTIFICATE_VERIFY_FAILED" in Delivery.objects.get(pk=delivery.pk).last_error
        assert server.messages == []


def test_without_smtp_the_notice_goes_to_the_outbox(
    draft: Notice, alice: User, outbox: Path
) -> None:
    delivery = service.send(draft, alice)
    assert dispatch.attempt_delivery(delivery.pk) == "accepted"
    draft.refresh_from_db()
    [path] = outbox.iterdir()
    assert path.name == f"{draft.raw_sha256}.eml"
    assert path.read_bytes() == bytes(draft.raw)
    assert "outbox" in Delivery.objects.get(pk=delivery.pk).server_reply


def test_two_open_attempts_are_impossible(draft: Notice, alice: User) -> None:
    delivery = service.send(draft, alice)
    attempt = dispatch.claim(delivery.pk)
    assert attempt is not None
    assert dispatch.claim(delivery.pk) is None  # already sending
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            delivery=delivery, number=99, worker_id="other", started_at=timezone.now()
        )


@pytest.mark.parametrize(
    ("url", "security", "port", "user", "password"),
    [
        ("smtp://127.0.0.1:2525", "plain", 2525, "", ""),
        ("smtp+starttls://u%40x:p%3Aw@mail.example", "starttls", 587, "u@x", "p:w"),
        ("smtps://mail.example", "tls", 465, "", ""),
    ],
)
def test_smtp_urls(url: str, security: str, port: int, user: str, password: str) -> None:
    config = parse_smtp_url(url)
    assert (config.security, config.port, config.username, config.password) == (
        security,
        port,
        user,
        password,
    )
    assert password == "" or password not in str(config)


@pytest.mark.parametrize("url", ["http://x", "smtp://", "mail.example:25"])
def test_bad_smtp_urls(url: str) -> None:
    with pytest.raises(ValueError, match="SMTP URL"):
        parse_smtp_url(url)


def test_a_stuck_attempt_is_taken_over_and_can_no_longer_send(
    draft: Notice, alice: User, smtp_server: SmtpServer
) -> None:
    delivery = service.send(draft, alice)
    stuck = dispatch.claim(delivery.pk)
    assert stuck is not None
    assert dispatch.recover_interrupted() == []  # its worker (this process) lives: busy, not dead
    Attempt.objects.filter(pk=stuck.pk).update(started_at=timezone.now() - dt.timedelta(hours=1))
    assert dispatch.recover_interrupted() == [(delivery.pk, "retrying")]
    # Should the stuck attempt wake up, it stops before the point of no return.
    with pytest.raises(dispatch.AttemptTakenOver):
        dispatch._set_stage(stuck, "transmitting")
    assert dispatch.attempt_delivery(delivery.pk) == "accepted"
    assert len(smtp_server.messages) == 1
