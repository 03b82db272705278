# SPDX-License-Identifier: EUPL-1.2
"""Public API of the platforms app: resolve names and aliases, describe a platform for rules."""

from __future__ import annotations

from flagdesk.assessments.rules import PlatformFacts
from flagdesk.platforms.models import Platform, PlatformAlias


def canonical_key(name: str) -> str:
    return "".join(ch for ch in name.strip().lower() if ch.isalnum() or ch in "-_")


def resolve(name: str) -> Platform | None:
    """The platform a signaller means by ``name`` (its key, its name or an alias)."""
    key = canonical_key(name)
    if not key:
        return None
    platform = Platform.objects.filter(slug=key).first()
    if platform is None:
        alias = PlatformAlias.objects.select_related("platform").filter(alias=key).first()
        platform = alias.platform if alias else None
    return platform


def facts(platform: Platform) -> PlatformFacts:
    return PlatformFacts(
        key=platform.slug,
        name=platform.name,
        has_channel=platform.has_channel,
        citizen_report_url=platform.citizen_report_url or None,
    )


def facts_for(name: str) -> PlatformFacts | None:
    platform = resolve(name)
    return facts(platform) if platform else None


def platform_for_host(host: str) -> Platform | None:
    host = host.lower().removeprefix("www.")
    for platform in Platform.objects.all():
        hosts = platform.host_list()
        if host in hosts or any(host.endswith("." + h) for h in hosts):
            return platform
    return None


def all_platforms() -> list[Platform]:
    return list(Platform.objects.all())
