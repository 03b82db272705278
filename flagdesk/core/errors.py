# SPDX-License-Identifier: EUPL-1.2
"""Django's error handlers (flagdesk/urls.py): problem+json under /api/, pages elsewhere.

DRF answers the errors raised inside its views (core.api.problem_exception_handler); these
handlers answer the rest: an unknown path under /api/, a body Django refuses before any
view reads it, an unexpected exception. A 500 says nothing about the error itself.

The pages (templates 400/403/404/500.html in core) use the site's layout with a way back;
500.html needs no context, since Django renders it without one.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults

from flagdesk.core.problems import is_api, problem_http_response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return problem_http_response(413, _("The request body is larger than this API accepts."))
    return problem_http_response(400, _("The request could not be read."))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.permission_denied(request, exception)
    return problem_http_response(403, _("You may not do this."))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return problem_http_response(404, _("There is nothing at this path in this API."))


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api(request):
        return defaults.server_error(request)
    return problem_http_response(500, _("Something went wrong on our side; it has been logged."))
