# SPDX-License-Identifier: EUPL-1.2
"""Kill the worker (SIGKILL) at each point of a send, restart it, and count what the platform got.

A real ``flagdesk worker`` process sends to a real SMTP server (aiosmtpd). The platform
receives the notice exactly once, or the outcome is shown as unknown and a person decides.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flagdesk.accounts.models import User
from flagdesk.notices import service
from flagdesk.notices.models import AttemptResult, Delivery, DeliveryState, Notice
from tests_support.smtp import SmtpServer
from tests_support.worker import run_worker, worker_env

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.processes,
]

FROM = "trustedflagger@minbzk.example"


@pytest.fixture
def platform() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def env_for(tmp_path: Path, server: SmtpServer | None, failpoint: str = "") -> dict[str, str]:
    settings = {"FLAGDESK_FROM_EMAIL": FROM, "FLAGDESK_FAILPOINT": failpoint}
    if server is not None:
        settings["FLAGDESK_SMTP_URL"] = server.url
    return worker_env(tmp_path, **settings)


def killed_at(failpoint: str, tmp_path: Path, server: SmtpServer | None) -> None:
    done = run_worker(env_for(tmp_path, server, failpoint), "--once", "--no-mail")
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr


def restart(tmp_path: Path, server: SmtpServer | None) -> None:
    done = run_worker(env_for(tmp_path, server), "--once", "--no-mail")
    assert done.returncode == 0, done.stdout + done.stderr


def results(delivery: Delivery) -> list[str]:
    return list(delivery.attempt_rows.order_by("number").values_list("result", flat=True))


def test_killed_before_connecting_is_sent_once_after_restart(
    draft: Notice, alice: User, platform: SmtpServer, tmp_path: Path
) -> None:
    delivery = service.send(draft, alice)
    killed_at("send.before_connect", tmp_path, platform)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENDING
    assert platform.messages == []
    restart(tmp_path, platform)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.ACCEPTED
    assert results(delivery) == [AttemptResult.INTERRUPTED, AttemptResult.ACCEPTED]
    assert len(platform.messages) == 1


def test_killed_during_the_transaction_is_unknown_then_a_person_decides(
    draft: Notice, alice: User, platform: SmtpServer, tmp_path: Path
) -> None:
    delivery = service.send(draft, alice)
    killed_at("send.in_transaction", tmp_path, platform)
    restart(tmp_path, platform)
    delivery.refresh_from_db()
    # The body was on the wire: we cannot know, so we neither resend nor claim success.
    assert delivery.state == DeliveryState.UNKNOWN
    assert delivery.evidence["stage"] == "transmitting"
    assert list(service.problems()) == [delivery]
    assert platform.messages == []  # the server dropped the incomplete message
    service.resolve_unknown(draft, alice, delivered=False, note="Nothing in X's portal; resend.")
    restart(tmp_path, platform)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.ACCEPTED
    assert len(platform.messages) == 1


def test_killed_after_the_server_accepted_is_never_sent_twice(
    draft: Notice, alice: User, platform: SmtpServer, tmp_path: Path
) -> None:
    delivery = service.send(draft, alice)
    killed_at("send.after_accept", tmp_path, platform)
    assert len(platform.messages) == 1
    restart(tmp_path, platform)
    restart(tmp_path, platform)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.UNKNOWN
    assert len(platform.messages) == 1  # no silent duplicate
    service.resolve_unknown(draft, alice, delivered=True, note="Server log shows 250 at 14:43.")
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.ACCEPTED
    restart(tmp_path, platform)
    assert len(platform.messages) == 1


@pytest.mark.parametrize(
    "failpoint", ["send.before_connect", "send.in_transaction", "send.after_accept"]
)
def test_the_local_outbox_settles_every_crash_by_itself(
    draft: Notice, alice: User, tmp_path: Path, failpoint: str, settings: Any
) -> None:
    delivery = service.send(draft, alice)
    killed_at(failpoint, tmp_path, None)
    restart(tmp_path, None)
    delivery.refresh_from_db()
    draft.refresh_from_db()
    assert delivery.state == DeliveryState.ACCEPTED
    assert [p.name for p in (tmp_path / "outbox").glob("*.eml")] == [f"{draft.raw_sha256}.eml"]
