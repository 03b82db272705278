# SPDX-License-Identifier: EUPL-1.2
"""Public API of the assessments app: the checklist, the decision and its four-eyes review."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from flagdesk.accounts.permissions import Action, can, require
from flagdesk.assessments import kind_facts, selectors
from flagdesk.assessments.models import (
    Assessment,
    Decision,
    DecisionStatus,
    DecisionUrl,
    Outcome,
)
from flagdesk.assessments.signals import decision_approved
from flagdesk.audit import service as audit
from flagdesk.core.problems import StateConflict
from flagdesk.intake import selectors as case_reads
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case, CaseState, CaseUrl
from flagdesk.rules import legal_basis as basis_rules
from flagdesk.rules import notice_kinds, urlset
from flagdesk.rules.eligibility import (
    HARMS,
    RULES_VERSION,
    AssessmentAnswers,
    Eligibility,
    History,
    evaluate,
)

ANSWER_FIELDS = tuple(f.name for f in fields(AssessmentAnswers))


class WorkflowError(StateConflict):
    """The action is not possible in the case's current state (shown to the user)."""


def answers_of(assessment: Assessment | None) -> AssessmentAnswers:
    if assessment is None:
        return AssessmentAnswers()
    return AssessmentAnswers(**{name: getattr(assessment, name) for name in ANSWER_FIELDS})


def evaluate_case(
    case: Case,
    answers: AssessmentAnswers | None = None,
    *,
    signals: list[Any] | None = None,
    urls: list[str] | None = None,
) -> Eligibility:
    """The rules applied to a case: its first signal's source, its URLs, this election.

    :param signals: the case's signals, oldest first, as the caller (the case page) read
        them in this request: the first is not read again.
    :param urls: the case's normalised URLs in their order, read likewise.
    """
    if answers is None:
        answers = answers_of(getattr(case, "assessment", None))
    first = case.first_signal if signals is None else next(iter(signals), None)
    if urls is None:
        urls = list(case.urls.values_list("normalised_url", flat=True))
    facts = intake.signal_facts(
        source_type=first.source_type if first else "unknown",
        category=case.category,
        platform_name=case.platform.slug,
        urls=urls,
        organisation=first.source_organisation_name if first else None,
        platform=case.platform,
    )
    history = History(notified_urls=selectors.notified_urls(case.election, exclude_case=case))
    return evaluate(facts, answers, history)


def clean_answers(data: dict[str, Any]) -> dict[str, Any]:
    """Check types and values of checklist answers; raise WorkflowError on nonsense."""
    cleaned: dict[str, Any] = {}
    for name in ANSWER_FIELDS:
        value = data.get(name)
        if name == "harms" and value is not None:
            if not isinstance(value, list | tuple) or any(h not in HARMS for h in value):
                raise WorkflowError(_("Unknown effect on the vote."))
            value = sorted(set(value))
        if (
            name == "own_contact_attempts"
            and value is not None
            and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000)
        ):
            raise WorkflowError(_("The number of contact attempts must be 0 or more."))
        if (
            name in {"election_process_risk", "misleading", "own_means_exhausted"}
            and value is not None
            and not isinstance(value, bool)
        ):
            raise WorkflowError(_("Answer yes, no, or leave open."))
        cleaned[name] = value
        cleaned[f"{name}_reasoning"] = str(data.get(f"{name}_reasoning") or "")[:10_000]
    return cleaned


def save_assessment(case: Case, data: dict[str, Any], actor: Any) -> Assessment:
    """Store the checklist answers with reasons and what the rules make of them."""
    require(actor, Action.ASSESS)
    answers = clean_answers(data)
    with transaction.atomic():
        case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
        if case.state in (CaseState.AWAITING_APPROVAL, CaseState.DECIDED):
            raise WorkflowError(_("The assessment is closed while a decision is pending or made."))
        assessment = Assessment.objects.filter(case=case).first() or Assessment(case=case)
        before = _assessment_snapshot(assessment) if assessment.pk else None
        for name, value in answers.items():
            setattr(assessment, name, value)
        if "kind_facts" in data:  # left out (an older API client): the facts stay as they are
            assessment.kind_facts = _clean_kind_facts(case.category, data["kind_facts"])
        result = evaluate_case(case, answers_of(assessment))
        assessment.eligible = result.eligible
        assessment.reasons = [str(r) for r in result.reasons]
        assessment.rules_version = RULES_VERSION
        assessment.assessed_by = actor
        assessment.save()
        intake.index_search_text(case.pk, "assessment", _assessment_search_body(assessment))
        audit.log(
            "assessment_saved",
            case,
            actor=actor,
            before=before,
            after=_assessment_snapshot(assessment),
        )
        intake.set_case_state(case, CaseState.ASSESSING, actor)
    return assessment


def _clean_kind_facts(category: str, facts: object) -> dict[str, str]:
    if facts is None:
        return {}
    if not isinstance(facts, dict) or any(not isinstance(v, str | None) for v in facts.values()):
        raise WorkflowError(_("The facts for the notice must be texts by name."))
    return notice_kinds.clean_facts(category, facts)


def _assessment_search_body(assessment: Assessment) -> str:
    """The assessor's reasons, for the case search."""
    reasons = (getattr(assessment, f"{name}_reasoning") for name in ANSWER_FIELDS)
    return "\n".join(reason for reason in reasons if reason)


def _assessment_snapshot(assessment: Assessment) -> dict[str, Any]:
    data = {name: getattr(assessment, name) for name in ANSWER_FIELDS}
    data.update({f"{n}_reasoning": getattr(assessment, f"{n}_reasoning") for n in ANSWER_FIELDS})
    data.update(
        kind_facts=assessment.kind_facts,
        eligible=assessment.eligible,
        reasons=assessment.reasons,
        rules_version=assessment.rules_version,
    )
    return data


def propose_decision(
    case: Case,
    outcome: str,
    justification: str,
    actor: Any,
    override_justification: str = "",
    expected_url_set: str = "",
    legal_basis: basis_rules.LegalBasis | None = None,
) -> Decision:
    """The assessor's decision; it takes effect only once someone else approves it.

    It freezes the case's URLs: the decision covers exactly these, and from now on a signal
    with other URLs opens a related case instead of joining this one.

    :param expected_url_set: the ``url_set_sha256`` of the URLs the assessor saw; when given
        and the case holds other URLs by now, the decision is refused.
    :param legal_basis: what kind of notice a decision to deploy sends; none for the other
        outcomes. Left out, a decision to deploy is a terms escalation (``default_basis``).
        Raises BasisError with the rule's reason codes when it does not hold.
    """
    require(actor, Action.DECIDE)
    if outcome not in Outcome.values:
        raise WorkflowError(_("Unknown decision."))
    if not justification.strip():
        raise WorkflowError(_("A decision needs a justification."))
    basis = checked_basis(legal_basis or default_basis(outcome), outcome)
    with transaction.atomic():
        case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
        if case.state in (CaseState.AWAITING_APPROVAL, CaseState.DECIDED):
            raise WorkflowError(_("This case already has a pending or final decision."))
        if not hasattr(case, "assessment"):
            raise WorkflowError(_("Assess the case before deciding."))
        urls = case_reads.case_urls(case.pk)
        digest = urlset.url_set_sha256(row.normalised_url for row in urls)
        if expected_url_set and expected_url_set != digest:
            raise WorkflowError(
                _("The case's URLs changed while you decided. Check them and decide again.")
            )
        if outcome == Outcome.DEPLOY:
            _require_kind_facts(case)
        result = evaluate_case(case)
        is_override = outcome == Outcome.DEPLOY and not result.eligible
        if is_override and not override_justification.strip():
            raise WorkflowError(
                _("Deploying against the rules' reasons needs an explicit override justification.")
            )
        decision = Decision.objects.create(
            case=case,
            outcome=outcome,
            justification=justification.strip(),
            is_override=is_override,
            override_justification=override_justification.strip() if is_override else "",
            engine_eligible=result.eligible,
            engine_reasons=[str(r) for r in result.reasons],
            rules_version=RULES_VERSION,
            decided_by=actor,
            decided_at=timezone.now(),
            url_set_sha256=digest,
            legal_basis=basis.basis,
            provisions=list(basis.provisions),
            other_provision=basis.other_provision,
            illegal_content_type=basis.content_type,
        )
        _freeze(decision, urls)
        intake.index_search_text(
            case.pk,
            f"decision:{decision.pk}",
            "\n".join(filter(None, (decision.justification, decision.override_justification))),
        )
        audit.log(
            "decision_proposed",
            decision,
            actor=actor,
            after={**_decision_snapshot(decision), "urls": sorted(covered_urls(decision))},
        )
        intake.set_case_state(case, CaseState.AWAITING_APPROVAL, actor)
    return decision


class BasisError(WorkflowError):
    """The legal basis does not hold; ``reasons`` are the rule's codes (for the API)."""

    def __init__(self, reasons: tuple[basis_rules.BasisReason, ...]) -> None:
        super().__init__(" ".join(basis_reason_texts(reasons)))
        self.reasons = reasons


def basis_reason_texts(reasons: tuple[basis_rules.BasisReason, ...]) -> list[str]:
    """The rule's reasons in the user's language."""
    dutch = (get_language() or "nl").startswith("nl")
    texts = basis_rules.REASON_TEXT_NL if dutch else basis_rules.REASON_TEXT_EN
    return [texts[reason] for reason in reasons]


def default_basis(outcome: str) -> basis_rules.LegalBasis:
    """What a decision means when its basis is not given: to deploy is to escalate a possible
    breach of the platform's terms (the practice before bases were recorded); an illegality
    claim is never made by default."""
    if outcome == Outcome.DEPLOY:
        return basis_rules.LegalBasis(basis_rules.Basis.TERMS_ESCALATION)
    return basis_rules.LegalBasis("")


def checked_basis(legal_basis: basis_rules.LegalBasis, outcome: str) -> basis_rules.LegalBasis:
    """The basis as stored, or BasisError with the rule's reasons."""
    reasons = basis_rules.problems(legal_basis, deploys=outcome == Outcome.DEPLOY)
    if reasons:
        raise BasisError(reasons)
    return basis_rules.cleaned(legal_basis)


def legal_basis_of(decision: Decision) -> basis_rules.LegalBasis:
    """The decision's basis as the rules take it (for the notice text and the report)."""
    return basis_rules.LegalBasis(
        basis=decision.legal_basis,
        provisions=tuple(decision.provisions or ()),
        other_provision=decision.other_provision,
        content_type=decision.illegal_content_type,
    )


def missing_kind_facts(case: Case) -> list[str]:
    """The required facts for this kind of case's notice that the checklist still lacks."""
    assessment = getattr(case, "assessment", None)
    facts = assessment.kind_facts if assessment is not None else {}
    return notice_kinds.missing_facts(case.category, facts or {})


def _require_kind_facts(case: Case) -> None:
    # Before deploying, so the approver sees what the notice will say about the account or ad.
    missing = missing_kind_facts(case)
    if missing:
        raise WorkflowError(
            _("Enter the facts the notice needs before deploying: %(facts)s.")
            % {"facts": "; ".join(kind_facts.label(name) for name in missing)}
        )


def review_decision(decision: Decision, approve: bool, actor: Any, comment: str = "") -> Decision:
    """Four eyes: a different person with the approver role approves or sends back."""
    require(actor, Action.APPROVE)
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(no_key=True, of=("self",))
            .select_related("case")
            .get(pk=decision.pk)
        )
        if decision.status != DecisionStatus.PROPOSED:
            raise WorkflowError(_("This decision was already reviewed."))
        _check_reviewer(decision, actor)
        if not approve and not comment.strip():
            raise WorkflowError(_("Say why you send the decision back."))
        # The case row before the audit chain's head, as intake and propose_decision take
        # them: intake locks the case before it appends its events, so taking the case only
        # at set_case_state (after our events) could deadlock with a signal.
        Case.objects.select_for_update(no_key=True).filter(pk=decision.case_id).first()
        if approve:
            _check_url_set(decision)
        before = _decision_snapshot(decision)
        decision.status = DecisionStatus.APPROVED if approve else DecisionStatus.REJECTED
        decision.reviewed_by = actor
        decision.reviewed_at = timezone.now()
        decision.review_comment = comment.strip()
        decision.save()
        audit.log(
            "decision_approved" if approve else "decision_rejected",
            decision,
            actor=actor,
            before=before,
            after=_decision_snapshot(decision),
        )
        intake.set_case_state(
            decision.case, CaseState.DECIDED if approve else CaseState.ASSESSING, actor
        )
        if approve:
            decision_approved.send(sender=Decision, decision=decision, actor=actor)
    return decision


def _check_reviewer(decision: Decision, reviewer: Any) -> None:
    """Four eyes: nobody who proposed the decision, now or before a hand-over, reviews it;
    and when an administrator named the reviewer, only they do."""
    if decision.decided_by_id == reviewer.pk:
        raise WorkflowError(_("You cannot approve your own decision."))
    if reviewer.pk in (decision.earlier_proposers or []):
        raise WorkflowError(
            _("You proposed this decision before it was handed over: another approver reviews it.")
        )
    if decision.review_by_id not in (None, reviewer.pk):
        raise WorkflowError(
            _("An administrator named %(name)s to review this decision.")
            % {"name": decision.review_by.get_username() if decision.review_by else ""}
        )


def _locked_proposal(decision: Decision) -> Decision:
    """The decision and then its case, locked in the order review_decision takes them; raises
    WorkflowError unless it still awaits approval."""
    decision = (
        Decision.objects.select_for_update(no_key=True, of=("self",))
        .select_related("case", "decided_by", "review_by")
        .get(pk=decision.pk)
    )
    if decision.status != DecisionStatus.PROPOSED:
        raise WorkflowError(_("This decision no longer awaits approval."))
    Case.objects.select_for_update(no_key=True).filter(pk=decision.case_id).first()
    return decision


def withdraw_decision(decision: Decision, actor: Any) -> Decision:
    """The proposer takes their decision back before it is reviewed; the case is open again
    and its URLs are no longer frozen (as when a decision is sent back)."""
    require(actor, Action.DECIDE)
    with transaction.atomic():
        decision = _locked_proposal(decision)
        if decision.decided_by_id != actor.pk:
            raise WorkflowError(_("Only the person who proposed a decision can withdraw it."))
        before = _decision_snapshot(decision)
        decision.status = DecisionStatus.WITHDRAWN
        decision.save(update_fields=["status"])
        audit.log(
            "decision_withdrawn",
            decision,
            actor=actor,
            before=before,
            after=_decision_snapshot(decision),
        )
        intake.set_case_state(decision.case, CaseState.ASSESSING, actor)
    return decision


def reassign_decision(
    decision: Decision, actor: Any, *, proposer: Any = None, reviewer: Any = None
) -> Decision:
    """An administrator hands a proposed decision to another assessor, who takes it over as
    its proposer and owner of the case, and/or names the approver who reviews it (when the
    only other approver is away). The reviewer is never anyone who proposed it.

    :param proposer: the assessor who takes the proposal over; ``None`` keeps the proposer.
    :param reviewer: the approver who reviews it; ``None`` keeps the current choice.
    """
    require(actor, Action.ADMINISTER)
    if proposer is None and reviewer is None:
        raise WorkflowError(_("Name an assessor, an approver, or both."))
    if proposer is not None and not can(proposer, Action.DECIDE):
        raise WorkflowError(_("Only an assessor can take a decision over."))
    if reviewer is not None and not can(reviewer, Action.APPROVE):
        raise WorkflowError(_("Only an approver can review a decision."))
    with transaction.atomic():
        decision = _locked_proposal(decision)
        before = _assignment_snapshot(decision)
        if proposer is not None and proposer.pk != decision.decided_by_id:
            decision.earlier_proposers = sorted(
                {*(decision.earlier_proposers or []), decision.decided_by_id}
            )
            decision.decided_by = proposer
        if reviewer is not None:
            decision.review_by = reviewer
        if decision.review_by is not None:
            _check_reviewer(decision, decision.review_by)
        decision.save(update_fields=["decided_by", "review_by", "earlier_proposers"])
        audit.log(
            "decision_reassigned",
            decision,
            actor=actor,
            before=before,
            after=_assignment_snapshot(decision),
        )
        if proposer is not None:
            intake.assign_case(decision.case, proposer, actor)
    return decision


def _assignment_snapshot(decision: Decision) -> dict[str, Any]:
    return {
        "case": decision.case.reference,
        "decided_by": decision.decided_by.get_username(),
        "review_by": decision.review_by.get_username() if decision.review_by else None,
        "earlier_proposers": list(decision.earlier_proposers or []),
    }


def _freeze(decision: Decision, urls: list[CaseUrl]) -> None:
    DecisionUrl.objects.bulk_create(
        DecisionUrl(
            decision=decision,
            election_id=decision.case.election_id,
            url=row.url,
            normalised_url=row.normalised_url,
            url_hash=row.url_hash,
        )
        for row in urls
    )


def covered_urls(decision: Decision) -> set[str]:
    """The normalised URLs the decision covers, as stored."""
    return set(decision.url_set.values_list("normalised_url", flat=True))


def _check_url_set(decision: Decision) -> None:
    """Approval is for exactly the URLs the assessor decided on: refuse if the case's URLs
    or the stored set changed since (a back door: intake itself never adds to a frozen case)."""
    decided = covered_urls(decision)
    current = case_reads.normalised_urls(decision.case_id)
    reasons = urlset.approval_problems(decided, decision.url_set_sha256, current)
    if not reasons:
        return
    if urlset.SetReason.SET_TAMPERED in reasons:
        raise WorkflowError(
            _(
                "The decision's URL set no longer matches its recorded digest; it cannot be "
                "approved. Send it back and report this to the administrator."
            )
        )
    raise WorkflowError(
        _(
            "The case's URLs changed since the decision (added: %(added)s; removed: "
            "%(removed)s). Send the decision back, so it can be taken on the current URLs."
        )
        % {
            "added": ", ".join(sorted(current - decided)) or "-",
            "removed": ", ".join(sorted(decided - current)) or "-",
        }
    )


def _decision_snapshot(decision: Decision) -> dict[str, Any]:
    return {
        "case": decision.case.reference,
        "outcome": decision.outcome,
        "justification": decision.justification,
        "is_override": decision.is_override,
        "override_justification": decision.override_justification,
        "engine_eligible": decision.engine_eligible,
        "engine_reasons": decision.engine_reasons,
        "rules_version": decision.rules_version,
        "decided_by": decision.decided_by.get_username(),
        "status": decision.status,
        "reviewed_by": decision.reviewed_by.get_username() if decision.reviewed_by else None,
        "review_comment": decision.review_comment,
        "url_set_sha256": decision.url_set_sha256,
        "legal_basis": decision.legal_basis,
        "provisions": list(decision.provisions or ()),
        "other_provision": decision.other_provision,
        "illegal_content_type": decision.illegal_content_type,
    }


def open_decision(case: Case) -> Decision | None:
    return case.decisions.filter(status=DecisionStatus.PROPOSED).first()


def final_decision(case: Case) -> Decision | None:
    return case.decisions.filter(status=DecisionStatus.APPROVED).first()


def decisions_awaiting(user: Any) -> list[Decision]:
    """Decisions this user may review: proposed by someone else (also before a hand-over),
    and named for them or for nobody in particular."""
    proposed = (
        Decision.objects.filter(status=DecisionStatus.PROPOSED)
        .exclude(decided_by=user)
        .select_related("case", "decided_by")
    )
    return [
        d
        for d in proposed
        if user.pk not in (d.earlier_proposers or []) and d.review_by_id in (None, user.pk)
    ]
