# SPDX-License-Identifier: EUPL-1.2
"""Intake screens: record a partner's signal, refer a citizen, list cases."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flagdesk.accounts.permissions import Action, can, require
from flagdesk.core.live import live_page
from flagdesk.elections import selectors as election_reads
from flagdesk.intake import export, service
from flagdesk.intake.forms import (
    CaseFilterForm,
    CitizenForm,
    SignalForm,
    owner_candidates,
)
from flagdesk.intake.models import Case, Signal
from flagdesk.intake.search import search_cases, without_credentials
from flagdesk.intake.selectors import owned_by
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


def filtered_cases(form: CaseFilterForm, user: Any = None) -> QuerySet[Case]:
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
    if data.get("owner"):
        cases = owned_by(cases, data["owner"], user)
    cases = cases.order_by("-created_at", "-pk")
    if data.get("q"):
        cases = search_cases(cases, data["q"])  # last: it orders by its own ranking
    return cases


@login_required
@live_page
def case_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    form = CaseFilterForm(request.GET)  # always bound: every field is optional
    ids = filtered_cases(form, request.user).values_list("pk", flat=True)
    page: Any = Paginator(ids, CASES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = service.cases_by_ids(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    rows = service.case_rows(page.object_list)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    if can(request.user, Action.ASSIGN_CASES):
        context["assignees"] = owner_candidates()
        context["list_election"] = form.cleaned_data.get("election")
    return render(request, "intake/case_list.html", context)


# ------------------------------------------------------------- owners (issue 15)


@login_required
@require_POST
def case_owner(request: HttpRequest, reference: str) -> HttpResponse:
    """Take, release or assign one case (the case page's owner panel)."""
    if not can(request.user, Action.ASSIGN_CASES):
        require(request.user, Action.OWN_CASE)  # the service checks each action again
    case = get_object_or_404(Case.objects.select_related("owner"), reference=reference)
    action = request.POST.get("action", "")
    try:
        done = _change_owner(request, case, action)
    except (ValueError, Case.DoesNotExist):
        return HttpResponseBadRequest(_("Unknown owner."))
    except service.OwnershipConflict as exc:
        messages.error(request, str(exc))
    else:
        if done is None:
            return HttpResponseBadRequest(_("Unknown action."))
        messages.success(request, done)
    anchor = "#assessment-h" if request.POST.get("then") == "assess" else "#owner"
    return redirect(reverse("fd-case-detail", kwargs={"reference": case.reference}) + anchor)


def _change_owner(request: HttpRequest, case: Case, action: str) -> str | None:
    user = request.user
    if action == "take":
        service.take_case(case, user, _user_id(request.POST.get("seen_owner", "")))
        return _("You are now the owner of %(case)s.") % {"case": case.reference}
    if action == "release":
        service.release_case(case, user)
        return _("%(case)s has no owner now.") % {"case": case.reference}
    if action == "assign":
        assignee = _assignee(request.POST.get("assignee", ""))
        service.assign_case(case, assignee, user)
        return _("%(case)s is assigned to %(name)s.") % {
            "case": case.reference,
            "name": assignee.get_username() if assignee else "",
        }
    return None


def _user_id(raw: str) -> int | None:
    """An id from a form, or ``None`` for empty; raises ValueError on anything else."""
    return int(raw) if raw.strip() else None


def _assignee(raw: str) -> Any:
    # Only people who may own cases are found: anyone else is "unknown" to the form.
    wanted = _user_id(raw)
    return next((u for u in owner_candidates() if u.pk == wanted), None)


@login_required
@require_POST
def cases_bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign the selected cases of the case list to one person, in one go."""
    require(request.user, Action.ASSIGN_CASES)
    back = QueryDict(request.POST.get("return_query", ""))
    target = reverse("fd-case-list") + (f"?{back.urlencode()}" if back else "")
    try:
        ids = [int(raw) for raw in request.POST.getlist("case")]
        assignee = _assignee(request.POST.get("assignee", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Unknown case or owner."))
    election = None
    if request.POST.get("election"):
        election = election_reads.elections().filter(code=request.POST["election"]).first()
        if election is None:
            return HttpResponseBadRequest(_("Unknown election."))
    try:
        cases = service.bulk_assign(ids, assignee, request.user, election=election)
    except service.OwnershipConflict as exc:
        messages.error(request, str(exc))
    else:
        name = assignee.get_username() if assignee else ""
        text = ngettext(
            "%(n)d case assigned to %(name)s.", "%(n)d cases assigned to %(name)s.", len(cases)
        )
        messages.success(request, text % {"n": len(cases), "name": name})
    return redirect(target)


EXPORT_FORMATS = {
    "csv": (export.as_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        export.as_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@login_required
@require_GET
def case_list_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The case list with the same filters and search, as a file (intake/export.py)."""
    require(request.user, Action.VIEW_CASES)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    write, content_type = EXPORT_FORMATS[fmt]
    form = CaseFilterForm(request.GET)
    content, count = write(export.export_rows(filtered_cases(form, request.user)))
    service.log_case_list_export(request.user, fmt, export_filter(request), count)
    response = HttpResponse(content, content_type=content_type)
    filename = f"flagdesk-cases-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_filter(request: HttpRequest) -> dict[str, str]:
    """The filter for the audit log: the list's fields only, a URL without its credentials."""
    fields = CaseFilterForm.base_fields
    given = {name: request.GET.get(name, "") for name in fields if request.GET.get(name)}
    if "q" in given:
        given["q"] = without_credentials(given["q"])[:500]
    return given
