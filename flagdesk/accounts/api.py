# SPDX-License-Identifier: EUPL-1.2
"""API permission classes that need the permission table (accounts/permissions.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.request import Request

from flagdesk.accounts.permissions import Action, can
from flagdesk.core.api import AuthenticatedAndVerified


class StaffOnly(AuthenticatedAndVerified):
    """Staff who may see cases; partners never reach case, assessment or decision data."""

    message = _("Only staff may use this endpoint.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if not can(request.user, Action.VIEW_CASES):
            raise exceptions.PermissionDenied(self.message)
        return True
