# SPDX-License-Identifier: EUPL-1.2
"""What intake asks of the decisions taken on its cases, without importing the app that takes
them: ``assessments`` registers its selectors here when Django starts (``AppConfig.ready``).

A registry rather than an import keeps intake below assessments (assessments builds on cases;
intake only needs to know which URLs a decision froze or approved).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from flagdesk.elections.models import Election
    from flagdesk.intake.models import Case, CaseUrl


class NotifiedUrls(Protocol):
    def __call__(
        self,
        election: Election,
        exclude_case: Case | None = None,
        among: Sequence[CaseUrl] | None = None,
    ) -> set[str]: ...


class FrozenSets(Protocol):
    def __call__(self, case_ids: list[int]) -> dict[int, frozenset[str]]: ...


@dataclass(frozen=True)
class DecisionLookups:
    """:param notified_urls: normalised URLs in an approved deploy set of the election.
    :param frozen_sets: case id → the URL set of its proposed or approved decision."""

    notified_urls: NotifiedUrls
    frozen_sets: FrozenSets


_registered: list[DecisionLookups] = []


def register_decision_lookups(lookups: DecisionLookups) -> None:
    _registered[:] = [lookups]


def decision_lookups() -> DecisionLookups:
    if not _registered:
        # Never silently "no decisions": that would let a signal join a decided case.
        raise RuntimeError("no app registered the decision lookups (is assessments installed?)")
    return _registered[0]


# The furthest real step of decided cases (notice sent, acknowledged, reply received, ...):
# case id → (key, label). Registered by ``desk`` (``desk/progress.py``), which sees every app.
CaseProgress = Callable[[Sequence["Case"]], dict[int, tuple[str, str]]]
_progress: list[CaseProgress] = []


def register_case_progress(progress: CaseProgress) -> None:
    _progress[:] = [progress]


def case_progress() -> CaseProgress:
    if not _progress:
        raise RuntimeError("no app registered the case progress (is desk installed?)")
    return _progress[0]
