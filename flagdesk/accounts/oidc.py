# SPDX-License-Identifier: EUPL-1.2
"""Single sign-on with the organisation's OpenID Connect provider (mozilla-django-oidc).

Off unless ``FLAGDESK_OIDC_ISSUER``, ``…_CLIENT_ID`` and ``…_CLIENT_SECRET`` are set; then the
login page offers "Inloggen met <provider>". The authorization-code flow uses state, nonce and
PKCE; the ID token must be signed with ``FLAGDESK_OIDC_SIGN_ALGO`` by a key from the
provider's JWKS and name our client as audience and the configured issuer.

Accounts are linked, never created: the provider's verified e-mail must belong to exactly one
active staff account made in FlagDesk. Roles stay FlagDesk's unless ``FLAGDESK_OIDC_ROLES_CLAIM``
is set. Partner (API token) accounts can never log in this way. The provider is trusted to have
done multi-factor authentication, so an SSO session needs no TOTP code (see
``SecondFactorMiddleware``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from flagdesk.accounts import lockout
from flagdesk.accounts.constants import STAFF_ROLES, Role
from flagdesk.accounts.models import User
from flagdesk.audit import service as audit

logger = logging.getLogger(__name__)

BACKEND = "flagdesk.accounts.oidc.OIDCBackend"
CALLBACK_URL_NAME = "fd-oidc-callback"
TIMEOUT_SECONDS = 10
CLOCK_SKEW_SECONDS = 60
# Where mozilla-django-oidc keeps the ID token in the session (a key name, not a secret).
ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID and settings.OIDC_CLIENT_SECRET)


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME or urlsplit(settings.OIDC_ISSUER).hostname or "SSO"


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str = ""


class OIDCRefused(Exception):
    """The login is refused; ``reason`` picks the message, ``user`` is the linked account."""

    def __init__(self, reason: str, user: User | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user


_discovered: dict[str, dict[str, Any]] = {}
_discovery_lock = threading.Lock()


def _discover(issuer: str) -> dict[str, Any]:
    # Fetched on first use rather than at start-up, so a provider that is down doesn't stop
    # FlagDesk from starting (local logins keep working); a failure is not remembered.
    with _discovery_lock:
        if issuer not in _discovered:
            url = issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                response = requests.get(url, timeout=TIMEOUT_SECONDS)
                response.raise_for_status()
                metadata = response.json()
            except (requests.RequestException, ValueError) as exc:
                logger.warning("OIDC discovery at %s failed: %s", url, exc)
                raise OIDCRefused("provider_unavailable") from exc
            if metadata.get("issuer") != issuer:
                # OpenID Connect Discovery 1.0, section 4.3: the issuers must be identical.
                logger.warning("OIDC discovery at %s names another issuer", url)
                raise OIDCRefused("provider_unavailable")
            _discovered[issuer] = metadata
        return _discovered[issuer]


def provider() -> Provider:
    """The provider's endpoints: the explicit settings, else its discovery document."""
    explicit = {
        "authorization_endpoint": settings.OIDC_AUTHORIZATION_ENDPOINT,
        "token_endpoint": settings.OIDC_TOKEN_ENDPOINT,
        "userinfo_endpoint": settings.OIDC_USERINFO_ENDPOINT,
        "jwks_uri": settings.OIDC_JWKS_URI,
    }
    end_session = settings.OIDC_END_SESSION_ENDPOINT
    if not all(explicit.values()):
        metadata = _discover(settings.OIDC_ISSUER)
        for key, value in explicit.items():
            explicit[key] = value or str(metadata.get(key) or "")
        if not all(explicit.values()):
            raise OIDCRefused("provider_unavailable")
        end_session = end_session or str(metadata.get("end_session_endpoint") or "")
    return Provider(issuer=settings.OIDC_ISSUER, end_session_endpoint=end_session, **explicit)


def provider_logout_url(request: HttpRequest) -> str | None:
    """Where to send the browser so that logging out also ends the provider's session.

    OpenID Connect RP-Initiated Logout 1.0: the provider's ``end_session_endpoint`` with the
    session's ID token as ``id_token_hint`` and the login page as the way back. ``None`` for a
    local (password) session, or when the provider offers no such endpoint. Call it before
    the session is flushed.
    """
    id_token = request.session.get(ID_TOKEN_KEY)
    if not id_token or not enabled():
        return None
    try:
        endpoint = provider().end_session_endpoint
    except OIDCRefused:
        return None  # discovery failed: end the local session at least
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("fd-login")),
            "client_id": settings.OIDC_CLIENT_ID,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


# mozilla-django-oidc reads its options from Django settings; we answer for it instead, so
# the FLAGDESK_OIDC_* settings are the only ones to know.
def _library_setting(name: str, *default: Any) -> Any:
    fixed = {
        "OIDC_RP_SCOPES": settings.OIDC_SCOPES,
        "OIDC_USE_PKCE": True,
        "OIDC_USE_NONCE": True,
        "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_URL_NAME,
        "OIDC_TIMEOUT": TIMEOUT_SECONDS,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_STORE_ACCESS_TOKEN": False,
        # Kept in the (server-side) session for the id_token_hint of the provider logout.
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_CREATE_USER": False,
        "OIDC_VERIFY_SSL": True,
    }
    if name in fixed:
        return fixed[name]
    if default:
        return getattr(settings, name, default[0])
    return getattr(settings, name)


class OIDCBackend(OIDCAuthenticationBackend):
    """Links a provider login to an existing staff account; see the module docstring."""

    get_settings = staticmethod(_library_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every login and session lookup: read nothing here.
        self.UserModel = get_user_model()

    def authenticate(
        self, request: HttpRequest | None, oidc_nonce: str | None = None, code_verifier: Any = None
    ) -> User | None:
        """Finish the code flow of the callback ``request``; raise OIDCRefused to refuse.

        No username or password in the signature: Django never offers this backend a
        password login.
        """
        if request is None or oidc_nonce is None or not enabled():
            return None
        found = provider()
        self.OIDC_OP_TOKEN_ENDPOINT = found.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = found.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = found.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            user = super().authenticate(request, nonce=oidc_nonce, code_verifier=code_verifier)
        except requests.RequestException as exc:
            logger.warning("OIDC token exchange failed: %s", exc)
            raise OIDCRefused("provider_error") from exc
        except (SuspiciousOperation, jwt.PyJWTError, KeyError, TypeError) as exc:
            logger.warning("OIDC ID token refused: %s", exc)
            raise OIDCRefused("invalid_token") from exc
        assert isinstance(user, User) or user is None
        return user

    def _verify_jws(self, payload: Any, key: Any) -> Any:
        # The library checks only the signature and expiry; we also pin the algorithm, the
        # issuer and our client as audience (OpenID Connect Core 1.0, section 3.1.3.7).
        algorithm = jwt.get_unverified_header(payload).get("alg")
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"unexpected signing algorithm {algorithm!r}")
        claims = jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=settings.OIDC_ISSUER,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["iss", "aud", "sub", "exp", "iat"]},
        )
        audience = claims["aud"]
        several = isinstance(audience, list) and len(audience) > 1
        if several and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token for several audiences without our azp")
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(userinfo, dict) or userinfo.get("sub") != payload.get("sub"):
            # OpenID Connect Core 1.0, section 5.3.2: the subjects must match exactly.
            raise SuspiciousOperation("UserInfo is about another subject")
        return userinfo

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        return link_account(claims)

    def get_user(self, user_id: Any) -> User | None:
        # An SSO session ends when SSO is switched off, and only for active accounts.
        if not enabled():
            return None
        user = ModelBackend().get_user(user_id)
        assert isinstance(user, User) or user is None
        return user


def _claimed_roles(claims: dict[str, Any]) -> list[str] | None:
    value = claims.get(settings.OIDC_ROLES_CLAIM)
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list):
        return None
    staff = {str(role) for role in STAFF_ROLES}
    return sorted({str(role) for role in value if str(role) in staff})


def link_account(claims: dict[str, Any]) -> User:
    """The staff account for these (verified) claims, or OIDCRefused."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        raise OIDCRefused("no_email")
    if claims.get("email_verified") not in (True, "true"):
        raise OIDCRefused("email_not_verified")
    matches = list(User.objects.filter(email__iexact=email.strip())[:2])
    if not matches:
        raise OIDCRefused("unknown_account")
    if len(matches) > 1:
        raise OIDCRefused("ambiguous_account")
    user = matches[0]
    if user.organisation_id is not None or str(Role.PARTNER) in user.roles:
        raise OIDCRefused("partner_account", user)
    if not user.is_active:
        raise OIDCRefused("inactive_account", user)
    if settings.OIDC_ROLES_CLAIM:
        roles = _claimed_roles(claims)
        if not roles:
            raise OIDCRefused("no_role", user)
        if roles != sorted(user.roles):
            from flagdesk.accounts import service as accounts

            accounts.set_roles(user, roles, actor="oidc")
    if not user.is_staff_member:
        raise OIDCRefused("no_role", user)
    return user


class LoginStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with state, nonce and a PKCE challenge."""

    get_settings = staticmethod(_library_setting)

    def __init__(self, **kwargs: Any) -> None:
        # The parent reads the endpoint from settings here; we find it per request.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except OIDCRefused as refused:
            return refuse(request, refused)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        response: HttpResponse = super().get(request)
        return response


@require_GET
def callback_view(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the browser back: check state, then let the backend finish."""
    if not enabled():
        raise Http404
    states = request.session.get("oidc_states") or {}
    entry = states.pop(request.GET.get("state", ""), None)
    request.session.modified = True  # each state is good for one callback only
    if request.GET.get("error"):
        return refuse(request, OIDCRefused("provider_error"))
    if entry is None or not request.GET.get("code"):
        return refuse(request, OIDCRefused("invalid_state"))
    try:
        user = OIDCBackend().authenticate(
            request, oidc_nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except OIDCRefused as refused:
        return refuse(request, refused)
    if user is None:
        return refuse(request, OIDCRefused("invalid_state"))
    next_url = request.session.get("oidc_login_next") or "/"
    login(request, user, backend=BACKEND)
    lockout.login_completed(request, user)
    audit.log("user_logged_in", user, actor=user, after={"method": "oidc"})
    return redirect(next_url)


MESSAGES = {
    "unknown_account": _(
        "Your organisation's login worked, but no FlagDesk account has that e-mail address. "
        "Ask a FlagDesk administrator to create your account with your work e-mail address."
    ),
    "ambiguous_account": _(
        "More than one FlagDesk account has your e-mail address. Ask a FlagDesk administrator "
        "to correct this."
    ),
    "no_email": _("Your organisation's login did not tell FlagDesk your e-mail address."),
    "email_not_verified": _(
        "Your organisation's login did not confirm your e-mail address, so FlagDesk can't "
        "link it to your account."
    ),
    "partner_account": _("This account can't log in with single sign-on."),
    "inactive_account": _("Your FlagDesk account is not active."),
    "no_role": _("Your FlagDesk account has no role yet. Ask a FlagDesk administrator."),
}
DEFAULT_MESSAGE = _("The login with your organisation could not be completed. Please try again.")


def refuse(request: HttpRequest, refused: OIDCRefused) -> HttpResponse:
    """Audit the refusal (no personal data beyond the account id) and explain it."""
    target: Any = refused.user if refused.user is not None else ("accounts.user", "")
    audit.log("oidc_login_refused", target, after={"reason": refused.reason})
    return render(
        request,
        "accounts/oidc_refused.html",
        {
            "message": MESSAGES.get(refused.reason, DEFAULT_MESSAGE),
            "provider_name": provider_name(),
        },
        status=403,
    )
