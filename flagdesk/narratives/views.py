# SPDX-License-Identifier: EUPL-1.2
"""The narrative registry (list and detail) and the narrative actions on the case page.

Reading is for all staff who see cases. Every action is a POST that checks the role up
front (a wrong role gets a 403, not a message), calls :mod:`flagdesk.narratives.service`
and goes back to where it came from; a NarrativeError is shown as a message.

Where a narrative was seen and notified is derived from its confirmed links' cases, never
stored, so it cannot drift from what really happened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flagdesk.accounts.permissions import Action, can, require
from flagdesk.intake.models import Case
from flagdesk.narratives import hooks, selectors, service
from flagdesk.narratives.models import LinkStatus, Narrative, NarrativeLink, SimilarCase
from flagdesk.narratives.tasks import find_similar_cases


@login_required
@require_GET
def narrative_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    narratives = list(Narrative.objects.select_related("merged_into").order_by("retired", "title"))
    return render(request, "narratives/list.html", {"rows": selectors.rows(narratives)})


@login_required
@require_GET
def narrative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    narrative = get_object_or_404(Narrative.objects.select_related("merged_into"), slug=slug)
    [row] = selectors.rows([narrative])
    active = narrative.merged_into_id is None and not narrative.retired
    return render(
        request,
        "narratives/detail.html",
        {
            "row": row,
            "narrative": narrative,
            "examples": [line for line in narrative.examples.splitlines() if line.strip()],
            "may_manage": active and can(request.user, Action.ASSESS),
            "merge_targets": [n for n in service.active_narratives() if n.pk != narrative.pk],
            "case_rows": _with_reports(row),
        },
    )


def _with_reports(row: selectors.NarrativeRow) -> list[tuple[selectors.LinkedCase, Any]]:
    """Each linked case with its election's signed-off report, if there is one."""
    finals = {election.pk: hooks.latest_final_report(election) for election in row.elections}
    return [(linked, finals.get(linked.case.election_id)) for linked in row.cases]


def _act(request: HttpRequest, action: Callable[[], object], done: str) -> bool:
    """Run a service action; show its NarrativeError or ``done``. True when it succeeded."""
    try:
        action()
    except service.NarrativeError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, done)
    return True


def _to_detail(narrative: Narrative) -> HttpResponse:
    return redirect(reverse("fd-narrative-detail", kwargs={"slug": narrative.slug}))


def _to_case(case: Case) -> HttpResponse:
    case_url = reverse("fd-case-detail", kwargs={"reference": case.reference})
    return redirect(f"{case_url}#narratives")


@login_required
@require_POST
def narrative_retire(request: HttpRequest, slug: str) -> HttpResponse:
    require(request.user, Action.ASSESS)
    narrative = get_object_or_404(Narrative, slug=slug)
    _act(
        request,
        lambda: service.retire(narrative, request.user),
        _("The narrative is retired: it is no longer suggested or offered for linking."),
    )
    return _to_detail(narrative)


@login_required
@require_POST
def narrative_merge(request: HttpRequest, slug: str) -> HttpResponse:
    require(request.user, Action.ASSESS)
    source = get_object_or_404(Narrative, slug=slug)
    target = Narrative.objects.filter(slug=request.POST.get("target", "")).first()
    if target is None:
        messages.error(request, _("Choose the narrative to merge into."))
        return _to_detail(source)
    merged = _act(
        request,
        lambda: service.merge(source, target, request.user),
        _("Merged: the cases are now linked to this narrative."),
    )
    return _to_detail(target if merged else source)


@login_required
@require_POST
def case_suggest(request: HttpRequest, reference: str) -> HttpResponse:
    require(request.user, Action.ASSESS)
    case = get_object_or_404(Case, reference=reference)
    links = service.suggest(case)
    # In the worker: the first lookup in a process builds the index of every case.
    find_similar_cases.enqueue(case.pk)
    open_count = sum(1 for link in links if link.status == LinkStatus.SUGGESTED)
    if open_count:
        messages.success(request, _("Matching narratives found: see the suggestions."))
    else:
        messages.info(request, _("No matching narratives found."))
    return _to_case(case)


@login_required
@require_POST
def case_link(request: HttpRequest, reference: str) -> HttpResponse:
    require(request.user, Action.ASSESS)
    case = get_object_or_404(Case, reference=reference)
    slug = request.POST.get("narrative", "")
    narrative = next((n for n in service.active_narratives() if n.slug == slug), None)
    if narrative is None:
        messages.error(request, _("Choose an active narrative."))
        return _to_case(case)
    service.link_by_hand(case, narrative, request.user)
    messages.success(request, _("Narrative linked to this case."))
    return _to_case(case)


@login_required
@require_POST
def link_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.ASSESS)
    link = get_object_or_404(NarrativeLink.objects.select_related("case", "narrative"), pk=pk)
    confirm = request.POST.get("verdict") == "confirm"
    done = (
        _("Narrative confirmed for this case.")
        if confirm
        else _("Narrative dismissed for this case.")
    )
    # Decided already (a second click, a colleague): the message says so.
    _act(request, lambda: service.decide(link, confirm, request.user), done)
    return _to_case(link.case)


@login_required
@require_POST
def similar_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.ASSESS)
    link = get_object_or_404(SimilarCase.objects.select_related("case"), pk=pk)
    confirm = request.POST.get("verdict") == "confirm"
    done = (
        _("Earlier signal confirmed as similar.")
        if confirm
        else _("Earlier signal dismissed as not similar.")
    )
    _act(request, lambda: service.decide_similar(link, confirm, request.user), done)
    return _to_case(link.case)
