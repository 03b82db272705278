# SPDX-License-Identifier: EUPL-1.2
"""Reads of accounts and partner organisations that other apps use."""

from __future__ import annotations

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


def user_by_id(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()
