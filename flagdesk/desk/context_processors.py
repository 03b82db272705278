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
        "theme": _theme(),
        "perms_fd": {action.value: can(user, action) for action in Action},
    }


def _theme() -> dict[str, str]:
    # Static names under the "theme" prefix that settings.STATICFILES_DIRS gives the
    # organisation's directory; empty when the organisation brings none.
    return {
        "css": f"theme/{settings.THEME_CSS}" if settings.THEME_CSS else "",
        "logo": f"theme/{settings.THEME_LOGO}" if settings.THEME_LOGO else "",
        "css_class": settings.THEME_CLASS,
    }
