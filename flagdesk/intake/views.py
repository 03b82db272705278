# SPDX-License-Identifier: EUPL-1.2
"""Intake screens: record a partner's signal, refer a citizen, list cases."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language

from flagdesk.accounts.permissions import Action, require
from flagdesk.core.live import live_page
from flagdesk.intake import service
from flagdesk.intake.forms import CaseFilterForm, CitizenForm, SignalForm
from flagdesk.intake.models import Case, Signal
from flagdesk.platforms import service as platforms
from flagdesk.rules.reasons import REASON_TEXT_EN, REASON_TEXT_NL, Reason

CASES_PER_PAGE = 50


def reason_texts(codes: Iterable[str]) -> list[tuple[str, str]]:
    """``(code, text)`` in the active language; Dutch unless the user chose English."""
    texts = REASON_TEXT_EN if (get_language() or "nl").startswith("en") else REASON_TEXT_NL
    return [(str(code), texts.get(Reason(code), str(code))) for code in codes]


@login_required
def signal_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RECORD_SIGNAL)
    form = SignalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = service.record_signal(form.to_input(), actor=request.user)
        except ValidationError as exc:
            # The form checks the same things; this catches what only the service knows.
            form.add_error("content_urls", exc)
        else:
            if result.signal is not None:
                return redirect("fd-signal-recorded", pk=result.signal.pk)
            return render(
                request,
                "intake/signal_result.html",
                {
                    "outcome": result.outcome,
                    "reasons": reason_texts(result.reasons),
                    "referral": result.referral,
                },
            )
    status = 400 if form.errors else 200
    return render(request, "intake/signal_form.html", {"form": form}, status=status)


@login_required
def signal_recorded(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    signal = get_object_or_404(Signal.objects.select_related("case", "platform", "election"), pk=pk)
    return render(
        request,
        "intake/signal_result.html",
        {
            "signal": signal,
            "outcome": signal.intake_outcome,
            "case": signal.case,
            "reasons": reason_texts(signal.intake_reasons),
        },
    )


@login_required
def citizen(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RECORD_SIGNAL)
    form = CitizenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.to_input()
        result = service.record_signal(data, actor=request.user)
        platform = platforms.resolve(data.platform_name)
        return render(
            request,
            "intake/citizen_result.html",
            {
                "referral": result.referral,
                "platform_name": platform.name if platform else data.platform_name,
            },
        )
    status = 400 if form.errors else 200
    return render(request, "intake/citizen_form.html", {"form": form}, status=status)


def filtered_cases(form: CaseFilterForm) -> QuerySet[Case]:
    cases = Case.objects.select_related("platform", "election")
    form.is_valid()  # an invalid field is shown with its error; the valid ones still filter
    data = form.cleaned_data
    if data.get("election"):
        cases = cases.filter(election=data["election"])
    if data.get("state"):
        cases = cases.filter(state=data["state"])
    if data.get("platform"):
        cases = cases.filter(platform__slug=data["platform"])
    if data.get("category"):
        cases = cases.filter(category=data["category"])
    if data.get("q"):
        cases = cases.filter(reference__icontains=data["q"].strip())
    return cases.order_by("-created_at", "-pk")


@login_required
@live_page
def case_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    form = CaseFilterForm(request.GET)  # always bound: every field is optional
    ids = filtered_cases(form).values_list("pk", flat=True)
    page: Any = Paginator(ids, CASES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = service.cases_by_ids(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    rows = service.case_rows(page.object_list)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "intake/case_list.html", context)
