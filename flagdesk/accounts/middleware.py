# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a logged-in user can reach before the second factor (and a password change).
EXEMPT_PREFIXES = ("/static/", "/api/", "/i18n/", "/health")


class SecondFactorMiddleware:
    """After the password: change a one-time password, set up TOTP, then confirm a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
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
        if getattr(user, "must_change_password", False):
            return reverse("fd-password")
        if settings.REQUIRE_2FA and not user.is_verified():
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            return reverse("fd-otp-verify") if has_device else reverse("fd-otp-setup")
        return None
