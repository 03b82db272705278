# SPDX-License-Identifier: EUPL-1.2
"""Administration screens for the platforms: channels, policies and aliases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from flagdesk.accounts.permissions import Action, require
from flagdesk.platforms import service
from flagdesk.platforms.forms import PlatformForm
from flagdesk.platforms.models import Platform


@login_required
def platform_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    platforms = Platform.objects.prefetch_related("aliases")
    rows = [
        {
            "platform": p,
            "placeholder": service.has_placeholder_address(p),
            "aliases": [a.alias for a in p.aliases.all()],
        }
        for p in platforms
    ]
    return render(request, "platforms/list.html", {"rows": rows})


@login_required
def platform_edit(request: HttpRequest, slug: str) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    platform = get_object_or_404(Platform, slug=slug)
    form = PlatformForm(request.POST or None, instance=platform)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_platform(
                platform, form.platform_data(), form.cleaned_data["aliases"], request.user
            )
        except ValidationError as exc:
            # A concurrent edit took an alias between validation and saving.
            form.add_error("aliases", exc)
        else:
            messages.success(request, _("Platform %(name)s saved.") % {"name": platform.name})
            return redirect("fd-platform-list")
    # Reload so the badge reflects the stored address, not an unsaved one in the form.
    stored = Platform.objects.get(pk=platform.pk)
    return render(
        request,
        "platforms/edit.html",
        {
            "form": form,
            "platform": stored,
            "placeholder": service.has_placeholder_address(stored),
        },
    )
