# SPDX-License-Identifier: EUPL-1.2
"""Brute-force lockout (django-axes): passwords and TOTP codes, per username and address."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from flagdesk.accounts.constants import Role
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import PASSWORD, in_english, make_user

pytestmark = pytest.mark.django_db

HERE = "127.0.0.1"
ELSEWHERE = "192.0.2.7"


def _post_password(
    client: Client, username: str, password: str = PASSWORD, address: str = HERE
) -> Any:
    return client.post("/login", {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client: Client, username: str, times: int, address: str = HERE) -> list[int]:
    return [
        _post_password(client, username, "wrong password", address).status_code
        for _ in range(times)
    ]


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _wrong_code(device: TOTPDevice) -> str:
    return "123456" if _code(device) != "123456" else "654321"


def test_five_wrong_passwords_lock_out_even_the_right_one() -> None:
    alice = make_user("alice", Role.ASSESSOR)
    client = in_english(Client())

    assert _fail(client, "alice", 5) == [200, 200, 200, 200, 429]
    response = _post_password(client, "alice")

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert SESSION_KEY not in client.session
    event = AuditEvent.objects.get(action="login_locked_out")
    assert (event.object_type, event.object_id) == ("accounts.user", str(alice.pk))
    assert event.after == {"step": "password", "failures": 5, "minutes": 15}


def test_the_limit_and_the_cool_off_come_from_the_settings(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    make_user("alice", Role.ASSESSOR)
    assert _fail(Client(), "alice", 2) == [200, 429]


def test_login_works_again_after_the_cool_off() -> None:
    make_user("alice", Role.ASSESSOR)
    client = Client()
    _fail(client, "alice", 5)
    assert _post_password(client, "alice").status_code == 429

    # 16 minutes later (the attempt's time moved back instead of waiting).
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert _post_password(client, "alice").status_code == 302
    assert SESSION_KEY in client.session


def test_lockout_is_per_username_and_address() -> None:
    make_user("alice", Role.ASSESSOR)
    make_user("bob", Role.APPROVER)
    _fail(Client(), "alice", 5)

    assert _post_password(Client(), "alice").status_code == 429
    assert _post_password(Client(), "alice", address=ELSEWHERE).status_code == 302
    assert _post_password(Client(), "bob").status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(settings: Any) -> None:
    settings.LOGIN_PROXY_COUNT = 1
    make_user("alice", Role.ASSESSOR)
    for _ in range(5):
        Client().post(
            "/login",
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.9, {ELSEWHERE}",
        )
    from_attacker = Client().post(
        "/login",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=ELSEWHERE,
    )
    from_alice = Client().post(
        "/login",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=HERE,
    )
    assert from_attacker.status_code == 429
    assert from_alice.status_code == 302


def test_an_unknown_username_is_audited_without_the_name() -> None:
    _fail(Client(), "no-such-person", 5)
    event = AuditEvent.objects.get(action="login_locked_out")
    assert event.object_id == ""
    assert len(event.after["username_hmac"]) == 16
    everything = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "no-such-person" not in everything


def test_wrong_totp_codes_count_and_lock_out() -> None:
    alice = make_user("alice", Role.ASSESSOR)
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client = Client()
    assert _post_password(client, "alice").status_code == 302

    statuses = [
        client.post("/account/2fa", {"token": _wrong_code(device)}).status_code for _ in range(5)
    ]

    assert statuses == [200, 200, 200, 200, 429]
    assert SESSION_KEY not in client.session  # the half-finished login is ended
    assert _post_password(client, "alice").status_code == 429
    event = AuditEvent.objects.get(action="login_locked_out")
    assert event.after["step"] == "second_factor"
    assert AuditEvent.objects.filter(action="second_factor_failed").count() == 5


def test_a_known_password_does_not_buy_more_totp_guesses() -> None:
    alice = make_user("alice", Role.ASSESSOR)
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client = Client()
    for _ in range(2):
        _post_password(client, "alice")
        for _ in range(2):
            client.post("/account/2fa", {"token": _wrong_code(device)})
    # Four wrong codes across two password logins; the fifth failure locks.
    assert _post_password(client, "alice").status_code == 302
    assert client.post("/account/2fa", {"token": _wrong_code(device)}).status_code == 429


def test_a_complete_login_resets_the_count(settings: Any) -> None:
    alice = make_user("alice", Role.ASSESSOR)
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client = Client()
    _fail(client, "alice", 4)
    _post_password(client, "alice")
    assert client.post("/account/2fa", {"token": _code(device)}).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.post("/logout")
    assert _fail(client, "alice", 4) == [200, 200, 200, 200]


def test_axes_reset_username_lifts_the_lockout() -> None:
    make_user("alice", Role.ASSESSOR)
    _fail(Client(), "alice", 5)
    call_command("axes_reset_username", "alice")
    assert _post_password(Client(), "alice").status_code == 302


def test_user_unlock_lifts_the_lockout_and_is_audited() -> None:
    alice = make_user("alice", Role.ASSESSOR)
    _fail(Client(), "alice", 5)
    assert _post_password(Client(), "alice").status_code == 429
    out = StringIO()
    call_command("user", "unlock", "alice", stdout=out)
    assert "Lockout of alice lifted (5 failed attempts forgotten)" in out.getvalue()
    event = AuditEvent.objects.get(action="login_lockout_lifted")
    assert (event.object_id, event.after) == (str(alice.pk), {"attempts_forgotten": 5})
    assert event.actor_label == "cli"
    assert _post_password(Client(), "alice").status_code == 302
    out = StringIO()
    call_command("user", "unlock", "alice", stdout=out)
    assert "alice was not locked out." in out.getvalue()


def test_the_lockout_page_is_dutch_by_default() -> None:
    make_user("alice", Role.ASSESSOR)
    response = _fail(Client(), "alice", 5)
    assert response[-1] == 429
    page = _post_password(Client(), "alice")
    assert page.status_code == 429
    assert page.headers["Content-Language"] == "nl"
