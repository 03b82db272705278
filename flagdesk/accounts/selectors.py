# SPDX-License-Identifier: EUPL-1.2
"""Reads of accounts and partner organisations that other apps use."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.accounts.permissions import Action, can


def partner_organisation(organisation_id: int) -> PartnerOrganisation | None:
    return PartnerOrganisation.objects.filter(pk=organisation_id).first()


def active_partner_organisations() -> QuerySet[PartnerOrganisation]:
    return PartnerOrganisation.objects.filter(active=True)


def users_who_may(action: Action) -> list[User]:
    """Every active account that may do ``action`` now (roles are a JSON list, so the
    permission table decides in Python; staff is a handful of people)."""
    return [user for user in User.objects.filter(is_active=True) if can(user, action)]


def users_by_ids(user_ids: Iterable[int]) -> list[User]:
    """The accounts with these ids, by id (an id that is no account is left out)."""
    return list(User.objects.filter(pk__in=list(user_ids)).order_by("pk"))


def staff_who_may(action: Action) -> list[User]:
    """Active staff members allowed ``action``, by username (roles are a JSON list, which
    SQLite cannot search: the team is small, so this filters in Python)."""
    users = User.objects.filter(is_active=True, organisation__isnull=True).order_by("username")
    return [user for user in users if can(user, action)]
