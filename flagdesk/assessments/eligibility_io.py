# SPDX-License-Identifier: EUPL-1.2
"""The JSON contract of ``flagdesk eligibility`` and ``POST /api/v1/geschiktheid``.

Input::

    {"signal": {"source_type", "source_organisation"?, "category", "platform", "content_urls"},
     "assessment": {"election_process_risk"?, "misleading"?, "harms"?,
                    "own_contact_attempts"?, "own_means_exhausted"?},
     "history"?: {"notified_urls": [...]}}

Output: ``{"eligible": bool, "reasons": [sorted codes], "referral": null | {...}}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flagdesk.rules.eligibility import (
    CATEGORIES,
    HARMS,
    AssessmentAnswers,
    History,
    PlatformFacts,
    SignalFacts,
)
from flagdesk.rules.urls import InvalidUrl, normalise_url

MAX_URLS = 1000


class InputError(ValueError):
    """The request is not of the documented form; the message says what is wrong."""


def parse_request(
    data: Any, resolve_platform: Callable[[str], PlatformFacts | None]
) -> tuple[SignalFacts, AssessmentAnswers, History]:
    if not isinstance(data, dict):
        raise InputError("input must be a JSON object")
    signal = _object(data, "signal", required=True)
    assessment = _object(data, "assessment", required=False)
    history = _object(data, "history", required=False)
    return (_signal(signal, resolve_platform), _assessment(assessment), _history(history))


def _object(data: dict[str, Any], key: str, required: bool) -> dict[str, Any]:
    value = data.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"'{key}' must be an object")
    return value


def _string(data: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"'{where}.{key}' must be a non-empty string")
    return value.strip()


def _url_list(data: dict[str, Any], key: str, where: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or len(value) > MAX_URLS:
        raise InputError(f"'{where}.{key}' must be a list of at most {MAX_URLS} URLs")
    for url in value:
        if not isinstance(url, str):
            raise InputError(f"'{where}.{key}' must contain only strings")
        try:
            normalise_url(url)
        except InvalidUrl as exc:
            raise InputError(f"'{where}.{key}': {exc}") from exc
    return value


def _signal(
    data: dict[str, Any], resolve_platform: Callable[[str], PlatformFacts | None]
) -> SignalFacts:
    source_type = _string(data, "source_type", "signal")
    category = _string(data, "category", "signal")
    platform = _string(data, "platform", "signal")
    assert source_type and category and platform
    if category not in CATEGORIES:
        raise InputError(f"'signal.category' must be one of {', '.join(CATEGORIES)}")
    if "content_urls" not in data:
        raise InputError("'signal.content_urls' is required")
    organisation = data.get("source_organisation")
    if organisation is not None and not isinstance(organisation, str):
        raise InputError("'signal.source_organisation' must be a string")
    return SignalFacts(
        source_type=source_type.lower(),
        category=category,
        platform_name=platform,
        platform=resolve_platform(platform),
        content_urls=tuple(_url_list(data, "content_urls", "signal")),
        source_organisation=organisation,
    )


def _optional_bool(data: dict[str, Any], key: str) -> bool | None:
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        raise InputError(f"'assessment.{key}' must be true, false or null")
    return value


def _assessment(data: dict[str, Any]) -> AssessmentAnswers:
    harms = data.get("harms")
    if harms is not None and (not isinstance(harms, list) or any(h not in HARMS for h in harms)):
        raise InputError(f"'assessment.harms' must be a list of: {', '.join(HARMS)}")
    attempts = data.get("own_contact_attempts")
    if attempts is not None and (
        isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0
    ):
        raise InputError("'assessment.own_contact_attempts' must be a whole number ≥ 0")
    return AssessmentAnswers(
        election_process_risk=_optional_bool(data, "election_process_risk"),
        misleading=_optional_bool(data, "misleading"),
        harms=tuple(harms) if harms is not None else None,
        own_contact_attempts=attempts,
        own_means_exhausted=_optional_bool(data, "own_means_exhausted"),
    )


def _history(data: dict[str, Any]) -> History:
    if not data or data.get("notified_urls") is None:
        return History()
    urls = data["notified_urls"]
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise InputError("'history.notified_urls' must be a list of URLs")
    return History(notified_urls=tuple(urls))
