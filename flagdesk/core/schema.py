# SPDX-License-Identifier: EUPL-1.2
"""The OpenAPI document: problem+json errors and the API-Version header on every operation."""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from flagdesk.core.api import PROBLEM_CONTENT_TYPE, ProblemSerializer


class ProblemAutoSchema(AutoSchema):
    """Documents problem+json error responses on every operation."""

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        problem_ref = self.resolve_serializer(ProblemSerializer, "response").ref
        errors = {
            "400": "Invalid input.",
            "401": "Not authenticated.",
            "403": "Not allowed.",
            "404": "Not found.",
            "406": "Not acceptable.",
            "409": "Not possible in the current state.",
            "413": "Request body too large.",
            "414": "URI too long.",
            "415": "Unsupported media type.",
            "429": "Too many requests.",
            "500": "Server error.",
        }
        # Statuses only some operations answer, declared on the view: {method: {code: text}}.
        errors.update(getattr(self.view, "problem_responses", {}).get(self.method.lower(), {}))
        method = self.method.lower()
        if method == "get" and not self._get_parameters_for_errors():
            errors.pop("400")
        if not self._requires_auth():
            errors.pop("401")
            errors.pop("403")
            errors.pop("429")
        if method not in {"post", "put", "patch"}:
            errors.pop("415")
            errors.pop("413")
            errors.pop("409")
        for code, description in errors.items():
            responses.setdefault(
                code,
                {
                    "content": {PROBLEM_CONTENT_TYPE: {"schema": problem_ref}},
                    "description": description,
                },
            )
        return responses

    def _get_parameters_for_errors(self) -> bool:
        return bool(self._get_parameters()) or self._is_list_view()

    def _requires_auth(self) -> bool:
        return bool(self.view.get_permissions()) and not getattr(self.view, "public", False)


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """``Authorization: Bearer fd_…`` tokens for partners' systems and staff scripts."""

    target_class = "flagdesk.accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token issued by an administrator (fd_…).",
        }


def add_version_headers(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular hook: declare the API-Version header on every response."""
    header = {
        "description": "The full version of the API (semver).",
        "schema": {"type": "string", "example": settings.API_VERSION},
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                response.setdefault("headers", {})["API-Version"] = header
    result.setdefault("components", {}).setdefault("headers", {})["API-Version"] = header
    return result


def add_language_and_location(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular hook: ``Accept-Language`` on every operation, ``Content-Language`` on
    every response (core.middleware negotiates them) and ``Location`` on every 201."""
    language = {
        "description": "The language of the answer: nl or en.",
        "schema": {"type": "string", "enum": ["nl", "en"]},
    }
    location = {
        "description": "The URL of the resource just created.",
        "schema": {"type": "string", "format": "uri"},
    }
    accept = {
        "name": "Accept-Language",
        "in": "header",
        "required": False,
        "description": "nl (default) or en: problem titles, details and reasons follow it.",
        "schema": {"type": "string", "example": "en"},
    }
    components = result.setdefault("components", {})
    components.setdefault("parameters", {})["AcceptLanguage"] = accept
    components.setdefault("headers", {})["Content-Language"] = language
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            parameters = operation.setdefault("parameters", [])
            parameters.append({"$ref": "#/components/parameters/AcceptLanguage"})
            for code, response in operation.get("responses", {}).items():
                headers = response.setdefault("headers", {})
                headers["Content-Language"] = language
                if str(code) == "201":
                    headers["Location"] = location
    return result


# Links between operations (OpenAPI 3 "links"): where an answer leads next, e.g. from a
# created signal to reading it. Apps register theirs next to their views (core knows no
# app); schemathesis follows them in the stateful test (core/tests/test_api_contract.py).
_LINKS: dict[tuple[str, str, str], tuple[str, dict[str, str]]] = {}


def register_link(
    source: str, status: str, name: str, target: str, parameters: dict[str, str]
) -> None:
    """From the answer ``status`` of operation ``source`` to operation ``target``, filling
    its ``parameters`` with runtime expressions ("$response.body#/id", "$request.path.id")."""
    _LINKS[(source, status, name)] = (target, parameters)


def add_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the registered links into the document. A link
    naming an operation the document lacks fails the build instead of vanishing."""
    operations = {
        operation["operationId"]: operation
        for path in result.get("paths", {}).values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for (source, status, name), (target, parameters) in sorted(_LINKS.items()):
        if source not in operations or target not in operations:
            raise ValueError(f"OpenAPI link {name}: no operation {source!r} or {target!r}")
        answer = operations[source]["responses"][status]
        answer.setdefault("links", {})[name] = {"operationId": target, "parameters": parameters}
    return result
