# SPDX-License-Identifier: EUPL-1.2
"""Reads of cases, their URLs and attachments that other apps use (writes go through
``service.py``). Other apps read intake's data here instead of querying its models."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Max, QuerySet

from flagdesk.intake.models import Attachment, Case, CaseUrl, Signal

# The case list's owner filter, in the UI and the API alike: "me", "none" or a user's id.
OWNER_ME, OWNER_NONE = "me", "none"


def owned_by(cases: QuerySet[Case], owner: str, user: Any) -> QuerySet[Case]:
    if owner == OWNER_NONE:
        return cases.filter(owner__isnull=True)
    if owner == OWNER_ME:
        return cases.filter(owner_id=getattr(user, "pk", None))
    return cases.filter(owner_id=int(owner))  # validated as a user id by the form or API


def case_by_id(case_id: int) -> Case | None:
    return Case.objects.filter(pk=case_id).first()


def owner_ids_of_case(case_id: int) -> list[int]:
    """The case's owner, as a list (empty: nobody owns it) for "the people on a case"."""
    return [
        owner_id
        for owner_id in Case.objects.filter(pk=case_id).values_list("owner_id", flat=True)
        if owner_id is not None
    ]


def case_by_reference(reference: str, *, ignore_case: bool = False) -> Case | None:
    """The case with this reference (``FD-2023-0001``); a person may type it in lower case,
    a reference found in mail must match exactly."""
    if ignore_case:
        return Case.objects.filter(reference__iexact=reference).first()
    return Case.objects.filter(reference=reference).first()


def existing_case_ids(case_ids: Iterable[int]) -> set[int]:
    return set(Case.objects.filter(pk__in=list(case_ids)).values_list("pk", flat=True))


def cases_after(last_id: int) -> QuerySet[Case]:
    """Cases created after ``last_id``, oldest first, with their signals and URLs."""
    return Case.objects.filter(pk__gt=last_id).order_by("pk").prefetch_related("signals", "urls")


def case_urls(case_id: int) -> list[CaseUrl]:
    """The case's URLs in the order they were added."""
    return list(CaseUrl.objects.filter(case_id=case_id).order_by("pk"))


def normalised_urls(case_id: int) -> set[str]:
    return set(CaseUrl.objects.filter(case_id=case_id).values_list("normalised_url", flat=True))


def known_normalised_urls(election_id: int, url_hashes: Collection[str]) -> set[str]:
    """Those of these URLs (by the SHA-256 of their normal form) that a case of the election
    holds, in the form the case stored them."""
    return set(
        CaseUrl.objects.filter(election_id=election_id, url_hash__in=url_hashes).values_list(
            "normalised_url", flat=True
        )
    )


def attachments_of_cases() -> QuerySet[Attachment]:
    """Attachments of signals that belong to a case (refused signals' files are not shown)."""
    return Attachment.objects.filter(signal__case__isnull=False)


def own_contact_attempts(case_id: int) -> int | None:
    """The most own contact attempts with the platform any signal of the case reports; None
    when no signal reports one (0 is the field's default, not an answer)."""
    most = Signal.objects.filter(case_id=case_id).aggregate(most=Max("own_contact_attempts"))
    return most["most"] or None


def signal_by_id(signal_id: int) -> Signal | None:
    return Signal.objects.select_related("case").filter(pk=signal_id).first()
