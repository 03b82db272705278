# SPDX-License-Identifier: EUPL-1.2
"""problem+json (RFC 9457) for answers made outside DRF: middleware and Django's handlers.

Kept free of DRF imports: middleware loads it while Django starts. DRF's own error answers
are made by core.api.problem_exception_handler, in the same shape.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

PROBLEM_CONTENT_TYPE = "application/problem+json"


class StateConflict(Exception):
    """The action is not possible in the record's current state: 409 Conflict in the API.

    Domain errors subclass it (``assessments.service.WorkflowError``), so core.api maps them
    without importing the apps above it.
    """


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


# The titles of the statuses FlagDesk answers, in the answer's language (the API negotiates
# it from Accept-Language, core.middleware); any other status gets its English phrase.
TITLES: dict[int, Promise] = {
    400: _("Bad Request"),
    401: _("Unauthorized"),
    403: _("Forbidden"),
    404: _("Not Found"),
    405: _("Method Not Allowed"),
    406: _("Not Acceptable"),
    409: _("Conflict"),
    413: _("Content Too Large"),
    414: _("URI Too Long"),
    415: _("Unsupported Media Type"),
    422: _("Unprocessable Content"),
    429: _("Too Many Requests"),
    500: _("Internal Server Error"),
    503: _("Service Unavailable"),
}


def title_for(status_code: int) -> str:
    if status_code in TITLES:
        return str(TITLES[status_code])
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def problem_http_response(status_code: int, detail: str) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": title_for(status_code),
        "status": status_code,
        "detail": detail,
    }
    response = HttpResponse(json.dumps(body), status=status_code, content_type=PROBLEM_CONTENT_TYPE)
    # Also for answers made before the locale middleware ran (a URI too long): the title is
    # in the active language, and the header says which.
    response["Content-Language"] = get_language() or "nl"
    return response
