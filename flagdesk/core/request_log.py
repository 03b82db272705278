# SPDX-License-Identifier: EUPL-1.2
"""One log line per HTTP request, and a request id on every line logged while it runs.

The id comes from the reverse proxy's ``X-Request-ID`` when that is a sane token (so one id
follows a request from nginx into our logs), else it is made here; the response carries it
back. The line holds the method, the path without its query string (search terms and
filters may be personal data), the status, the duration, the user's id (never a name) and
the process id.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import structlog
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from flagdesk.core.logging import get_logger

HEADER = "X-Request-ID"
# Letters, digits and a few separators, as nginx's $request_id, UUIDs and most tracers make.
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")

logger = get_logger("flagdesk.request")


def request_id_from(value: str | None) -> str:
    """``value`` when it is a sane request id, else a new one."""
    if value and SANE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Not cleared on the way out of the middleware: Django logs "Not Found" and errors
        # after the middleware chain, and those lines should carry the id too.
        request_finished.connect(_forget, dispatch_uid="flagdesk-request-log")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        status = response.status_code
        log = logger.error if status >= 500 else logger.info
        if status == 304:
            # A live page asks every 1.5 s whether it changed (core/live.py); a line per
            # "no" would be most of the log. Still there at debug level.
            log = logger.debug
        log(
            "request",
            method=request.method,
            path=request.path,
            status=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            user_id=_user_id(request),
            # Which gunicorn worker answered: to follow one worker's requests, or a restart.
            pid=os.getpid(),
        )
        return response


def _forget(**kwargs: Any) -> None:
    structlog.contextvars.clear_contextvars()


def _user_id(request: HttpRequest) -> int | None:
    # Set by the session middleware, or by DRF for a token; absent when the request was
    # answered before authentication (a redirect to https, a static file).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return int(user.pk)
