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

    # A live page read the bell's state for its version just before the view: that count.
    state = getattr(request, "live_user_sources", {}).get("notifications")
    if isinstance(state, selectors.BellState):
        return {"unread_notifications": state.unread}

    @cache
    def unread_notifications() -> int:
        return selectors.unread_count(user)

    return {"unread_notifications": unread_notifications}
