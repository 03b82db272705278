# SPDX-License-Identifier: EUPL-1.2
"""Live pages: cheap conditional polling with ETags (docs/architecture.md, "Live updates").

An open live page asks for itself again every ``FLAGDESK_LIVE_POLL_MS`` with the header
``X-FlagDesk-Live: 1`` and ``If-None-Match``. The ETag is an HMAC over the *version* of
everything the pages show, the user, the session's login and second-factor state, the
language and the path with its query. When nothing changed, :class:`LiveMiddleware`
answers 304 after reading the session and the version, before authentication, OTP,
messages or any view run; otherwise the view renders as for a normal request.

The version is a tuple of cheap reads from *version sources*. ``core`` knows none of the
domain apps: the audit app registers the chain head (every state change writes an audit
event), and an app whose visible state changes without an audit event registers a source
of its own (``register_version_source``) from its ``AppConfig.ready()``.

A page about one thing (a case) gives ``live_page`` a *scope*: a function of the request
and the URL's arguments that reads the version of that thing alone (its own last audit
event, its own last delivery attempt). Its ETag then leaves out the global sources, so
the signals pouring in elsewhere during a surge do not make its polls render it again.
Every page, scoped or not, also carries the *per-user* sources (the bell in the header)
and the minute (clocks and "5 min ago" move with time).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation

HEADER = "X-FlagDesk-Live"
# django-otp keeps the verified device here; part of the ETag, so a session that has not
# (or no longer) confirmed its second factor never matches a verified session's ETag.
OTP_SESSION_KEY = "otp_device_id"

VersionSource = Callable[[], object]
UserVersionSource = Callable[[int], object]
# A page's own version: the request and the URL's keyword arguments -> a cheap read.
Scope = Callable[..., object]
_SOURCES: dict[str, VersionSource] = {}
_USER_SOURCES: dict[str, UserVersionSource] = {}
# Sources every page carries, scoped or not: what moves with time alone.
ALWAYS = frozenset({"minute"})


def register_version_source(name: str, source: VersionSource) -> None:
    """Add a cheap read (one indexed row, ideally a primary key) whose value changes
    whenever something a live page shows changes without writing an audit event."""
    _SOURCES[name] = source


def register_user_version_source(name: str, source: UserVersionSource) -> None:
    """Add a cheap read, given the user's id, of what every page shows that person alone
    (the bell): it is part of every page's version, scoped or not."""
    _USER_SOURCES[name] = source


def version_sources() -> dict[str, VersionSource]:
    return dict(_SOURCES)


def user_version_sources() -> dict[str, UserVersionSource]:
    return dict(_USER_SOURCES)


def current_version() -> str:
    """The version of everything: the global sources (the unscoped pages' version)."""
    if not _SOURCES:
        raise RuntimeError("no live version source is registered (the audit app registers one)")
    return "|".join(f"{name}={_SOURCES[name]()}" for name in sorted(_SOURCES))


def page_version(request: HttpRequest, scope: Scope | None, kwargs: dict[str, Any]) -> str:
    """The version of one page for the logged-in user: its scope's read (or every global
    source without one), the sources that move with time, and the user's own sources."""
    if scope is None:
        parts = [current_version()]
    else:
        parts = [f"{name}={_SOURCES[name]()}" for name in sorted(ALWAYS & _SOURCES.keys())]
        parts.append(f"scope={scope(request, **kwargs)}")
    user_id = request.session.get(SESSION_KEY)
    if user_id is not None:
        values = {n: _USER_SOURCES[n](int(user_id)) for n in sorted(_USER_SOURCES)}
        # Kept for the page: what it shows of them (the bell's count) needs no second read.
        request.live_user_sources = values  # type: ignore[attr-defined]
        parts += [f"{n}={value}" for n, value in values.items()]
    return "|".join(parts)


def _scope_of_path(request: HttpRequest) -> tuple[Scope | None, dict[str, Any]]:
    """The scope the path's view declared with ``live_page(scope=...)``, with the URL's
    arguments; none for an unscoped page or a path that resolves to nothing."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None, {}
    return getattr(match.func, "live_scope", None), dict(match.kwargs)


def is_live_request(request: HttpRequest) -> bool:
    return request.method == "GET" and request.headers.get(HEADER) == "1"


def etag_for(request: HttpRequest, version: str) -> str | None:
    """The ETag of this page for this session at ``version``; None without a login."""
    session = request.session
    user_id = session.get(SESSION_KEY)
    if user_id is None:
        return None
    parts = (
        version,
        str(user_id),
        str(session.get(HASH_SESSION_KEY, "")),
        str(session.get(OTP_SESSION_KEY, "")),
        translation.get_language() or "",
        request.get_full_path(),
    )
    key = settings.SECRET_KEY.encode("utf-8")
    digest = hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()
    return f'"{digest[:32]}"'


def _etags_sent(request: HttpRequest) -> set[str]:
    value = request.headers.get("If-None-Match", "")
    return {tag.strip().removeprefix("W/") for tag in value.split(",") if tag.strip()}


def no_content(status: int) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Cache-Control"] = "no-store, private"
    return response


class LiveMiddleware:
    """The short path of a poll: 304 when the page's ETag still matches, 401 without a
    login, both without a body. Sits right after the session and locale middleware, so
    the user, OTP and messages middleware do nothing for it; the session is only read,
    never saved, so polling does not count as activity and writes nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_live_request(request):
            return self.get_response(request)
        # base.html leaves flash messages for the page the user opens next: a poll that
        # renders must not take "Decision proposed" away from the page after the redirect.
        request.live_poll = True  # type: ignore[attr-defined]
        if request.session.get(SESSION_KEY) is None:
            return no_content(401)
        sent = _etags_sent(request)
        if sent:
            scope, kwargs = _scope_of_path(request)
            etag = etag_for(request, page_version(request, scope, kwargs))
            if etag in sent:
                response = no_content(304)
                response["ETag"] = etag
                return response
            # The page renders: its ETag is this one, read before the view as live_page
            # requires; reading the version again there would cost the same queries twice.
            request.live_etag_read = etag  # type: ignore[attr-defined]
        response = self.get_response(request)
        # A poll that did not get its page (a redirect to the second factor or the login, a
        # 403 after a role change, an error) gets no content: the page says "reload".
        if response.status_code != 200 or "ETag" not in response:
            return no_content(401 if response.status_code in (301, 302, 401, 403) else 409)
        return response


def live_page(
    view: Callable[..., HttpResponse] | None = None, *, scope: Scope | None = None
) -> Any:
    """Marks a page as live: its ETag is computed from the version read *before* the view
    queries anything, so a change during rendering shows at the next poll, never lost.

    ``@live_page`` versions the page by every global source; ``@live_page(scope=f)`` by
    ``f(request, **url_kwargs)`` alone (plus time and the user's own sources): ``f`` must
    change whenever anything the page shows changes."""
    if view is None:
        return lambda v: _live(v, scope)
    return _live(view, scope)


def _live(view: Callable[..., HttpResponse], scope: Scope | None) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        etag = None
        if request.method == "GET" and settings.LIVE_POLL_MS > 0:
            etag = getattr(request, "live_etag_read", None) or etag_for(
                request, page_version(request, scope, kwargs)
            )
        # Read by base.html, which then loads live.js and marks <main> as live.
        request.live_etag = etag  # type: ignore[attr-defined]
        request.live_poll_ms = settings.LIVE_POLL_MS  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        if etag and response.status_code == 200:
            response["ETag"] = etag
        return response

    # Read by LiveMiddleware through the URL resolver (``wraps`` carries it onto the
    # decorators above this one, such as login_required).
    wrapper.live_scope = scope  # type: ignore[attr-defined]
    return wrapper


def this_minute() -> int:
    return int(time.time() // 60)
