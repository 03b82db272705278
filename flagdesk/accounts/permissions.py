# SPDX-License-Identifier: EUPL-1.2
"""Who may do what: one table, used by views, API and service functions alike."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied

from flagdesk.accounts.constants import Role


class Action(StrEnum):
    VIEW_CASES = "view_cases"
    RECORD_SIGNAL = "record_signal"
    ASSESS = "assess"
    DECIDE = "decide"
    APPROVE = "approve"
    SEND_NOTICE = "send_notice"
    REVIEW_REDACTIONS = "review_redactions"
    ADMINISTER = "administer"
    SUBMIT_SIGNAL_AS_PARTNER = "submit_signal_as_partner"
    OWN_CASE = "own_case"
    ASSIGN_CASES = "assign_cases"


ACTION_ROLES: dict[Action, frozenset[Role]] = {
    Action.VIEW_CASES: frozenset({Role.INTAKE, Role.ASSESSOR, Role.APPROVER, Role.ADMIN}),
    Action.RECORD_SIGNAL: frozenset({Role.INTAKE, Role.ASSESSOR}),
    Action.ASSESS: frozenset({Role.ASSESSOR}),
    Action.DECIDE: frozenset({Role.ASSESSOR}),
    Action.APPROVE: frozenset({Role.APPROVER}),
    # The assessor who owns the case sends (and follows up on) its notice.
    Action.SEND_NOTICE: frozenset({Role.ASSESSOR}),
    # Redactions are reviewed by assessors and approvers; an approver signs the report off.
    Action.REVIEW_REDACTIONS: frozenset({Role.ASSESSOR, Role.APPROVER}),
    Action.ADMINISTER: frozenset({Role.ADMIN}),
    Action.SUBMIT_SIGNAL_AS_PARTNER: frozenset({Role.PARTNER}),
    # Owners work a case through: assessors assess and propose, approvers review. Intake
    # officers only record signals and admins administer, so neither owns a case.
    Action.OWN_CASE: frozenset({Role.ASSESSOR, Role.APPROVER}),
    # Handing a case to a named colleague is the team lead's call (issue 15).
    Action.ASSIGN_CASES: frozenset({Role.APPROVER, Role.ADMIN}),
}


def can(user: Any, action: Action) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    roles = set(user.roles or [])
    if action is Action.SUBMIT_SIGNAL_AS_PARTNER and user.organisation_id is None:
        return False
    return any(str(role) in roles for role in ACTION_ROLES[action])


def require(user: Any, action: Action) -> None:
    if not can(user, action):
        raise PermissionDenied(
            f"{action} requires one of the roles {', '.join(sorted(ACTION_ROLES[action]))}"
        )
