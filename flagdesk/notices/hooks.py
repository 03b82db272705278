# SPDX-License-Identifier: EUPL-1.2
"""What notices asks of the apps built on top of it, without importing them.

``mailarchive`` (the case's mail, the count waiting for a person) and ``narratives`` (the
sentences about earlier notifications) register their selectors here when Django starts, in
their ``AppConfig.ready``. So notices stays below both: they import notices, never the other
way round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from flagdesk.intake.models import Case


@dataclass(frozen=True)
class MailLookups:
    """:param messages_for_case: all mail on a case, for its correspondence section.
    :param waiting_for_a_person: how many messages wait for someone to link or confirm them."""

    messages_for_case: Callable[[Case], list[Any]]
    waiting_for_a_person: Callable[[], int]


T = TypeVar("T")

_mail: list[MailLookups] = []
_earlier: list[Callable[[Case, str], list[str]]] = []
_narratives: list[Callable[[Case], list[Any]]] = []


def register_mail_lookups(lookups: MailLookups) -> None:
    _mail[:] = [lookups]


def register_earlier_notifications(sentences: Callable[[Case, str], list[str]]) -> None:
    _earlier[:] = [sentences]


def register_narratives(confirmed: Callable[[Case], list[Any]]) -> None:
    """``confirmed(case)``: the registry's narratives confirmed on the case (with ``claim_en``,
    ``claim_nl``, ``correct_rule``, ``rule_source``, ``rule_source_url``)."""
    _narratives[:] = [confirmed]


def confirmed_narratives(case: Case) -> list[Any]:
    return _only(_narratives, "confirmed narratives (is narratives installed?)")(case)


def mail_lookups() -> MailLookups:
    return _only(_mail, "mail lookups (is mailarchive installed?)")


def earlier_notifications(case: Case, language: str = "en") -> list[str]:
    """Sentences for a notice, in its language, about the narratives this platform was
    notified about before."""
    return _only(_earlier, "earlier notifications (is narratives installed?)")(case, language)


def _only(registered: list[T], what: str) -> T:
    # A missing registration is a wiring error, not "no mail": say so instead of hiding it.
    if not registered:
        raise RuntimeError(f"no app registered the {what}")
    return registered[0]
