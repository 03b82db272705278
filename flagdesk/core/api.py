# SPDX-License-Identifier: EUPL-1.2
"""Shared API plumbing for /api/v1 (NL API Design Rules).

- every error is ``application/problem+json`` (RFC 9457) with status, title and detail;
- every response carries the full ``API-Version`` header (see core.middleware) and the
  OpenAPI document says so;
- lists are paginated with ``page``/``pageSize`` (camelCase query keys), see core.pagination;
- the OpenAPI document is made by core.schema.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="URI reference that identifies the problem type.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    invalid_params = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()), required=False,
        help_text="Per field: name and reason.",
    )


def _invalid_params(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    params: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            params.extend(_invalid_params(value, name))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                params.extend(_invalid_params(value, f"{prefix}[{index}]"))
            else:
                params.append({"name": prefix or "non_field_errors", "reason": str(value)})
    else:
        params.append({"name": prefix or "non_field_errors", "reason": str(detail)})
    return params


def problem_response(status_code: int, title: str, detail: str,
                     invalid_params: list[dict[str, str]] | None = None,
                     headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if invalid_params:
        body["invalid_params"] = invalid_params
    response = Response(body, status=status_code, headers=headers,
                        content_type=PROBLEM_CONTENT_TYPE)
    return response


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        title, detail = "Invalid input", "One or more fields are invalid."
        params = _invalid_params(exc.detail)
        if len(params) == 1:
            detail = params[0]["reason"]
    else:
        title = getattr(exc, "title", None) or _title_for(response.status_code)
        detail = str(exc.detail) if not isinstance(exc.detail, dict | list) else title
        params = None
    headers = {k: v for k, v in response.items() if k in {"WWW-Authenticate", "Retry-After",
                                                           "Allow"}}
    return problem_response(response.status_code, title, detail, params, headers)


def _title_for(status_code: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"
