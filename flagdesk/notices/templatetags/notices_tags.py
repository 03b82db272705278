# SPDX-License-Identifier: EUPL-1.2
"""The correspondence section of the case page, and small helpers for other pages.

An inclusion tag, so that the assessments app shows notices without importing this app:
``{% load notices_tags %}{% correspondence case %}``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms, template
from django.conf import settings
from django.utils.translation import gettext as _

from flagdesk.accounts.permissions import Action, can
from flagdesk.intake.models import Case
from flagdesk.notices import hooks, service
from flagdesk.notices.channels.email import OUTBOX_SERVER
from flagdesk.notices.forms import DraftForm, PortalSubmissionForm, ResolveUnknownForm
from flagdesk.notices.models import (
    DELIVERED_STATES,
    PROBLEM_STATES,
    Attempt,
    AttemptResult,
    Delivery,
    DeliveryState,
    Notice,
)

register = template.Library()

# Bootstrap-free tones that app.css knows: badge-ok, badge-warn, badge-bad.
TONE = {
    DeliveryState.ACCEPTED: "ok",
    DeliveryState.SUBMITTED: "ok",
    DeliveryState.FAILED: "bad",
    DeliveryState.BOUNCED: "bad",
    DeliveryState.UNKNOWN: "bad",
}


@dataclass
class NoticeView:
    """What the template needs about one notice; every decision about states is made here."""

    notice: Notice
    delivery: Delivery | None
    state: str
    label: str
    tone: str
    attempts: list[Attempt] = field(default_factory=list)
    sent_at: dt.datetime | None = None
    waited: dt.timedelta | None = None
    forms: dict[str, forms.Form] = field(default_factory=dict)
    stuck: str = ""  # why nothing will send this queued notice; empty when it is on its way
    dutch: list[str] = field(default_factory=list)  # Dutch paragraphs of an English draft

    @property
    def delivered(self) -> bool:
        return self.state in DELIVERED_STATES

    @property
    def in_flight(self) -> bool:
        # Queued, sending or retrying: NOT sent. Open Forms showed these as sent (#4381).
        return self.delivery is not None and not self.delivered and not self.problem

    @property
    def problem(self) -> bool:
        return self.state in PROBLEM_STATES

    @property
    def evidence(self) -> list[tuple[str, str]]:
        # Pairs, not the dict: a key named "items" would shadow the method in a template.
        found = self.delivery.evidence if self.delivery is not None else {}
        return [(str(key), str(value)) for key, value in sorted((found or {}).items())]

    @property
    def reminder(self) -> bool:
        return self.notice.reminded_at is not None and self.notice.acknowledged_at is None


def state_badge(
    notice: Notice, delivery: Delivery | None, attempts: list[Attempt] | None = None
) -> tuple[str, str, str]:
    """``(state, label, tone)`` for the badge. A state that is not delivered never reads so.

    The badge says what really happened: a notice written to the local outbox (no mail server
    configured) was not sent, although its delivery counts as accepted; and once the platform
    acknowledged a notice, that is the news, not what its mail server said before.
    """
    if delivery is None:
        return "draft", _("Draft"), "warn"
    state = DeliveryState(delivery.state)
    if state == DeliveryState.QUEUED and notice.channel_kind == "portal":
        return state, _("Waiting for submission in the portal"), "warn"
    if state in DELIVERED_STATES and notice.acknowledged_at is not None:
        return state, _("Acknowledged"), "ok"
    if state == DeliveryState.ACCEPTED and _written_to_outbox(attempts or []):
        return state, _("Written to the local outbox (not sent)"), "warn"
    return state, str(state.label), TONE.get(state, "warn")


def _written_to_outbox(attempts: list[Attempt]) -> bool:
    # The e-mail channel names its "server" "outbox" when it only wrote the .eml file.
    accepted = [a for a in attempts if a.result == AttemptResult.ACCEPTED]
    return bool(accepted) and accepted[-1].server == OUTBOX_SERVER


def notice_view(
    notice: Notice, may_send: bool, stuck: dict[int, service.StuckNotice] | None = None
) -> NoticeView:
    delivery: Delivery | None = getattr(notice, "delivery", None)
    attempts = list(delivery.attempt_rows.all()) if delivery is not None else []
    state, label, tone = state_badge(notice, delivery, attempts)
    view = NoticeView(notice, delivery, state, label, tone)
    if stuck and notice.pk in stuck:
        view.stuck, view.tone = stuck[notice.pk].explanation, "bad"
    if delivery is not None:
        view.attempts = attempts
        view.sent_at = next(
            (a.started_at for a in view.attempts if a.result == AttemptResult.ACCEPTED), None
        )
        view.waited = service.time_to_acknowledgment(notice)
    if may_send:
        view.forms = _forms_for(view)
    return view


def _forms_for(view: NoticeView) -> dict[str, forms.Form]:
    pk = view.notice.pk
    if view.delivery is None:
        view.dutch = service.dutch_in_english(view.notice)
        initial = {
            "subject": view.notice.subject,
            "body": view.notice.body,
            "english_summary": view.notice.english_summary,
        }
        return {"draft": DraftForm(initial=initial, prefix_pk=pk)}
    if view.state == DeliveryState.QUEUED and view.notice.channel_kind == "portal":
        return {"portal": PortalSubmissionForm(prefix_pk=pk)}
    if view.state == DeliveryState.UNKNOWN:
        return {"unknown": ResolveUnknownForm(prefix_pk=pk)}
    return {}


@register.inclusion_tag("notices/_correspondence.html", takes_context=True)
def correspondence(context: template.Context, case: Case) -> dict[str, Any]:
    user = context.get("user")
    may_send = can(user, Action.SEND_NOTICE)
    notices = service.notices_for_case(case)
    stuck = {s.notice.pk: s for s in service.stuck_among(notices)}
    return {
        "case": case,
        "notices": [notice_view(n, may_send, stuck) for n in notices],
        "mail": hooks.mail_lookups().messages_for_case(case),
        "may_send": may_send,
        # Without a mail server notices only reach the local outbox: say so where people send.
        "outbox_only": not settings.SMTP_URL,
        "no_mailbox": not settings.IMAP_URL,
    }


@register.simple_tag
def unmatched_mail_count() -> int:
    """For the navigation: messages waiting for a person to link them to a case, or to
    confirm or reject them."""
    return hooks.mail_lookups().waiting_for_a_person()


@register.filter
def duration(value: dt.timedelta | float | None) -> str:
    """``2 min 59 s``: short, exact to the second, in the user's language."""
    if value is None:
        return "—"
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    return duration_text(seconds)


def duration_text(seconds: float) -> str:
    total = max(round(seconds), 0)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d min %(s)d s") % {"m": minutes, "s": secs}
    return _("%(s)d s") % {"s": secs}
