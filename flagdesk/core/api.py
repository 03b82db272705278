# SPDX-License-Identifier: EUPL-1.2
"""Shared API plumbing for /api/v1 (NL API Design Rules).

- every error is ``application/problem+json`` (RFC 9457) with status, title and detail;
- every response carries the full ``API-Version`` header (see core.middleware) and the
  OpenAPI document says so;
- lists are paginated with ``page``/``pageSize`` (camelCase query keys), see core.pagination;
- the OpenAPI document is made by core.schema;
- every answer is in one language, negotiated from ``Accept-Language`` (nl by default, en) by
  core.middleware, which also sets ``Content-Language``: problem titles, details and
  ``invalid_params`` reasons are all in it;
- every 201 carries ``Location``, the new resource's URL (:func:`created`).
"""

from __future__ import annotations

import base64
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, permissions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from flagdesk.core.problems import PROBLEM_CONTENT_TYPE as PROBLEM_CONTENT_TYPE
from flagdesk.core.problems import StateConflict, title_for


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="URI reference that identifies the problem type.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    invalid_params = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        required=False,
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


def problem_response(
    status_code: int,
    title: str,
    detail: str,
    invalid_params: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    *,
    problem_type: str = "about:blank",
    extensions: dict[str, Any] | None = None,
) -> Response:
    """A problem+json answer. ``extensions`` are members of a ``problem_type`` of our own
    (RFC 9457 3.2); ``about:blank`` has none."""
    body: dict[str, Any] = {
        "type": problem_type,
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if invalid_params:
        body["invalid_params"] = invalid_params
    body.update(extensions or {})
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def created(request: Request, data: Any, url_name: str, **kwargs: Any) -> Response:
    """201 Created with ``Location``: the absolute URL of the new resource (RFC 9110 15.3.2)."""
    location = request.build_absolute_uri(reverse(url_name, kwargs=kwargs))
    return Response(data, status=201, headers={"Location": location})


class Conflict(exceptions.APIException):
    """The request is valid but not possible in the current state (service WorkflowError)."""

    status_code = 409
    default_detail = gettext_lazy("The request conflicts with the current state.")
    default_code = "conflict"


class Unprocessable(exceptions.ValidationError):
    """Well-formed input the server cannot act on (422), with ``invalid_params`` per field."""

    status_code = 422
    title = gettext_lazy("Unprocessable Content")
    default_code = "unprocessable"


class AuthenticatedAndVerified(permissions.BasePermission):
    """Authenticated; a browser session must also have passed the second factor.

    Token users are exempt: the token itself is the credential a partner's system holds.
    """

    message = gettext_lazy("Confirm your second factor (TOTP) before using the API with a session.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if isinstance(request.successful_authenticator, SessionAuthentication):
            # is_verified is added to the user by django_otp's OTPMiddleware.
            return not settings.REQUIRE_2FA or bool(user.is_verified())  # type: ignore[attr-defined]
        return True


MAX_DB_INT = 2**31 - 1


def path_int(value: str) -> int:
    """A numeric id from the path; anything else (or out of range) is simply not found."""
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_DB_INT:
        raise exceptions.NotFound()
    return int(value)


def path_reference(value: str) -> str:
    """A case reference (FD-2023-0001); odd input is not found rather than sent to the DB."""
    if not re.fullmatch(r"[A-Za-z0-9-]{1,20}", value):
        raise exceptions.NotFound()
    return value


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Imported late: DRF loads this module (for the permission classes) while
    # rest_framework.views itself is still being imported.
    from rest_framework.views import exception_handler

    if isinstance(exc, StateConflict):
        exc = Conflict(str(exc))
    elif isinstance(exc, DjangoValidationError):
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
        title = str(getattr(exc, "title", _("Invalid input")))
        detail = _("One or more fields are invalid.")
        params = _invalid_params(exc.detail)
        if len(params) == 1:
            detail = params[0]["reason"]
    else:
        title = str(getattr(exc, "title", None) or title_for(response.status_code))
        detail = str(exc.detail) if not isinstance(exc.detail, dict | list) else title
        params = None
    headers = {
        k: v for k, v in response.items() if k in {"WWW-Authenticate", "Retry-After", "Allow"}
    }
    return problem_response(response.status_code, title, detail, params, headers)


def repr_digest(sha256_hex: str) -> str:
    """The ``Repr-Digest`` field value of RFC 9530 for a hex SHA-256: ``sha-256=:<base64>:``
    (downloads of archived mail and report files)."""
    return f"sha-256=:{base64.b64encode(bytes.fromhex(sha256_hex)).decode('ascii')}:"
