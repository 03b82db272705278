# SPDX-License-Identifier: EUPL-1.2
"""The case page: what came in, the checklist, the decision, its review and the timeline.

Every state change goes through :mod:`flagdesk.assessments.service`; the views only
check the role up front (so a wrong role gets a 403, not a form) and show the
service's WorkflowError messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max, Value
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flagdesk.accounts import selectors as accounts_reads
from flagdesk.accounts.permissions import Action, can, require
from flagdesk.assessments import service
from flagdesk.assessments.forms import (
    ChecklistForm,
    DecisionForm,
    ReviewForm,
    answer_summary,
    facts_summary,
)
from flagdesk.assessments.models import Assessment, Decision, DecisionStatus, LegalBasisKind
from flagdesk.audit import service as audit
from flagdesk.audit.models import AuditEvent
from flagdesk.core.live import live_page
from flagdesk.intake import selectors as case_reads
from flagdesk.intake.models import Case, CaseState
from flagdesk.rules import urlset
from flagdesk.rules.eligibility import Eligibility
from flagdesk.rules.reasons import REASON_TEXT_EN, REASON_TEXT_NL, Reason

OPEN_STATES = (CaseState.NEW, CaseState.ASSESSING)

# The audit log's event names in words for the timeline.
ACTION_TEXT = {
    "signal_recorded": gettext_lazy("Signal recorded"),
    "case_opened": gettext_lazy("Case opened"),
    "case_state_changed": gettext_lazy("State changed"),
    "assessment_saved": gettext_lazy("Checklist saved"),
    "decision_proposed": gettext_lazy("Decision proposed"),
    "decision_approved": gettext_lazy("Decision approved"),
    "decision_rejected": gettext_lazy("Decision sent back"),
    "decision_withdrawn": gettext_lazy("Decision withdrawn by its proposer"),
    "decision_reassigned": gettext_lazy("Decision handed over by an administrator"),
    "case_taken": gettext_lazy("Case taken"),
    "case_assigned": gettext_lazy("Case assigned"),
    "case_released": gettext_lazy("Case released"),
    "related_case_opened": gettext_lazy("Related case opened"),
    "notice_refused": gettext_lazy("Notice refused before sending: other URLs than approved"),
    "notice_drafted": gettext_lazy("Notice drafted"),
    "notice_edited": gettext_lazy("Notice edited"),
    "notice_queued": gettext_lazy("Notice made final and queued"),
    "notice_accepted": gettext_lazy("Notice accepted by the platform's server"),
    "notice_retrying": gettext_lazy("Notice delivery failed for now; trying again"),
    "notice_failed": gettext_lazy("Notice delivery failed"),
    "notice_unknown": gettext_lazy("Notice delivery outcome unknown"),
    "notice_bounced": gettext_lazy("Notice bounced"),
    "notice_delayed": gettext_lazy("Notice delivery delayed"),
    "notice_submitted": gettext_lazy("Notice submitted in the platform's portal"),
    "notice_acknowledged": gettext_lazy("Notice acknowledged by the platform"),
    "notice_reminder": gettext_lazy("Reminder: no acknowledgment yet"),
    "notice_outcome_settled": gettext_lazy("Unknown delivery outcome settled"),
    "notice_requeued": gettext_lazy("Notice queued to go out again"),
    "notice_stuck_requeued": gettext_lazy("Stuck notice queued again"),
    "notice_imported": gettext_lazy("Notice imported from an earlier archive"),
    "mail_archived": gettext_lazy("Message archived"),
    "mail_attached": gettext_lazy("Message linked to this case"),
}


# Someone's changes on a case within this window count as "working on it" (issue 15): the
# audit events are the activity we have, without tracking page views.
ACTIVE_WINDOW = dt.timedelta(minutes=10)


def _case(reference: str) -> Case:
    query = Case.objects.select_related("election", "platform", "assessment", "related_to", "owner")
    return get_object_or_404(query, reference=reference)


def reason_texts(reasons: Any) -> list[tuple[str, str]]:
    """``(code, text)`` per reason in the user's language."""
    texts = REASON_TEXT_NL if (get_language() or "nl").startswith("nl") else REASON_TEXT_EN
    return [(str(r), texts.get(Reason(str(r)), str(r))) for r in reasons]


def _timeline_refs(case: Case, signal_ids: Any, decision_ids: Any) -> list[tuple[str, Any]]:
    """Every object whose events belong on the case's timeline."""
    refs: list[tuple[str, Any]] = [("intake.case", case.pk)]
    refs += [("intake.signal", pk) for pk in signal_ids]
    refs += [("assessments.decision", pk) for pk in decision_ids]
    # Through the reverse relations, so this app needs no import of notices or mailarchive.
    refs += [("notices.notice", pk) for pk in case.notices.values_list("pk", flat=True)]
    refs += [
        ("mailarchive.mailmessage", pk) for pk in case.mail_messages.values_list("pk", flat=True)
    ]
    return refs


def _timeline_events(
    request: HttpRequest, case: Case, signals: list[Any], decisions: list[Decision]
) -> list[AuditEvent]:
    known = getattr(request, "case_page_refs", None)
    if known is not None and known[0] == case.pk:
        # The live version read them for this request: the timeline then shows exactly the
        # objects its ETag stands for.
        return audit.timeline(known[1])
    # The page has loaded the case's signals and decisions already: their ids come from there.
    refs = _timeline_refs(case, [s.pk for s in signals], [d.pk for d in decisions])
    return audit.timeline(refs)


def case_page_version(request: HttpRequest, reference: str) -> str:
    """The live case page's own version (core.live, "scope"): its newest audit event and its
    newest delivery attempt (a worker's claim writes no event), so the signals pouring in on
    other cases during a surge leave its polls at 304. Everything the page shows about the
    case is one of these objects' events: the owner, checklist, decisions and reviews, the
    notices and their deliveries, the mail linked to it, a related case opened."""
    found = (
        Case.objects.filter(reference=reference)
        .annotate(attempt=Max("notices__delivery__attempt_rows__pk"))
        .values_list("pk", "attempt")
        .first()
    )
    if found is None:
        return "none"  # the poll renders the page, which answers 404
    case_id, attempt = found
    # The objects of _timeline_refs, their ids in one query (a poll is the most frequent
    # request on election day): three queries per poll in all. Through the reverse relations
    # of a case known by its id, so this app needs no import of notices or mailarchive.
    case = Case(pk=case_id)
    kinds = [
        ("intake.signal", case.signals.all()),
        ("assessments.decision", case.decisions.all()),
        ("notices.notice", case.notices.all()),
        ("mailarchive.mailmessage", case.mail_messages.all()),
    ]
    first, *rest = [
        rows.order_by().annotate(ref_type=Value(kind)).values_list("ref_type", "pk")
        for kind, rows in kinds
    ]
    refs: list[tuple[str, Any]] = [("intake.case", case_id), *first.union(*rest, all=True)]
    seq = audit.latest_seq_about(refs)
    request.case_page_refs = (case_id, refs)  # type: ignore[attr-defined]  # the timeline's
    return f"{case_id}:{seq}:{attempt or 0}"


def _timeline_entry(event: AuditEvent) -> dict[str, Any]:
    text = str(ACTION_TEXT.get(event.action, event.action.replace("_", " ").capitalize()))
    if event.action == "case_state_changed":
        labels = dict(CaseState.choices)
        before = (event.before or {}).get("state", "")
        after = (event.after or {}).get("state", "")
        text = _("State changed from “%(before)s” to “%(after)s”") % {
            "before": labels.get(before, before),
            "after": labels.get(after, after),
        }
    elif event.action == "related_case_opened":
        text = _("Related case %(reference)s opened for URLs outside the decision's set") % {
            "reference": (event.after or {}).get("related_case", "")
        }
    elif event.action in OWNER_EVENTS:
        text = _owner_event_text(event)
    elif event.action == "case_opened" and (event.after or {}).get("related_to"):
        text = _("Case opened, related to %(reference)s") % {
            "reference": (event.after or {}).get("related_to", "")
        }
    return {"at": event.at, "actor": event.actor_label, "text": text}


OWNER_EVENTS = ("case_taken", "case_assigned", "case_released")


def _owner_event_text(event: AuditEvent) -> str:
    before = (event.before or {}).get("owner") or "—"
    after = (event.after or {}).get("owner") or "—"
    return _("%(event)s: owner %(before)s → %(after)s") % {
        "event": ACTION_TEXT[event.action],
        "before": before,
        "after": after,
    }


def _others_at_work(case: Case, events: list[AuditEvent], user: Any) -> list[dict[str, Any]]:
    """Who else works on the case: its owner, and whoever changed it in the last minutes."""
    others: dict[Any, dict[str, Any]] = {}
    if case.owner is not None and case.owner_id != user.pk:
        others[case.owner_id] = {
            "name": case.owner.get_username(),
            "since": case.owned_since,
            "owns": True,
        }
    recent = timezone.now() - ACTIVE_WINDOW
    for event in events:
        if event.actor_id in (None, user.pk) or event.at < recent or event.actor_id in others:
            continue
        others[event.actor_id] = {"name": event.actor_label, "since": event.at, "owns": False}
    return list(others.values())


def _owner_context(case: Case, user: Any) -> dict[str, Any]:
    may_own = can(user, Action.OWN_CASE)
    may_assign = can(user, Action.ASSIGN_CASES)
    mine = case.owner_id == user.pk
    return {
        "may_take": may_own and not mine,
        "may_release": case.owner_id is not None and (mine or may_assign),
        "owner_choices": accounts_reads.staff_who_may(Action.OWN_CASE) if may_assign else [],
        # Assessing someone else's case asks to take it over first (one click, no lock).
        "take_over_first": can(user, Action.ASSESS) and case.owner_id not in (None, user.pk),
    }


def _reasoning(assessment: Assessment | None) -> dict[str, str]:
    if assessment is None:
        return {}
    return {f"{n}_reasoning": getattr(assessment, f"{n}_reasoning") for n in service.ANSWER_FIELDS}


def _checklist_form(case: Case, data: Any = None) -> ChecklistForm:
    assessment: Assessment | None = getattr(case, "assessment", None)
    initial = ChecklistForm.initial_from(
        service.answers_of(assessment),
        _reasoning(assessment),
        assessment.kind_facts if assessment else None,
    )
    if initial.get("own_contact_attempts") is None:
        # Not answered yet: start from what the signaller said about its own attempts.
        initial["own_contact_attempts"] = case_reads.own_contact_attempts(case.pk)
    return ChecklistForm(data, category=case.category, initial=initial)


def _context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = request.user
    # All the case's decisions at once, newest first (the model's ordering, as
    # open_decision and final_decision use): the proposed, the approved and the rejected
    # ones come from this list instead of a query each.
    decisions = list(case.decisions.select_related("decided_by", "reviewed_by"))
    proposed = next((d for d in decisions if d.status == DecisionStatus.PROPOSED), None)
    signals = list(
        case.signals.order_by("received_at", "pk").prefetch_related("attachments", "urls")
    )
    assessment: Assessment | None = getattr(case, "assessment", None)
    urls = list(case.urls.all())
    # With no checklist yet this shows what the intake facts alone say.
    saved = service.evaluate_case(case, signals=signals, urls=[row.normalised_url for row in urls])
    owner = _owner_context(case, user)
    can_assess = (
        can(user, Action.ASSESS) and case.state in OPEN_STATES and not owner["take_over_first"]
    )
    can_decide = (
        can(user, Action.DECIDE)
        and case.state == CaseState.ASSESSING
        and not owner["take_over_first"]
    )
    is_approver = can(user, Action.APPROVE) and proposed is not None
    own_decision = proposed is not None and proposed.decided_by_id == user.pk
    may_review = is_approver and not own_decision and _may_review(proposed, user)
    may_reassign = proposed is not None and can(user, Action.ADMINISTER)
    events = _timeline_events(request, case, signals, decisions)
    digest = urlset.url_set_sha256(row.normalised_url for row in urls)
    return {
        "case": case,
        "urls": urls,
        "related_cases": list(case.related_cases.order_by("created_at", "pk")),
        "signals": signals,
        "assessment": assessment,
        "saved_result": saved,
        "saved_answers": answer_summary(
            case.category, service.answers_of(assessment), _reasoning(assessment)
        )
        if assessment
        else [],
        "saved_facts": facts_summary(case.category, assessment.kind_facts if assessment else {}),
        "missing_facts": service.missing_kind_facts(case),
        "saved_reasons": reason_texts(saved.reasons),
        "checklist": forms.get("checklist") or (_checklist_form(case) if can_assess else None),
        "decision_form": forms.get("decision_form")
        or (DecisionForm(initial=_decision_initial(digest)) if can_decide else None),
        "override_expected": not saved.eligible,
        "proposed": proposed,
        "review_form": forms.get("review_form") or (ReviewForm() if may_review else None),
        "own_decision_note": is_approver and own_decision,
        "decisions": decisions,  # for the clocks panel, which reads them from here
        "final": next((d for d in decisions if d.status == DecisionStatus.APPROVED), None),
        "earlier": [d for d in decisions if d.status == DecisionStatus.REJECTED],
        "withdrawn": [d for d in decisions if d.status == DecisionStatus.WITHDRAWN],
        "sent_back": _sent_back(case, decisions),
        "may_withdraw": own_decision and can(user, Action.DECIDE),
        "may_reassign": may_reassign,
        "assessors": accounts_reads.staff_who_may(Action.DECIDE) if may_reassign else [],
        "approvers": accounts_reads.staff_who_may(Action.APPROVE) if may_reassign else [],
        "others_at_work": _others_at_work(case, events, user),
        **owner,
        "take_over_prompt": owner["take_over_first"] and case.state in OPEN_STATES,
        "timeline": [_timeline_entry(event) for event in events],
    }


def _may_review(decision: Decision | None, user: Any) -> bool:
    if decision is None:
        return False
    named = decision.review_by_id in (None, user.pk)
    return named and user.pk not in (decision.earlier_proposers or [])


def _sent_back(case: Case, decisions: list[Decision]) -> Decision | None:
    """The decision just sent back, while the case is open again: its reason leads the
    decision section, for the proposer to act on."""
    latest = decisions[0] if decisions else None
    if case.state in OPEN_STATES and latest and latest.status == DecisionStatus.REJECTED:
        return latest
    return None


def _decision_initial(digest: str) -> dict[str, Any]:
    # The escalation is preselected, as the service's default: an illegality claim is made
    # only when the assessor chooses it and names the provisions.
    return {"url_set_sha256": digest, "legal_basis": LegalBasisKind.TERMS_ESCALATION}


@login_required
@live_page(scope=case_page_version)
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    case = _case(reference)
    return render(request, "assessments/case_detail.html", _context(request, case))


@login_required
@require_POST
def case_assess(request: HttpRequest, reference: str) -> HttpResponse:
    require(request.user, Action.ASSESS)
    case = _case(reference)
    form = _checklist_form(case, request.POST)
    if form.is_valid():
        try:
            service.save_assessment(case, form.service_data(), request.user)
        except service.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Checklist saved."))
        return redirect("fd-case-detail", reference=case.reference)
    return _invalid(request, case, checklist=form)


@login_required
@require_POST
def case_eligibility(request: HttpRequest, reference: str) -> HttpResponse:
    """The live panel: the rules applied to the unsaved answers in the form."""
    require(request.user, Action.ASSESS)
    case = _case(reference)
    form = _checklist_form(case, request.POST)
    result = service.evaluate_case(case, form.partial_answers())
    return render(request, "assessments/_eligibility.html", _eligibility_context(result, True))


def _eligibility_context(result: Eligibility, live: bool) -> dict[str, Any]:
    return {"result": result, "reasons": reason_texts(result.reasons), "live": live}


@login_required
@require_POST
def case_decide(request: HttpRequest, reference: str) -> HttpResponse:
    require(request.user, Action.DECIDE)
    case = _case(reference)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, decision_form=form)
    try:
        service.propose_decision(
            case,
            form.cleaned_data["outcome"],
            form.cleaned_data["justification"],
            request.user,
            override_justification=form.cleaned_data["override_justification"],
            expected_url_set=form.cleaned_data["url_set_sha256"],
            legal_basis=form.chosen_basis(),
        )
    except service.WorkflowError as exc:
        form.add_error(None, str(exc))
        return _invalid(request, case, decision_form=form)
    messages.success(request, _("Decision proposed. Another person must approve it."))
    return redirect("fd-case-detail", reference=case.reference)


@login_required
@require_POST
def case_review(request: HttpRequest, reference: str) -> HttpResponse:
    require(request.user, Action.APPROVE)
    case = _case(reference)
    decision = service.open_decision(case)
    if decision is None:
        messages.error(request, _("There is no decision awaiting approval."))
        return redirect("fd-case-detail", reference=case.reference)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, review_form=form)
    approve = form.cleaned_data["verdict"] == ReviewForm.APPROVE
    try:
        service.review_decision(decision, approve, request.user, form.cleaned_data["comment"])
    except service.WorkflowError as exc:
        form.add_error(None, str(exc))
        return _invalid(request, case, review_form=form)
    messages.success(request, _("Decision approved.") if approve else _("Decision sent back."))
    return redirect("fd-case-detail", reference=case.reference)


@login_required
@require_POST
def case_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    """The proposer takes the proposed decision back (the button asks to confirm)."""
    require(request.user, Action.DECIDE)
    case = _case(reference)
    decision = service.open_decision(case)
    if decision is None:
        messages.error(request, _("There is no decision awaiting approval."))
    else:
        try:
            service.withdraw_decision(decision, request.user)
        except service.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Decision withdrawn. The case is open for assessment."))
    return redirect("fd-case-detail", reference=case.reference)


@login_required
@require_POST
def case_reassign(request: HttpRequest, reference: str) -> HttpResponse:
    """An administrator hands the proposed decision to another assessor and/or approver."""
    require(request.user, Action.ADMINISTER)
    case = _case(reference)
    decision = service.open_decision(case)
    proposer = _staff(request.POST.get("proposer", ""), Action.DECIDE)
    reviewer = _staff(request.POST.get("reviewer", ""), Action.APPROVE)
    if decision is None:
        messages.error(request, _("There is no decision awaiting approval."))
    elif proposer is False or reviewer is False:
        messages.error(request, _("Unknown assessor or approver."))
    else:
        try:
            service.reassign_decision(decision, request.user, proposer=proposer, reviewer=reviewer)
        except service.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The decision was handed over."))
    return redirect("fd-case-detail", reference=case.reference)


def _staff(raw: str, action: Action) -> Any:
    """The staff member with this id who may ``action``; ``None`` for empty, ``False`` for
    anything else (a forged or stale id)."""
    if not raw.strip():
        return None
    found = [u for u in accounts_reads.staff_who_may(action) if str(u.pk) == raw.strip()]
    return found[0] if found else False


def _invalid(request: HttpRequest, case: Case, **forms: Any) -> HttpResponse:
    return render(
        request, "assessments/case_detail.html", _context(request, case, **forms), status=400
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Attachments may hold anything; always download, never render them in the browser."""
    require(request.user, Action.VIEW_CASES)
    attachment = get_object_or_404(case_reads.attachments_of_cases(), pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
