# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from flagdesk.accounts.permissions import Action, can
from flagdesk.notifications import selectors


def bell(request: HttpRequest) -> dict[str, Any]:
    """The bell's unread count, counted only when a template shows it, and once per page."""
    user = getattr(request, "user", None)
    if not can(user, Action.VIEW_CASES):
        return {}

    @cache
    def unread_notifications() -> int:
        return selectors.unread_count(user)

    return {"unread_notifications": unread_notifications}
