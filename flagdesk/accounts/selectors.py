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


def staff_who_may(action: Action) -> list[User]:
    """Active staff members allowed ``action``, by username (roles are a JSON list, which
    SQLite cannot search: the team is small, so this filters in Python)."""
    users = User.objects.filter(is_active=True, organisation__isnull=True).order_by("username")
    return [user for user in users if can(user, action)]
