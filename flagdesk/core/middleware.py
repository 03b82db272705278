# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from flagdesk.core.problems import is_api, problem_http_response

# Everything the UI needs is served from our own origin; htmx needs no eval.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


class ApiVersionMiddleware:
    """Adds the full ``API-Version`` header to every API response (NL API Design Rules)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.API_VERSION
        return response


# gunicorn's limit for the request line (deploy/gunicorn.conf.py); FlagDesk's own URLs,
# filters included, stay far below it.
MAX_URI_BYTES = 4094
NO_STORE = "no-store, private"


class UriLengthMiddleware:
    """414 for a path plus query string over :data:`MAX_URI_BYTES`, problem+json under /api/.

    gunicorn refuses longer request lines itself (flagdesk.core.gunicorn); this answers the
    same wherever else FlagDesk runs, so no server gives an over-long URI to the views.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if uri_bytes(request) > MAX_URI_BYTES:
            detail = f"The URI is longer than {MAX_URI_BYTES} bytes."
            if is_api(request):
                return problem_http_response(414, detail)
            return HttpResponse(detail, status=414, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def uri_bytes(request: HttpRequest) -> int:
    # Percent-encoded, as it came over the wire.
    return len(request.get_full_path())


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer FlagDesk's own code makes.

    Pages, downloads and API answers hold personal data; no browser cache, proxy or shared
    computer may keep a copy. Static files are answered by WhiteNoise before this
    middleware and keep their long cache lifetime; an answer that marks itself ``public``
    (the OpenAPI document) keeps its own header. docs/security.md gives the policy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "public" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = NO_STORE
            response["Pragma"] = "no-cache"  # for HTTP/1.0 caches
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


# One entry of Accept-Language (RFC 9110 12.5.4): a language range and an optional weight.
ACCEPT_LANGUAGE_ENTRY = re.compile(
    r"(?P<range>\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)"
    r"(?:\s*;\s*[qQ]\s*=\s*(?P<q>0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?))?"
)
# Longer than any honest header (browsers send under 100 bytes): read no further.
MAX_ACCEPT_LANGUAGE = 500


def api_language(header: str) -> str:
    """The answer's language for an API request: the ``Accept-Language`` entry with the
    highest weight among the languages FlagDesk speaks (nl, en; ``nl-BE`` is nl), the first
    of equal weights; Dutch when none matches.

    An entry that is not a well-formed language range (a CR/LF, a quote, a script) is
    skipped, never echoed: only one of ``settings.LANGUAGES`` ever reaches Content-Language.
    """
    spoken = {code for code, _name in settings.LANGUAGES}
    best, best_q = settings.LANGUAGE_CODE, 0.0
    for entry in header[:MAX_ACCEPT_LANGUAGE].split(","):
        match = ACCEPT_LANGUAGE_ENTRY.fullmatch(entry.strip())
        if match is None:
            continue
        weight = float(match["q"]) if match["q"] is not None else 1.0
        primary = match["range"].split("-")[0].lower()
        language = settings.LANGUAGE_CODE if primary == "*" else primary
        if language in spoken and weight > best_q:
            best, best_q = language, weight
    return best


class DutchByDefaultLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the user picked English with the language switch (a cookie); in the API,
    the language ``Accept-Language`` asks for (:func:`api_language`), Dutch by default.

    Django would otherwise follow the browser's Accept-Language; government staff on an
    English-language browser still get the Dutch interface by default. An API client has no
    language switch: it says what it reads in the header, and every answer (problem titles,
    ``invalid_params`` reasons, details) is in that one language. LocaleMiddleware's
    process_response sets ``Content-Language`` and ``Vary: Accept-Language``.
    """

    def process_request(self, request: HttpRequest) -> None:
        if is_api(request):
            language = api_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
