# SPDX-License-Identifier: EUPL-1.2
"""Reads of the mail archive that other apps use (writes go through ``service.py``).

``notices`` shows a case's mail and the count waiting for a person through its hook registry
(``notices/hooks.py``), registered in ``MailarchiveConfig.ready``.
"""

from __future__ import annotations

from django.db.models import Q

from flagdesk.intake.models import Case
from flagdesk.mailarchive.models import Confirmation, Kind, LinkStrength, MailMessage, MatchMethod
from flagdesk.mailarchive.service import IMPORTED_MAILBOX


def waiting_for_a_person() -> int:
    """For the navigation: unmatched mail and mail awaiting confirmation."""
    return MailMessage.objects.filter(
        Q(match_method=MatchMethod.UNMATCHED) | Q(confirmation=Confirmation.PENDING)
    ).count()


def messages_waiting_for_a_person(limit: int = 25) -> list[MailMessage]:
    """The messages behind :func:`waiting_for_a_person`, oldest first (the longest waiting
    comes first in "Waiting for me"), with their case."""
    return list(
        MailMessage.objects.filter(
            Q(match_method=MatchMethod.UNMATCHED) | Q(confirmation=Confirmation.PENDING)
        )
        .select_related("case")
        .order_by("archived_at", "pk")[:limit]
    )


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


def from_earlier_archive(message: MailMessage) -> bool:
    """Read from an imported archive (``flagdesk import-mail``), not from the live mailbox."""
    return message.mailbox.startswith(IMPORTED_MAILBOX)


def cases_with_replies(case_ids: list[int]) -> set[int]:
    """The cases among these with a reply from the platform that counts (strongly linked or
    confirmed): one query, for the case list's state column."""
    return set(
        MailMessage.objects.filter(case_id__in=case_ids, kind=Kind.REPLY)
        .filter(Q(link_strength=LinkStrength.STRONG) | Q(confirmation=Confirmation.CONFIRMED))
        # Without the model's ordering: its columns would join the DISTINCT (one row per
        # message instead of per case) and make the database sort them.
        .order_by()
        .values_list("case_id", flat=True)
        .distinct()
    )
