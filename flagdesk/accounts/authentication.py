# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from flagdesk.accounts import service


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


class PartnerRateThrottle(SimpleRateThrottle):
    """Rate limit per API token; session users (staff in the browser) are not throttled."""

    scope = "partner"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = getattr(request, "auth", None)
        if token is None or not hasattr(token, "pk"):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
