# SPDX-License-Identifier: EUPL-1.2
"""The API's JSON parser: DRF's, behind a size limit and a nesting-depth limit."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from flagdesk.core.jsonlimits import TooDeep, check_depth


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is larger than this API accepts."
    default_code = "payload_too_large"


class LimitedJSONParser(JSONParser):
    """JSON bodies up to ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes and ``JSON_MAX_DEPTH`` deep.

    Too large is 413, too deep 400 (a malformed request), both as problem+json through the
    API's exception handler; nothing deeper than the limit reaches the recursive parser.
    """

    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        data = read_limited(stream, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        try:
            check_depth(data, settings.JSON_MAX_DEPTH)
        except TooDeep as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}.") from exc
        return super().parse(io.BytesIO(data), media_type, parser_context)


def read_limited(stream: IO[Any] | None, limit: int) -> bytes:
    """At most ``limit`` bytes of ``stream``; more is :class:`PayloadTooLarge`."""
    if stream is None:
        return b""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit // 1024} KB.")
    return bytes(data)
