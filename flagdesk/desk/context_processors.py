# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from flagdesk.accounts.permissions import Action, can


def flagdesk(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "organisation_name": settings.ORGANISATION_NAME,
        "perms_fd": {action.value: can(user, action) for action in Action},
    }
