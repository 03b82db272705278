# SPDX-License-Identifier: EUPL-1.2
"""What content a notice names, checked against the set its decision approved.

Used when the notice is frozen (``service.send``) and again by the worker just before the
bytes go out (``dispatch``): a notice may name no content outside the approved set. A URL in
the text counts as content when FlagDesk holds it as a case URL of the election, or when it
lies on a platform's content host (``x.com``, ``youtube.com``, ... from the registry and
``rules/urls.py``); other links are citations (the Kiesraad's rules, the platform's
policy and help pages) and may stay.
"""

from __future__ import annotations

import email
import hashlib
from email import policy
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from flagdesk.assessments.models import Decision
from flagdesk.intake import selectors as case_reads
from flagdesk.intake.service import url_hash
from flagdesk.notices.models import Notice
from flagdesk.platforms import selectors as platform_reads
from flagdesk.rules.urls import (
    FACEBOOK_HOSTS,
    INSTAGRAM_HOSTS,
    SNAPCHAT_HOSTS,
    THREADS_HOSTS,
    TIKTOK_HOSTS,
    X_HOSTS,
    YOUTUBE_HOSTS,
    InvalidUrl,
    normalise_url,
    url_forms,
)
from flagdesk.rules.urlset import SetReason, notice_problems, urls_in_text

URLNORM_HOSTS = frozenset().union(
    X_HOSTS,
    YOUTUBE_HOSTS,
    FACEBOOK_HOSTS,
    INSTAGRAM_HOSTS,
    THREADS_HOSTS,
    TIKTOK_HOSTS,
    SNAPCHAT_HOSTS,
)

# What the person sending is told, per reason.
REASON_TEXT = {
    SetReason.URL_NOT_APPROVED: _("it names content outside the URLs the approved decision covers"),
    SetReason.SET_TAMPERED: _("the approved decision's URL set no longer matches its digest"),
    SetReason.BYTES_CHANGED: _("the frozen message no longer matches its digest"),
}


def _normalised(urls: list[str]) -> set[str]:
    found = set()
    for raw in urls:
        try:
            found.add(normalise_url(raw))
        except InvalidUrl:
            continue
    return found


def _content_hosts() -> set[str]:
    return set(URLNORM_HOSTS) | platform_reads.registered_hosts()


def _citations() -> set[str]:
    """The platforms' own policy and reporting pages: links a notice may always carry."""
    return _normalised(platform_reads.policy_and_reporting_pages())


def named_content(text: str, notice: Notice) -> set[str]:
    """The normalised content URLs a notice's text names; a URL a case stored in an older
    form (``rules.urls.url_forms``) is named in that form, as the decision's set holds it."""
    citations = _citations()
    named = {forms[0]: forms for forms in _forms(urls_in_text(text)) if forms[0] not in citations}
    if not named:
        return set()
    hashes = [url_hash(form) for forms in named.values() for form in forms]
    known = case_reads.known_normalised_urls(notice.case.election_id, hashes)
    hosts = _content_hosts()
    found = set()
    for url, forms in named.items():
        stored = next((form for form in forms if form in known), None)
        if stored is not None:
            found.add(stored)
        elif (urlsplit(url).hostname or "") in hosts:
            found.add(url)
    return found


def _forms(urls: list[str]) -> list[tuple[str, ...]]:
    found = []
    for raw in urls:
        try:
            found.append(url_forms(raw))
        except InvalidUrl:
            continue
    return found


def problems(notice: Notice, text: str) -> tuple[SetReason, ...]:
    """Why ``text`` (the notice's subject and body, or what its frozen bytes say) may not go
    out for this notice; empty when it names only content its decision approved."""
    decision: Decision = notice.decision
    approved = set(decision.url_set.values_list("normalised_url", flat=True))
    return notice_problems(named_content(text, notice), approved, decision.url_set_sha256)


def draft_problems(notice: Notice) -> tuple[SetReason, ...]:
    return problems(notice, f"{notice.subject}\n{notice.body}")


def frozen_problems(notice: Notice) -> tuple[SetReason, ...]:
    """The check the worker makes on the exact bytes it is about to send."""
    raw = bytes(notice.raw or b"")
    if hashlib.sha256(raw).hexdigest() != notice.raw_sha256:
        return (SetReason.BYTES_CHANGED,)
    message = email.message_from_bytes(raw, policy=policy.default)
    parts = [str(message.get("Subject", ""))]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(str(part.get_content()))
    return problems(notice, "\n".join(parts))


def explain(reasons: tuple[str, ...]) -> str:
    return "; ".join(str(REASON_TEXT.get(SetReason(reason), reason)) for reason in reasons)
