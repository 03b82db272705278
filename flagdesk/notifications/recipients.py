# SPDX-License-Identifier: EUPL-1.2
"""Who hears of which audit event: one addresser per action, and "the people on a case".

Each addresser reads the event's object through the other apps' selectors and answers what
kind of notification it is, for whom, about which case and where it links; ``service`` leaves
out the actor (nobody is told of their own action) and anyone who is no longer staff.

"The people on a case" come from providers in a small registry, so a new kind of person on a
case is one ``register_case_people`` call in
``NotificationsConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse

from flagdesk.accounts import selectors as account_reads
from flagdesk.accounts.permissions import Action
from flagdesk.assessments import selectors as decision_reads
from flagdesk.audit.models import AuditEvent
from flagdesk.intake import selectors as case_reads
from flagdesk.intake.models import Case
from flagdesk.mailarchive import selectors as mail_reads
from flagdesk.notices import selectors as notice_reads


@dataclass(frozen=True)
class Addressed:
    kind: str
    recipients: frozenset[int]
    case: Case
    link: str


CasePeople = Callable[[int], Iterable[int | None]]
_case_people: dict[str, CasePeople] = {}


def register_case_people(name: str, provider: CasePeople) -> None:
    """Add who else is "on a case" (by case id → user ids); a name given twice replaces."""
    _case_people[name] = provider


def register_default_case_people() -> None:
    register_case_people(
        "decision proposer", lambda case_id: [decision_reads.latest_proposer_id(case_id)]
    )
    register_case_people("notice senders", notice_reads.sender_ids_of_case)
    register_case_people("owner", case_reads.owner_ids_of_case)


def people_on_case(case_id: int) -> set[int]:
    """Everyone the registered providers name for the case."""
    people: set[int] = set()
    for provider in _case_people.values():
        people.update(user_id for user_id in provider(case_id) if user_id is not None)
    return people


def case_link(case: Case) -> str:
    return reverse("fd-case-detail", kwargs={"reference": case.reference})


def _id(event: AuditEvent) -> int | None:
    try:
        return int(event.object_id)
    except ValueError:
        return None


def _approvers() -> set[int]:
    return {user.pk for user in account_reads.users_who_may(Action.APPROVE)}


# ------------------------------------------------------------------ addressers


def _decision(event: AuditEvent, kind: str, *, approvers: bool, proposer: bool) -> Addressed | None:
    object_id = _id(event)
    decision = decision_reads.decision_by_id(object_id) if object_id is not None else None
    if event.object_type != "assessments.decision" or decision is None:
        return None
    people = _approvers() if approvers else set()
    if proposer:
        people.add(decision.decided_by_id)
    else:
        people.discard(decision.decided_by_id)  # four eyes: never the proposer's own approval
    return Addressed(kind, frozenset(people), decision.case, case_link(decision.case))


def _approval_requested(event: AuditEvent) -> Addressed | None:
    return _decision(event, "approval_requested", approvers=True, proposer=False)


def _decision_reviewed(kind: str) -> Callable[[AuditEvent], Addressed | None]:
    return lambda event: _decision(event, kind, approvers=False, proposer=True)


def _decision_withdrawn(event: AuditEvent) -> Addressed | None:
    return _decision(event, "decision_withdrawn", approvers=True, proposer=True)


def _decision_reassigned(event: AuditEvent) -> Addressed | None:
    """An administrator handed the proposal on: tell the new proposer and the named approver."""
    object_id = _id(event)
    decision = decision_reads.decision_by_id(object_id) if object_id is not None else None
    if event.object_type != "assessments.decision" or decision is None:
        return None
    people = {decision.decided_by_id}
    if decision.review_by_id is not None:
        people.add(decision.review_by_id)
    return Addressed(
        "decision_reassigned", frozenset(people), decision.case, case_link(decision.case)
    )


def _notice_event(kind: str, *, sender: bool) -> Callable[[AuditEvent], Addressed | None]:
    def address(event: AuditEvent) -> Addressed | None:
        object_id = _id(event)
        notice = notice_reads.notice_by_id(object_id) if object_id is not None else None
        if event.object_type != "notices.notice" or notice is None:
            return None
        people = people_on_case(notice.case_id)
        if sender and notice.frozen_by_id is not None:
            people.add(notice.frozen_by_id)
        return Addressed(kind, frozenset(people), notice.case, case_link(notice.case))

    return address


def _mail_on_case(event: AuditEvent) -> Addressed | None:
    object_id = _id(event)
    message = mail_reads.message_by_id(object_id) if object_id is not None else None
    if event.object_type != "mailarchive.mailmessage" or message is None:
        return None
    if message.case is None or message.kind != "reply":
        return None  # acknowledgments notify through notice_acknowledged
    if mail_reads.from_earlier_archive(message):
        return None  # history being imported, not news
    link = reverse("fd-mail-detail", kwargs={"pk": message.pk})
    return Addressed("reply", frozenset(people_on_case(message.case.pk)), message.case, link)


def _reminder(event: AuditEvent) -> Addressed | None:
    if event.object_type == "notices.notice":
        return _notice_event("reminder", sender=True)(event)
    case = _case_of(event)
    if case is None:
        return None
    return Addressed("reminder", frozenset(people_on_case(case.pk)), case, case_link(case))


def _case_assigned(event: AuditEvent) -> Addressed | None:
    case = _case_of(event)
    owner = (event.after or {}).get("owner_id")
    if case is None or not isinstance(owner, int):
        return None
    return Addressed("case_assigned", frozenset({owner}), case, case_link(case))


def _case_of(event: AuditEvent) -> Case | None:
    object_id = _id(event)
    if event.object_type != "intake.case" or object_id is None:
        return None
    return case_reads.case_by_id(object_id)


# decision_sent_back, decision_withdrawn, reminder_due and case_assigned are written by other
# parts of issue 15; the addressers follow the event shapes agreed there.
ADDRESSERS: dict[str, Callable[[AuditEvent], Addressed | None]] = {
    "decision_proposed": _approval_requested,
    "decision_approved": _decision_reviewed("decision_approved"),
    # "Rejected" is the stored name of sending a proposal back with a reason (the UI's words).
    "decision_rejected": _decision_reviewed("decision_sent_back"),
    "decision_sent_back": _decision_reviewed("decision_sent_back"),
    "decision_withdrawn": _decision_withdrawn,
    "decision_reassigned": _decision_reassigned,
    "notice_acknowledged": _notice_event("acknowledged", sender=True),
    "notice_bounced": _notice_event("bounced", sender=True),
    "notice_failed": _notice_event("delivery_failed", sender=True),
    "notice_refused": _notice_event("delivery_failed", sender=True),
    "notice_unknown": _notice_event("delivery_unknown", sender=True),
    "notice_reminder": _reminder,
    "reminder_due": _reminder,
    "mail_archived": _mail_on_case,
    "mail_attached": _mail_on_case,
    "case_assigned": _case_assigned,
}


def address(event: AuditEvent) -> Addressed | None:
    """The notification an event makes, before the actor is left out (None: it makes none)."""
    addresser = ADDRESSERS.get(event.action)
    return addresser(event) if addresser is not None else None
