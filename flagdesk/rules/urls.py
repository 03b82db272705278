# SPDX-License-Identifier: EUPL-1.2
"""Platform-aware URL normalisation: one piece of content, one string.

Two URLs that point at the same post normalise to the same string; two different posts
never do. Tracking parameters are dropped, but a query parameter that *identifies* the
content (Facebook ``story_fbid``, YouTube ``v``) is kept. Pure functions, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit


class InvalidUrl(ValueError):
    pass


MAX_URL_LENGTH = 4096

X_HOSTS = {
    "x.com",
    "twitter.com",
    "mobile.twitter.com",
    "mobile.x.com",
    "m.twitter.com",
    "fxtwitter.com",
    "vxtwitter.com",
    "fixupx.com",
    "nitter.net",
}
YOUTUBE_HOSTS = {
    "youtube.com",
    "m.youtube.com",
    "music.youtube.com",
    "youtube-nocookie.com",
    "youtu.be",
    "gaming.youtube.com",
}
FACEBOOK_HOSTS = {
    "facebook.com",
    "m.facebook.com",
    "mbasic.facebook.com",
    "web.facebook.com",
    "touch.facebook.com",
    "business.facebook.com",
    "fb.com",
    "mobile.facebook.com",
    "free.facebook.com",
}
INSTAGRAM_HOSTS = {"instagram.com", "m.instagram.com", "instagr.am"}
THREADS_HOSTS = {"threads.net", "threads.com"}
TIKTOK_HOSTS = {"tiktok.com", "m.tiktok.com"}
SNAPCHAT_HOSTS = {"snapchat.com", "story.snapchat.com"}

# Query parameters that identify Facebook content; everything else there is tracking.
FACEBOOK_ID_PARAMS = (
    "story_fbid",
    "fbid",
    "id",
    "v",
    "set",
    "multi_permalinks",
    "comment_id",
    "reply_comment_id",
)
# The one list of tracking parameters: query parameters that identify the sharer, the campaign
# or the app a link was shared from, never the content. Platform hosts keep only their
# identifying parameters anyway; this list is what a link to any other site loses. It is the
# union of the two lists intake and narrative matching kept before issue 13: intake's
# (click ids, analytics) plus matching's share markers (``s``, ``t``, ``ref``, ``feature``,
# ``share``, ``from``, ``xmt``, ``_r``, ``is_from_webapp``, ``sender_device``). ``s`` is
# also WordPress's search parameter: a search page is not content a notice names.
# Parameters such as ``id`` or ``p`` stay: on an unknown site they may well select the article.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid"}
    | {"mc_cid", "mc_eid", "igshid", "igsh", "mibextid", "si", "_ga", "_gl", "wtsid"}
    | {"cmpid", "ocid", "ref", "ref_src", "ref_url", "s", "t", "feature", "share", "from"}
    | {"xmt", "_r", "is_from_webapp", "sender_device"}
)
TRACKING_PREFIXES = ("utm_",)
# Intake's list before the merge. Case URLs stored before it keep the form this list gave
# them (their hashes and the digests of decisions over them must not change), so a lookup
# of stored URLs also tries that form (:func:`url_forms`).
PRE_MERGE_TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|igsh|si|ref_src|"
    r"ref_url|mibextid|_ga|_gl|wtsid|yclid|twclid|ttclid|cmpid|ocid)$",
    re.IGNORECASE,
)
X_STATUS = re.compile(r"^/(?:#!/)?(?:[^/]+|i(?:/web)?)/status(?:es)?/(\d+)", re.IGNORECASE)
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
TIKTOK_VIDEO = re.compile(r"^/@([^/]+)/(?:video|photo)/(\d+)", re.IGNORECASE)
TIKTOK_V = re.compile(r"^/v/(\d+)(?:\.html)?", re.IGNORECASE)


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _was_tracking_param(name: str) -> bool:
    return PRE_MERGE_TRACKING_PARAMS.match(name) is not None


def normalise_url(raw: str) -> str:
    """The canonical form of a content URL. Raises :class:`InvalidUrl` for non-URLs."""
    return _normalise(raw, is_tracking_param)


def url_forms(raw: str) -> tuple[str, ...]:
    """The canonical form first, then the form a case URL stored before the lists were merged
    has, when that differs (only links to other sites with a share marker such as ``ref``).

    Lookups of stored URLs try every form, so an old duplicate is still found."""
    current = normalise_url(raw)
    before = _normalise(raw, _was_tracking_param)
    return (current,) if before == current else (current, before)


def _normalise(raw: str, tracking: Callable[[str], bool]) -> str:
    parts = _split(raw)
    host = _bare_host(parts.hostname or "")
    path = _clean_path(parts.path)
    query = parse_qsl(parts.query, keep_blank_values=False)

    if host in X_HOSTS:
        if parts.fragment.startswith("!/"):
            # Old-style links: twitter.com/#!/handle/status/123
            path = _clean_path(parts.fragment[1:])
        return _x(path, query)
    if host in YOUTUBE_HOSTS:
        return _youtube(host, path, query)
    if host in FACEBOOK_HOSTS:
        return _facebook(path, query)
    if host in INSTAGRAM_HOSTS:
        return _instagram(path)
    if host in THREADS_HOSTS:
        return _threads(path)
    if host in TIKTOK_HOSTS:
        return _tiktok(path)
    if host in SNAPCHAT_HOSTS:
        return _build(host, _lower_handles(path), [])
    return _generic(parts.scheme, host, parts.port, path, query, tracking)


def _split(raw: str) -> SplitResult:
    if not isinstance(raw, str):
        raise InvalidUrl("a URL must be a string")
    text = raw.strip()
    if not text or len(text) > MAX_URL_LENGTH or any(_bad_char(ch) for ch in text):
        raise InvalidUrl(f"not a URL: {raw[:80]!r}")
    if "://" not in text:
        text = "https://" + text.removeprefix("//")
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise InvalidUrl(f"not a URL: {raw[:80]!r}") from exc
    if parts.scheme.lower() not in {"http", "https"}:
        raise InvalidUrl(f"only http(s) URLs identify content: {raw[:80]!r}")
    host = (parts.hostname or "").strip(".")
    if not host or parts.username is not None or ("." not in host and host != "localhost"):
        raise InvalidUrl(f"not a URL with a host name: {raw[:80]!r}")
    return parts


def _bad_char(ch: str) -> bool:
    # Spaces and control or invisible characters (NUL, zero-width space) never belong in a
    # content URL and would make two different-looking inputs compare equal.
    return ch.isspace() or not ch.isprintable()


def _bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidUrl(f"invalid host name: {host!r}") from exc
    return host.removeprefix("www.")


def _clean_path(path: str) -> str:
    # Decode then re-encode, so %7E and ~ compare equal; collapse duplicate slashes. An
    # encoded slash (%2F) stays encoded: decoding it would merge two different paths.
    path = "%2F".join(
        quote(unquote(part), safe="/@!$&'()*+,;=:~-._") for part in re.split("%2[fF]", path)
    )
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    return path or "/"


def _build(host: str, path: str, query: list[tuple[str, str]]) -> str:
    return urlunsplit(("https", host, path, urlencode(sorted(query)), ""))


def _x(path: str, query: list[tuple[str, str]]) -> str:
    status = X_STATUS.match(path)
    if status:
        # The status id alone identifies a post; the handle in front may change or vary in case.
        return f"https://x.com/i/status/{status.group(1)}"
    if path.lower() == "/search":
        return _build("x.com", "/search", [(k, v) for k, v in query if k == "q"])
    return _build("x.com", _lower_first_segment(path), [])


def _lower_first_segment(path: str) -> str:
    # The handle is case-insensitive, but ids further on (/i/spaces/1AbC) are not.
    head, sep, rest = path[1:].partition("/")
    return f"/{head.lower()}{sep}{rest}"


def _youtube(host: str, path: str, query: list[tuple[str, str]]) -> str:
    video_id = None
    if host == "youtu.be":
        video_id = path.strip("/").split("/")[0]
    elif path == "/watch":
        video_id = dict(query).get("v")
    else:
        match = re.match(r"^/(?:shorts|embed|live|v|e)/([^/]+)", path)
        if match:
            video_id = match.group(1)
    if video_id and YOUTUBE_ID.match(video_id):
        return f"https://youtube.com/watch?v={video_id}"
    if host == "youtu.be":
        # Without a video id the short link keeps its host: its path means something else on
        # youtube.com ("/e/x" there is an embed of video "x"), and normalising must be idempotent.
        return _build("youtu.be", path, [])
    if path.startswith("/@"):
        return _build("youtube.com", path.lower(), [])
    # ``v`` stays even when it is not a well-formed id, so two such links never collide.
    identifying = [(k, v) for k, v in query if k in {"v", "list", "search_query"}]
    return _build("youtube.com", path, identifying)


def _facebook(path: str, query: list[tuple[str, str]]) -> str:
    kept = [(k, v) for k, v in query if k in FACEBOOK_ID_PARAMS]
    return _build("facebook.com", path, kept)


def _instagram(path: str) -> str:
    # /reel/, /reels/ and /tv/ show the same media as /p/ for one shortcode (case-sensitive).
    match = re.match(r"^(?:/[^/]+)?/(?i:p|reel|reels|tv)/([A-Za-z0-9_-]+)", path)
    if match:
        return f"https://instagram.com/p/{match.group(1)}"
    return _build("instagram.com", path.lower(), [])


def _threads(path: str) -> str:
    match = re.match(r"^/@([^/]+)/post/([A-Za-z0-9_-]+)", path)
    if match:
        return f"https://threads.net/@{match.group(1).lower()}/post/{match.group(2)}"
    match = re.match(r"^/t/([A-Za-z0-9_-]+)", path)
    if match:
        return f"https://threads.net/t/{match.group(1)}"
    return _build("threads.net", path.lower(), [])


def _tiktok(path: str) -> str:
    match = TIKTOK_VIDEO.match(path) or TIKTOK_V.match(path)
    if match:
        return f"https://tiktok.com/video/{match.groups()[-1]}"
    return _build("tiktok.com", _lower_handles(path), [])


def _lower_handles(path: str) -> str:
    # Handles and usernames are case-insensitive; other path parts (ids) are not.
    segments = path.split("/")
    first = segments[1] if len(segments) > 1 else ""
    if first.startswith("@") or first in {"add", "u"}:
        segments = [s.lower() if i <= 2 else s for i, s in enumerate(segments)]
    return "/".join(segments)


def _generic(
    scheme: str,
    host: str,
    port: int | None,
    path: str,
    query: list[tuple[str, str]],
    tracking: Callable[[str], bool],
) -> str:
    default_port = {"http": 80, "https": 443}.get(scheme.lower())
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    kept = [(k, v) for k, v in query if not tracking(k)]
    return urlunsplit(("https", netloc, path, urlencode(sorted(kept)), ""))


def is_valid_url(raw: str) -> bool:
    try:
        normalise_url(raw)
    except InvalidUrl:
        return False
    return True


def content_host(normalised: str) -> str:
    """The host of a URL :func:`normalise_url` gave: lower case, without ``www.``."""
    return _bare_host(urlsplit(normalised).hostname or "")


def platform_of_host(host: str, registry: Mapping[str, str]) -> str | None:
    """The platform whose content lives on ``host``, from ``registry`` (host → platform key).

    A subdomain belongs to the platform of its parent (``vm.tiktok.com`` is TikTok's when
    ``tiktok.com`` is registered); the longest registered match wins, so a platform may claim
    a subdomain of another's host. Give the host of a normalised URL: normalisation already
    turned every alias :mod:`urls` knows (``youtu.be``, ``m.youtube.com``, ``fxtwitter.com``)
    into the platform's canonical host. ``None``: no platform's (a news site).
    """
    labels = host.lower().strip(".").removeprefix("www.").split(".")
    for start in range(len(labels) - 1):
        owner = registry.get(".".join(labels[start:]))
        if owner is not None:
            return owner
    return None
