# SPDX-License-Identifier: EUPL-1.2
"""Login: password, then a one-time-password change, TOTP set-up, and a TOTP code each time."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from flagdesk.accounts import service as accounts
from flagdesk.accounts.constants import Role
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _login(client: Client, username: str, password: str = PASSWORD) -> None:
    response = client.post("/login", {"username": username, "password": password})
    assert response.status_code == 302


def test_it_asks_anonymous_users_to_log_in() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


def test_it_refuses_a_wrong_password() -> None:
    make_user("alice", Role.ASSESSOR)
    response = Client().post("/login", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_it_sends_a_new_user_through_password_change_and_totp_setup() -> None:
    user, one_time = accounts.create_staff_user("newbie", [Role.ASSESSOR])
    client = Client()
    _login(client, "newbie", one_time)

    assert client.get("/")["Location"].startswith("/account/password")
    new_password = "a much longer passphrase 42"
    response = client.post(
        "/account/password",
        {
            "old_password": one_time,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password

    assert client.get("/")["Location"].startswith("/account/2fa/setup")
    page = client.get("/account/2fa/setup").content.decode()
    secret = re.search(r'id="otp-secret"[^>]*>([A-Z2-7=]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert base64.b32decode(secret) == device.bin_key

    assert client.post("/account/2fa/setup", {"token": "000000"}).status_code == 200
    time.sleep(1.1)  # django-otp throttles verification for a second after a wrong code
    response = client.post("/account/2fa/setup", {"token": _code(device)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    actions = set(
        AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    )
    assert {
        "user_created",
        "user_logged_in",
        "password_changed",
        "second_factor_enrolled",
    } <= actions


def test_it_asks_for_a_code_at_every_login_once_enrolled() -> None:
    user = make_user("alice", Role.ASSESSOR)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    _login(client, "alice")
    assert client.get("/")["Location"].startswith("/account/2fa")
    response = client.post(
        "/account/2fa", {"token": "123456" if _code(device) != "123456" else "654321"}
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="second_factor_failed").exists()
    time.sleep(1.1)  # django-otp throttles verification for a second after a wrong code
    assert client.post("/account/2fa", {"token": _code(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_it_keeps_the_api_and_static_files_outside_the_second_factor_redirect() -> None:
    make_user("alice", Role.ASSESSOR)
    client = Client()
    _login(client, "alice")
    assert client.get("/health").status_code == 200


def test_it_does_not_redirect_to_another_site_after_login() -> None:
    make_user("alice", Role.ASSESSOR)
    response = Client().post(
        "/login?next=https://evil.example/", {"username": "alice", "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_it_logs_out_only_by_post() -> None:
    user = make_user("alice", Role.ASSESSOR)
    client = Client()
    client.force_login(user)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert "_auth_user_id" not in client.session
