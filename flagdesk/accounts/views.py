# SPDX-License-Identifier: EUPL-1.2
"""Login with password, then a TOTP code; first login changes the one-time password.

Single sign-on (OpenID Connect) lives in oidc.py, the brute-force lockout in lockout.py.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from flagdesk.accounts import lockout, oidc
from flagdesk.accounts.models import User
from flagdesk.audit import service as audit


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def login_view(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        login(request, user)
        audit.log("user_logged_in", user, actor=user, after={"method": "password"})
        if not settings.REQUIRE_2FA:
            lockout.login_completed(request, user)
        return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request)}
    if oidc.enabled():
        context["oidc_provider_name"] = oidc.provider_name()
    return render(request, "accounts/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    # Read before the session is flushed: an SSO session also ends at the provider.
    at_provider = oidc.provider_logout_url(request)
    if request.user.is_authenticated:
        after = {"provider_logout": True} if at_provider else None
        audit.log("user_logged_out", request.user, actor=request.user, after=after)
    logout(request)
    return redirect(at_provider or "fd-login")


@login_required
def password_view(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = PasswordChangeForm(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
        update_session_auth_hash(request, user)
        audit.log("password_changed", user, actor=user)
        return redirect(_next_url(request))
    return render(request, "accounts/password.html", {"form": form, "next": _next_url(request)})


@login_required
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            _second_factor_passed(request, device)
            lockout.login_completed(request, request.user)
            audit.log("second_factor_enrolled", request.user, actor=request.user)
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr_svg": _qr_data_uri(device.config_url),
            "next": _next_url(request),
        },
    )


@login_required
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    user = request.user
    if lockout.is_locked(request, user.get_username()):
        return lockout.locked_out_at_second_factor(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                _second_factor_passed(request, device)
                lockout.login_completed(request, user)
                return redirect(_next_url(request))
        audit.log("second_factor_failed", user, actor=user)
        if lockout.second_factor_failed(request, user):
            return lockout.locked_out_at_second_factor(request)
        form.add_error("token", _("That code is not right."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


def _second_factor_passed(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified under a new session key.

    The key from before the second factor was only worth a password; whoever learnt or
    planted it (session fixation) must not hold a fully logged-in session now.
    """
    otp_login(request, device)
    request.session.cycle_key()


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
