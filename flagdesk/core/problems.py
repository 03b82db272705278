# SPDX-License-Identifier: EUPL-1.2
"""problem+json (RFC 9457) for answers made outside DRF: middleware and Django's handlers.

Kept free of DRF imports: middleware loads it while Django starts. DRF's own error answers
are made by core.api.problem_exception_handler, in the same shape.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


class StateConflict(Exception):
    """The action is not possible in the record's current state: 409 Conflict in the API.

    Domain errors subclass it (``assessments.service.WorkflowError``), so core.api maps them
    without importing the apps above it.
    """


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def title_for(status_code: int) -> str:
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
    return HttpResponse(json.dumps(body), status=status_code, content_type=PROBLEM_CONTENT_TYPE)
