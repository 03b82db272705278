# SPDX-License-Identifier: EUPL-1.2
"""Reads of accounts and partner organisations that other apps use."""

from __future__ import annotations

from django.db.models import QuerySet

from flagdesk.accounts.models import PartnerOrganisation


def partner_organisation(organisation_id: int) -> PartnerOrganisation | None:
    return PartnerOrganisation.objects.filter(pk=organisation_id).first()


def active_partner_organisations() -> QuerySet[PartnerOrganisation]:
    return PartnerOrganisation.objects.filter(active=True)
