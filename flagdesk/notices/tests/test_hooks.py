# SPDX-License-Identifier: EUPL-1.2
"""The registries that keep notices below mailarchive and narratives, and narratives below
reports: filled when Django starts, never silently empty."""

from __future__ import annotations

import pytest

from flagdesk.mailarchive import selectors as mail_reads
from flagdesk.narratives import hooks as narrative_hooks
from flagdesk.narratives import selectors as narrative_reads
from flagdesk.notices import hooks
from flagdesk.reports import service as reports


def test_the_apps_above_register_their_selectors_when_django_starts() -> None:
    assert hooks.mail_lookups().messages_for_case is mail_reads.messages_for_case
    assert hooks.mail_lookups().waiting_for_a_person is mail_reads.waiting_for_a_person
    assert hooks._earlier == [narrative_reads.earlier_notifications]
    assert narrative_hooks._final_report == [reports.latest_final]


def test_a_missing_registration_is_an_error_not_an_empty_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hooks, "_mail", [])
    monkeypatch.setattr(hooks, "_earlier", [])
    monkeypatch.setattr(narrative_hooks, "_final_report", [])
    with pytest.raises(RuntimeError, match="mailarchive"):
        hooks.mail_lookups()
    with pytest.raises(RuntimeError, match="narratives"):
        hooks.earlier_notifications(object())  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="reports"):
        narrative_hooks.latest_final_report(object())  # type: ignore[arg-type]
