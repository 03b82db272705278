# SPDX-License-Identifier: EUPL-1.2
"""A person's own notifications: the list, marking read (one, or all), the e-mail choice.

Every query is limited to the signed-in person's notifications: someone else's id is
answered as if it did not exist (404).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flagdesk.accounts.permissions import Action, require
from flagdesk.notifications import selectors, service, texts
from flagdesk.notifications.models import Notification


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    unread = [_shown(n) for n in selectors.unread(request.user)]
    read = [_shown(n) for n in selectors.recently_read(request.user)]
    context = {"unread": unread, "read": read, "unread_shown": selectors.UNREAD_SHOWN}
    return render(request, "notifications/list.html", context)


def _shown(notification: Notification) -> tuple[Notification, str]:
    return notification, texts.sentence(notification.kind, notification.case_reference)


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """POST ``id`` (and ``open`` to go on to what it is about), or ``all``."""
    require(request.user, Action.VIEW_CASES)
    if request.POST.get("all"):
        service.mark_all_read(request.user)
        return redirect("fd-notifications")
    if "id" not in request.POST:
        return redirect("fd-notifications")  # nothing chosen, nothing marked
    notification = _own(request)
    service.mark_read(request.user, notification)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.link)
    return redirect("fd-notifications")


def _own(request: HttpRequest) -> Notification:
    raw = request.POST.get("id", "")
    notification = selectors.own_notification(request.user, int(raw)) if raw.isdigit() else None
    if notification is None:
        raise Http404("no such notification")
    return notification


class SettingsForm(forms.Form):
    email = forms.BooleanField(
        label=gettext_lazy("Also send me each notification by e-mail"), required=False
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mails"), choices=settings.LANGUAGES
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    current = selectors.settings_of(request.user)
    initial = {
        "email": current.email if current else False,
        "language": current.language if current else (get_language() or "nl")[:2],
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        service.save_settings(
            request.user, email=form.cleaned_data["email"], language=form.cleaned_data["language"]
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("fd-notification-settings")
    email = getattr(request.user, "email", "")
    return render(request, "notifications/settings.html", {"form": form, "address": email})
