# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from flagdesk.accounts import lockout as _lockout  # noqa: F401 -- connects its audit receiver
from flagdesk.accounts import oidc

# Paths a logged-in user can reach before the second factor (and a password change).
EXEMPT_PREFIXES = ("/static/", "/api/", "/i18n/", "/health")


class SecondFactorMiddleware:
    """After the password: change a one-time password, set up TOTP, then confirm a code.

    A single sign-on session skips all three: the organisation's identity provider did the
    multi-factor authentication, and the local password is not used. Such a session counts
    as verified everywhere ``user.is_verified()`` is asked, the API included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _accept_identity_provider_mfa(request)
        redirect_to = self._pending_step(request)
        if redirect_to and request.path != redirect_to:
            return redirect(f"{redirect_to}?next={request.get_full_path()}")
        return self.get_response(request)

    def _pending_step(self, request: HttpRequest) -> str | None:
        user: Any = request.user
        if not user.is_authenticated or request.path.startswith(EXEMPT_PREFIXES):
            return None
        if request.path in {reverse("fd-logout"), reverse("fd-login")}:
            return None
        if is_sso_session(request):
            return None
        if getattr(user, "must_change_password", False):
            return reverse("fd-password")
        if settings.REQUIRE_2FA and not user.is_verified():
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            return reverse("fd-otp-verify") if has_device else reverse("fd-otp-setup")
        return None


def is_sso_session(request: HttpRequest) -> bool:
    """Logged in through the OpenID Connect backend (Django records it in the session)."""
    return (
        request.user.is_authenticated
        and request.session.get(BACKEND_SESSION_KEY) == oidc.BACKEND
        and oidc.enabled()
    )


def _accept_identity_provider_mfa(request: HttpRequest) -> None:
    user: Any = getattr(request, "user", None)
    if user is not None and is_sso_session(request):
        user.is_verified = lambda: True
