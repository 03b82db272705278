# SPDX-License-Identifier: EUPL-1.2
"""Intake's registry of decision lookups: filled by assessments, never silently empty."""

from __future__ import annotations

import pytest

from flagdesk.assessments import selectors
from flagdesk.intake import hooks


def test_assessments_registers_its_selectors_when_django_starts() -> None:
    lookups = hooks.decision_lookups()
    assert lookups.notified_urls is selectors.notified_urls
    assert lookups.frozen_sets is selectors.frozen_sets


def test_without_a_registration_intake_refuses_rather_than_assume_no_decisions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hooks, "_registered", [])
    with pytest.raises(RuntimeError, match="decision lookups"):
        hooks.decision_lookups()
