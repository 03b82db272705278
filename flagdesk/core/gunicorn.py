# SPDX-License-Identifier: EUPL-1.2
"""gunicorn's sync worker, answering the request lines and headers it refuses as problem+json.

gunicorn refuses a request line over ``limit_request_line`` (414) or too many or too large
headers (431) before Django sees the request, with an HTML page of its own. The API promises
problem+json for every error (docs/security.md), and the refusal comes before the path is
known, so these answers are problem+json for every path. deploy/gunicorn.conf.py uses it.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.sync import SyncWorker

from flagdesk.core.problems import PROBLEM_CONTENT_TYPE

REFUSALS: dict[type[Exception], tuple[int, str, str]] = {
    LimitRequestLine: (414, "URI Too Long", "The request line (URI) is too long."),
    LimitRequestHeaders: (
        431,
        "Request Header Fields Too Large",
        "The request has too many or too large header fields.",
    ),
}


class ProblemSyncWorker(SyncWorker):
    def handle_error(self, req: Any, client: Any, addr: Any, exc: Exception) -> None:
        refusal = next((r for kind, r in REFUSALS.items() if isinstance(exc, kind)), None)
        if refusal is None:
            super().handle_error(req, client, addr, exc)
            return
        status, reason, detail = refusal
        self.log.warning("Invalid request: %s", exc)
        try:
            util.write_nonblock(client, problem_bytes(status, reason, detail))
        except Exception:
            self.log.debug("Failed to send error message.")


def problem_bytes(status: int, reason: str, detail: str) -> bytes:
    body = json.dumps(
        {"type": "about:blank", "title": reason, "status": status, "detail": detail}
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: {PROBLEM_CONTENT_TYPE}\r\nContent-Length: {len(body)}\r\n"
        f"Cache-Control: no-store\r\nAPI-Version: {settings.API_VERSION}\r\n\r\n"
    )
    return head.encode("latin-1") + body
