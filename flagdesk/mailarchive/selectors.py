# SPDX-License-Identifier: EUPL-1.2
"""Reads of the mail archive that other apps use (writes go through ``service.py``).

``notices`` shows a case's mail and the count waiting for a person through its hook registry
(``notices/hooks.py``), registered in ``MailarchiveConfig.ready``.
"""

from __future__ import annotations

from django.db.models import Q

from flagdesk.intake.models import Case
from flagdesk.mailarchive.models import Confirmation, Kind, MailMessage, MatchMethod


def waiting_for_a_person() -> int:
    """For the navigation: unmatched mail and mail awaiting confirmation."""
    return MailMessage.objects.filter(
        Q(match_method=MatchMethod.UNMATCHED) | Q(confirmation=Confirmation.PENDING)
    ).count()


def messages_for_case(case: Case) -> list[MailMessage]:
    """All mail on the case (with its trust), except our own archive copies."""
    return list(
        MailMessage.objects.filter(case=case)
        .exclude(kind=Kind.OWN_COPY)
        .order_by("archived_at", "pk")
    )


def trusted_messages_for_case(case: Case) -> list[MailMessage]:
    """The case's mail that counts as the platform's word: strongly linked or confirmed."""
    return [m for m in messages_for_case(case) if m.trusted]


def message_by_id(message_id: int) -> MailMessage | None:
    return MailMessage.objects.filter(pk=message_id).first()
