# SPDX-License-Identifier: EUPL-1.2
"""Brute-force lockout: django-axes counts failed passwords, and we add failed TOTP codes.

A username is locked out from one address after ``FLAGDESK_LOGIN_MAX_FAILURES`` failures of
either step within ``FLAGDESK_LOGIN_LOCKOUT_MINUTES``. The counter is reset only when the whole
login succeeds (password and second factor, or single sign-on), so a known password does not
buy unlimited TOTP guesses.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from flagdesk.accounts.models import User
from flagdesk.audit import service as audit

# Set on the request by the TOTP step, so the audit event says which step locked.
STEP_ATTRIBUTE = "flagdesk_login_step"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or what our own proxies put in X-Forwarded-For."""
    count = settings.LOGIN_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        # Each trusted proxy appends the address it saw; the entry that our outermost proxy
        # appended is the client. Anything left of it the client could have made up.
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The page django-axes shows a locked-out login: 429, in Dutch or English."""
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
        status=429,
    )


def is_locked(request: HttpRequest, username: str) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def second_factor_failed(request: HttpRequest, user: User) -> bool:
    """Count a wrong TOTP code like a wrong password; True when the user is now locked out.

    We send Django's own ``user_login_failed`` signal, which django-axes records against
    the same username + address counter as a failed password.
    """
    setattr(request, STEP_ATTRIBUTE, "second_factor")
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    return bool(getattr(request, "axes_locked_out", False))


def locked_out_at_second_factor(request: HttpRequest) -> HttpResponse:
    """End the half-finished login and show the lockout page."""
    logout(request)
    return lockout_response(request)


def login_completed(request: HttpRequest, user: User) -> None:
    """The whole login succeeded: forget this username's failures from this address."""
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(
        ip_address=getattr(request, "axes_ip_address", None), username=user.get_username()
    )


@receiver(user_locked_out)
def _audit_lockout(sender: Any, request: HttpRequest, username: str | None, **kwargs: Any) -> None:
    # Sent at the failure that locks and again at each attempt while locked; only the first
    # has the failure count set, and only that one is audited.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    user = User.objects.filter(username=username).first() if username else None
    after: dict[str, Any] = {
        "step": getattr(request, STEP_ATTRIBUTE, "password"),
        "failures": request.axes_failures_since_start,  # type: ignore[attr-defined]
        "minutes": settings.LOGIN_LOCKOUT_MINUTES,
    }
    if user is not None:
        audit.log("login_locked_out", user, after=after)
        return
    # No such account: the audit log keeps no typed-in name, only a keyed hash of it, so
    # repeated attacks on one name can be told apart without storing what was typed.
    after["username_hmac"] = (
        salted_hmac("flagdesk.lockout", username or "").hexdigest()[:16] if username else None
    )
    audit.log("login_locked_out", ("accounts.user", ""), after=after)


def unlock(username: str, actor: Any) -> int:
    """Lift the lockout of ``username`` from every address, audited; returns how many failed
    attempts were forgotten (0: it was not locked)."""
    from axes.models import AccessAttempt
    from axes.utils import reset

    counted = AccessAttempt.objects.filter(username=username).aggregate(
        failures=Sum("failures_since_start")
    )
    forgotten = int(counted["failures"] or 0)
    reset(username=username)
    user = User.objects.filter(username=username).first()
    target: Any = user if user is not None else ("accounts.user", "")
    audit.log("login_lockout_lifted", target, actor=actor, after={"attempts_forgotten": forgotten})
    return forgotten
