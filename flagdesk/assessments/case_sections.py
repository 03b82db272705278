# SPDX-License-Identifier: EUPL-1.2
"""Sections of the case answer (``GET /api/v1/zaken/{reference}``) that apps above
assessments fill: the clocks come from ``notices`` (``notices/apps.py``), which assessments
may not import. Each app registers a function ``case -> JSON-ready value`` by name in its
``AppConfig.ready``; a missing registration raises instead of answering "nothing"
(docs/architecture.md, "Calling upward: hooks")."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flagdesk.intake.models import Case

_sections: dict[str, Callable[[Case], Any]] = {}


def register_case_section(name: str, section: Callable[[Case], Any]) -> None:
    _sections[name] = section


def case_section(name: str, case: Case) -> Any:
    if name not in _sections:
        raise LookupError(f"no case section {name!r} registered (is its app installed?)")
    return _sections[name](case)
