# SPDX-License-Identifier: EUPL-1.2
"""Clocks on pages: humane durations ("12 min ago", "2 h 5 min") with the exact moment in a
``<time>``'s ``datetime`` and ``title``, and the clocks panel of the case page
(``{% load clocks_tags %}{% case_clocks case %}``, so assessments shows it without importing
notices)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from flagdesk.intake.models import Case
from flagdesk.notices import clocks
from flagdesk.rules.clocks import ClockState, Stage, clock_parts

register = template.Library()

STAGE_LABELS = {
    Stage.DECISION: gettext_lazy("Waiting for a decision"),
    Stage.APPROVAL: gettext_lazy("Awaiting approval"),
    Stage.ACKNOWLEDGMENT: gettext_lazy("Sent, no acknowledgment"),
}
# A portal notice's acknowledgment is its submission in the portal, which a person records.
PORTAL_STAGE_LABEL = gettext_lazy("To submit in the portal")
STATE_LABELS = {
    ClockState.OK: pgettext_lazy("clock", "on time"),
    ClockState.DUE_SOON: pgettext_lazy("clock", "due soon"),
    ClockState.OVERDUE: pgettext_lazy("clock", "overdue"),
}


def clock_text(seconds: float) -> str:
    """``12 min``, ``2 h 5 min``, ``1 d 3 h``: to the minute, in the user's language."""
    days, hours, minutes = clock_parts(seconds)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours and not minutes:
        return _("%(h)d h") % {"h": hours}  # "service level 4 h", not "4 h 0 min"
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d min") % {"m": minutes}
    return _("less than a minute")


@register.filter
def clock(value: dt.timedelta | float | int | None) -> str:
    if value is None:
        return "—"
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    return clock_text(seconds)


@register.filter
def minutes_text(value: int) -> str:
    return clock_text(int(value) * 60)


# Beyond two days a relative time is harder to read than the date itself.
AGO_AT_MOST_SECONDS = 2 * 24 * 3600


@register.simple_tag
def ago(moment: dt.datetime | None, now: dt.datetime | None = None) -> SafeString | str:
    """``<time datetime="…" title="7-12-2026 14:03">12 min ago</time>``."""
    if moment is None:
        return "—"
    elapsed = ((now or timezone.now()) - moment).total_seconds()
    exact = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if elapsed > AGO_AT_MOST_SECONDS:
        # "1111 d 6 h ago" says less than the date: an old case shows when it happened.
        return format_html('<time datetime="{}">{}</time>', moment.isoformat(), exact)
    return format_html(
        '<time datetime="{}" title="{}" data-live-volatile>{}</time>',
        moment.isoformat(),
        exact,
        _("%(duration)s ago") % {"duration": clock_text(elapsed)},
    )


@register.simple_tag
def stage_label(stage: str) -> str:
    return str(STAGE_LABELS.get(Stage(stage), stage))


@register.simple_tag
def clock_state_label(state: str) -> str:
    return str(STATE_LABELS.get(ClockState(state), state))


# Written here, not through a template: the dashboard shows up to fifty clocks, and an
# inclusion tag renders a template with a fresh context for each (a tenth of the
# dashboard's CPU, benchmarks/pages.py).
BADGE_HTML = (
    '<span class="clock clock-{state}" data-clock-state="{state}"><span class="clock-stage">'
    '{stage}</span>: <time datetime="{since}" title="{since_title}" data-live-volatile>'
    '{elapsed}</time> <span class="clock-threshold">({threshold})</span> '
    '<span class="badge clock-badge">{state_label}</span></span>'
)


@register.simple_tag
def clock_badge(item: clocks.Clock) -> SafeString:
    """One clock: its stage, how long it has run (exact start in the title), its threshold,
    and its state in words as well as colour."""
    reading = item.reading
    portal = item.notice is not None and item.notice.channel_kind == clocks.PORTAL
    since = timezone.localtime(reading.since)
    threshold = clock_text(reading.threshold_minutes * 60)
    return format_html(
        BADGE_HTML,
        state=str(reading.state),
        stage=str(PORTAL_STAGE_LABEL if portal else STAGE_LABELS[reading.stage]),
        since=since.isoformat(),
        since_title=formats.date_format(since, "DATETIME_FORMAT"),
        elapsed=clock_text(reading.elapsed.total_seconds()),
        threshold=_("service level %(threshold)s") % {"threshold": threshold},
        state_label=str(STATE_LABELS[reading.state]),
    )


@register.inclusion_tag("notices/_case_clocks.html")
def case_clocks(
    case: Case, signals: list[Any] | None = None, decisions: list[Any] | None = None
) -> dict[str, Any]:
    """The case page's clocks panel. Given the signals and decisions the page read with the
    case, it reads only the notices (clocks.case_clocks)."""
    now = timezone.now()
    times = clocks.signal_times(case) if signals is None else clocks.signal_times_of(signals)
    running = clocks.case_clocks(case, now, decisions=decisions)
    return {"case": case, "now": now, "times": times, "clocks": running}
