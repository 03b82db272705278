# SPDX-License-Identifier: EUPL-1.2
"""The furthest real step of decided cases, for the case list's state column (issue 15):
"Decided" said nothing about the notice, the acknowledgment or a reply that came after.

``intake`` shows the column but sits below the apps that know these steps; it asks through
``intake.hooks.register_case_progress``, filled here in ``DeskConfig.ready``. Three queries
for a whole page of cases (decisions, notices, replies), none when nothing on it is decided.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from flagdesk.assessments import selectors as decisions
from flagdesk.intake.models import Case, CaseState
from flagdesk.mailarchive import selectors as mail
from flagdesk.notices import selectors as notices

STEP_LABELS: dict[str, Promise] = {
    "no_deploy": pgettext_lazy("case step", "No deploy"),
    "referred": pgettext_lazy("case step", "Referred elsewhere"),
    "decided": pgettext_lazy("case step", "Decided"),
    "notice_drafted": pgettext_lazy("case step", "Notice drafted"),
    "notice_queued": pgettext_lazy("case step", "Notice queued"),
    "notice_sent": pgettext_lazy("case step", "Notice sent"),
    "delivery_failed": pgettext_lazy("case step", "Delivery failed"),
    "acknowledged": pgettext_lazy("case step", "Acknowledged"),
    "reply_received": pgettext_lazy("case step", "Reply received"),
}
IN_FLIGHT = {"queued", "sending", "retrying"}
SENT = {"accepted", "submitted"}
FAILED = {"failed", "bounced", "unknown"}


def furthest_step(
    outcome: str | None, notice_rows: Sequence[tuple[str, str | None, bool]], replied: bool
) -> str:
    """The step of one decided case. The newest notice's failure wins (a person must act),
    then a reply, an acknowledgment, and the newest notice's own state."""
    if outcome == "no_deploy":
        return "no_deploy"
    if outcome == "refer":
        return "referred"
    if not notice_rows:
        return "decided"
    _status, latest_state, _ack = notice_rows[-1]
    if latest_state in FAILED:
        return "delivery_failed"
    if replied:
        return "reply_received"
    if any(acknowledged for _s, _d, acknowledged in notice_rows):
        return "acknowledged"
    if any(state in SENT for _s, state, _a in notice_rows):
        return "notice_sent"
    if latest_state in IN_FLIGHT:
        return "notice_queued"
    return "notice_drafted"


def case_progress(cases: Sequence[Case]) -> dict[int, tuple[str, str]]:
    """Case id → (step key, label) for the decided cases among these."""
    decided = [c.pk for c in cases if c.state == CaseState.DECIDED]
    if not decided:
        return {}
    outcomes = decisions.approved_outcomes(decided)
    notice_rows = notices.notice_states(decided)
    replied = mail.cases_with_replies(decided)
    steps = {
        pk: furthest_step(outcomes.get(pk), notice_rows.get(pk, []), pk in replied)
        for pk in decided
    }
    return {pk: (key, str(STEP_LABELS[key])) for pk, key in steps.items()}
