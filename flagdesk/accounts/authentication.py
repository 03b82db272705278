# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from flagdesk.accounts import ratelimit, service


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer fd_…`` (also accepts ``Token fd_…``)."""

    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Malformed token.")) from exc
        found = service.user_for_token(raw)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked token."))
        return found

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class PartnerRateThrottle(BaseThrottle):
    """Rate limit per API token, shared by every web process (accounts/ratelimit.py).

    Session users (staff in the browser) are not throttled.
    """

    def __init__(self) -> None:
        self.rate = ratelimit.parse_rate(str(api_settings.DEFAULT_THROTTLE_RATES["partner"]))
        self.retry_after: int | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        token = getattr(request, "auth", None)
        if token is None or not hasattr(token, "pk"):
            return True
        verdict = ratelimit.limiter.count_request(f"token:{token.pk}", self.rate)
        self.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return self.retry_after
