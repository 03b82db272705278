# SPDX-License-Identifier: EUPL-1.2
"""Administration screens for partner organisations and their API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from flagdesk.accounts import service
from flagdesk.accounts.forms import IssueTokenForm, NewPartnerForm, PartnerForm
from flagdesk.accounts.models import ApiToken, PartnerOrganisation
from flagdesk.accounts.permissions import Action, require


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    partners = PartnerOrganisation.objects.annotate(
        active_tokens=Count("api_tokens", filter=Q(api_tokens__revoked_at__isnull=True))
    )
    return render(request, "accounts/partners/list.html", {"partners": partners})


@login_required
def partner_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    form = NewPartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.partner_data()
        org = service.create_partner(
            data["name"],
            data["source_type"],
            contact_email=data["contact_email"],
            legal_basis=data["legal_basis"],
            actor=request.user,
        )
        messages.success(request, _("Partner %(name)s added.") % {"name": org.name})
        return redirect("fd-partner-detail", pk=org.pk)
    return render(request, "accounts/partners/new.html", {"form": form})


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    org = get_object_or_404(PartnerOrganisation, pk=pk)
    form = PartnerForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        service.update_partner(org, form.partner_data(), request.user)
        messages.success(request, _("Partner %(name)s saved.") % {"name": org.name})
        return redirect("fd-partner-detail", pk=org.pk)
    return _detail(request, org, form, IssueTokenForm())


def _detail(
    request: HttpRequest, org: PartnerOrganisation, form: PartnerForm, token_form: IssueTokenForm
) -> HttpResponse:
    # Re-read: a failed edit must not show its unsaved name as the page heading.
    stored = PartnerOrganisation.objects.get(pk=org.pk)
    return render(
        request,
        "accounts/partners/detail.html",
        {
            "partner": stored,
            "form": form,
            "token_form": token_form,
            "tokens": ApiToken.objects.filter(organisation=stored),
        },
    )


@login_required
@require_POST
def token_issue(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    org = get_object_or_404(PartnerOrganisation, pk=pk)
    token_form = IssueTokenForm(request.POST)
    if not token_form.is_valid():
        return _detail(request, org, PartnerForm(instance=org), token_form)
    token, raw = service.issue_token(
        name=token_form.cleaned_data["name"], organisation=org, actor=request.user
    )
    # Rendered, not redirected: the raw token exists only in this one response.
    response = render(
        request,
        "accounts/partners/token_issued.html",
        {"partner": org, "token": token, "raw_token": raw},
    )
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    token = get_object_or_404(ApiToken, pk=token_pk, organisation_id=pk)
    service.revoke_token(token, actor=request.user)
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("fd-partner-detail", pk=pk)
