# SPDX-License-Identifier: EUPL-1.2
"""Security headers on pages, API answers and error pages; cookie flags; CSRF on posts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from flagdesk.accounts.models import User
from flagdesk.conftest import PASSWORD, verified_client
from flagdesk.core.middleware import CONTENT_SECURITY_POLICY
from flagdesk.core.tests.test_settings import _settings_in_fresh_process


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# The project's URLs plus one view that fails, for the 500 page (pytest.mark.urls below).
urlpatterns = [path("test-boom", boom), path("", include("flagdesk.urls"))]

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def assert_headers(response: Any) -> None:
    for name, value in EXPECTED.items():
        assert response.get(name) == value, f"{name} on {response.status_code}"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp


def test_the_policy_forbids_inline_script_and_framing() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login", "/health", "/api/v1/openapi.json"])
def test_public_answers_carry_the_headers(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 200
    assert_headers(response)


def test_staff_pages_carry_the_headers(carol: User) -> None:
    client = verified_client(carol)
    for url in ["/", "/cases", "/narratives", "/reports"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_headers(response)


def test_api_answers_carry_the_headers_and_the_version(carol: User, nos_token: str) -> None:
    answers = [
        verified_client(carol).get("/api/v1/zaken"),
        Client().get("/api/v1/signalen", HTTP_AUTHORIZATION=f"Bearer {nos_token}"),
        Client().get("/api/v1/zaken", HTTP_AUTHORIZATION=f"Bearer {nos_token}"),  # 403
        Client().get("/api/v1/zaken"),  # 401
    ]
    assert [r.status_code for r in answers] == [200, 200, 403, 401]
    for response in answers:
        assert_headers(response)
        assert response["API-Version"]


@pytest.mark.django_db
def test_error_pages_carry_the_headers(carol: User) -> None:
    responses = [
        Client().get("/no-such-page"),  # 404
        verified_client(carol).get("/partners"),  # 403
        Client().get("/login", HTTP_HOST="evil.example"),  # 400: host not allowed
        Client(enforce_csrf_checks=True).post("/login", {"username": "x"}),  # 403: no CSRF token
    ]
    assert [r.status_code for r in responses] == [404, 403, 400, 403]
    for response in responses:
        assert_headers(response)


def test_answers_given_before_the_view_carry_the_headers(carol: User) -> None:
    # Static files (WhiteNoise) and the second-factor step answer from middleware.
    static = Client().get("/static/flagdesk/app.js")
    assert static.status_code == 200
    assert_headers(static)
    half_logged_in = Client()
    half_logged_in.force_login(carol)  # password only: no second factor yet
    step = half_logged_in.get("/cases")
    assert step.status_code == 302 and step["Location"].startswith("/account/2fa")
    assert_headers(step)


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_the_server_error_page_carries_the_headers_and_no_details() -> None:
    response = Client(raise_request_exception=False).get("/test-boom")
    assert response.status_code == 500
    assert_headers(response)
    assert b"a bug" not in response.content and b"Traceback" not in response.content


# ------------------------------------------------------------------------- cookies


def test_the_session_cookie_is_httponly_and_samesite(carol: User) -> None:
    response = Client().post("/login", {"username": "carol", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # plain http in development: a secure cookie would not return


def test_the_session_cookie_is_secure_when_served_over_https(carol: User, settings: Any) -> None:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = Client().post("/login", {"username": "carol", "password": PASSWORD}, secure=True)
    assert response.cookies["sessionid"]["secure"] is True


def test_flagdesk_https_switches_on_secure_cookies_hsts_and_the_redirect(tmp_path: Path) -> None:
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "X_FRAME_OPTIONS",
    ]
    expr = f"__import__('json').dumps({{n: getattr(settings, n) for n in {names!r}}})"
    env = {"FLAGDESK_DATA_DIR": str(tmp_path), "FLAGDESK_SECRET_KEY": "k" * 50}
    on = json.loads(_settings_in_fresh_process({**env, "FLAGDESK_HTTPS": "1"}, expr))
    assert on == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "X_FRAME_OPTIONS": "DENY",
    }
    off = json.loads(_settings_in_fresh_process(env, expr))
    assert off["SESSION_COOKIE_SECURE"] is False and off["SECURE_HSTS_SECONDS"] == 0
    assert off["SESSION_COOKIE_HTTPONLY"] is True


# ---------------------------------------------------------------------------- CSRF


def _csrf_token(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, f"no CSRF token in the form on {url}"
    return found.group(1)


def test_a_ui_post_without_the_csrf_token_is_refused(alice: User) -> None:
    client = verified_client(alice)
    client.handler.enforce_csrf_checks = True
    form = {"category": "misinformation", "platform": "x", "content_urls": "https://x.com/a/1"}
    assert client.post("/signals/new", form).status_code == 403
    token = _csrf_token(client, "/signals/new")
    assert client.post("/signals/new", {**form, "csrfmiddlewaretoken": token}).status_code != 403


def test_logging_in_needs_the_csrf_token(carol: User) -> None:
    client = Client(enforce_csrf_checks=True)
    credentials = {"username": "carol", "password": PASSWORD}
    assert client.post("/login", credentials).status_code == 403
    token = _csrf_token(client, "/login")
    response = client.post("/login", {**credentials, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_the_api_needs_the_csrf_token_with_a_session_but_not_with_a_token(
    alice: User, nos_token: str
) -> None:
    body = {"signal": {"source_type": "media", "category": "misinformation", "platform": "x"}}
    client = verified_client(alice)
    client.handler.enforce_csrf_checks = True
    refused = client.post("/api/v1/geschiktheid", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert "CSRF" in refused.json()["detail"]
    partner = Client(enforce_csrf_checks=True).post(
        "/api/v1/geschiktheid",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {nos_token}",
    )
    assert partner.status_code == 400  # past authentication and CSRF: the body is incomplete


# ------------------------------------------------------------------------- caching


@pytest.mark.django_db
def test_only_static_files_and_the_api_document_may_be_cached(carol: User) -> None:
    static = Client().get("/static/flagdesk/app.js")
    assert "no-store" not in static.get("Cache-Control", "")
    document = Client().get("/api/v1/openapi.json")
    assert "public" in document["Cache-Control"]
    for response in [
        Client().get("/login"),
        Client().get("/cases"),  # the redirect to the login page
        Client().get("/no-such-page"),
        verified_client(carol).get("/cases"),
        Client().get("/api/v1/zaken"),  # 401
    ]:
        assert response["Cache-Control"] == "no-store, private", response.status_code
        assert response["Pragma"] == "no-cache"
