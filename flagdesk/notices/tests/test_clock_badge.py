# SPDX-License-Identifier: EUPL-1.2
"""The clock badge, written in Python since session 12 (it was an inclusion tag rendering a
template per badge): the same HTML as that template gave, in both languages, escaped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from flagdesk.notices import clocks
from flagdesk.notices.models import Notice
from flagdesk.rules.clocks import Stage, read_clock

SINCE = dt.datetime(2026, 3, 17, 6, 5, 9, tzinfo=dt.UTC)


def badge(stage: Stage, minutes: int, elapsed: int, notice: Notice | None = None) -> str:
    reading = read_clock(stage, SINCE, SINCE + dt.timedelta(minutes=elapsed), minutes, 80)
    item = clocks.Clock(case=None, reading=reading, notice=notice)  # type: ignore[arg-type]
    return Template("{% load clocks_tags %}{% clock_badge c %}").render(Context({"c": item}))


# What notices/_clock.html rendered for these clocks (captured before it was replaced).
@pytest.mark.parametrize(
    ("language", "stage", "minutes", "elapsed", "portal", "html"),
    [
        (
            "nl",
            Stage.DECISION,
            240,
            30,
            False,
            '<span class="clock clock-ok" data-clock-state="ok"><span class="clock-stage">'
            'Wacht op een besluit</span>: <time datetime="2026-03-17T07:05:09+01:00" '
            'title="17 maart 2026 07:05" data-live-volatile>30 min</time> '
            '<span class="clock-threshold">(servicenorm 4 u)</span> '
            '<span class="badge clock-badge">op tijd</span></span>',
        ),
        (
            "en",
            Stage.ACKNOWLEDGMENT,
            60,
            4000,
            True,
            '<span class="clock clock-overdue" data-clock-state="overdue"><span '
            'class="clock-stage">To submit in the portal</span>: <time '
            'datetime="2026-03-17T07:05:09+01:00" title="17 March 2026 07:05" '
            'data-live-volatile>2 d 18 h</time> <span class="clock-threshold">(service level '
            '1 h)</span> <span class="badge clock-badge">overdue</span></span>',
        ),
    ],
)
def test_the_badge_is_the_html_the_template_gave(
    language: str, stage: Stage, minutes: int, elapsed: int, portal: bool, html: str
) -> None:
    notice = Notice(channel_kind="portal" if portal else "email") if portal else None
    with translation.override(language):
        assert badge(stage, minutes, elapsed, notice) == html


def test_each_state_and_stage_reads_in_words() -> None:
    with translation.override("en"):
        due_soon = badge(Stage.APPROVAL, 60, 50)
        sent = badge(Stage.ACKNOWLEDGMENT, 90, 100, Notice(channel_kind="email"))
    assert 'data-clock-state="due_soon"' in due_soon and ">due soon</span>" in due_soon
    assert ">Awaiting approval</span>" in due_soon and "(service level 1 h)" in due_soon
    assert ">Sent, no acknowledgment</span>" in sent and ">overdue</span>" in sent
    assert ">1 h 40 min</time>" in sent and "(service level 1 h 30 min)" in sent


def test_a_translation_cannot_inject_markup(settings: object) -> None:
    """The labels are escaped like any template variable (format_html)."""
    from flagdesk.notices.templatetags import clocks_tags

    original = clocks_tags.STAGE_LABELS[Stage.DECISION]
    clocks_tags.STAGE_LABELS[Stage.DECISION] = "<b>x</b>"  # type: ignore[assignment]
    try:
        assert "&lt;b&gt;x&lt;/b&gt;" in badge(Stage.DECISION, 240, 30)
    finally:
        clocks_tags.STAGE_LABELS[Stage.DECISION] = original
