# SPDX-License-Identifier: EUPL-1.2
"""Public API of the platforms app: resolve names and aliases, describe a platform for rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction

from flagdesk.audit import service as audit
from flagdesk.platforms import selectors
from flagdesk.platforms.models import Platform, PlatformAlias
from flagdesk.rules.eligibility import PlatformFacts


def canonical_key(name: str) -> str:
    return "".join(ch for ch in name.strip().lower() if ch.isalnum() or ch in "-_")


def resolve(name: str) -> Platform | None:
    """The platform a signaller means by ``name`` (its key, its name or an alias)."""
    key = canonical_key(name)
    if not key:
        return None
    return Platform.objects.filter(slug=key).first() or _by_alias(key)


def _by_alias(key: str) -> Platform | None:
    alias = PlatformAlias.objects.select_related("platform").filter(alias=key).first()
    return alias.platform if alias else None


def resolve_with_hosts(name: str) -> tuple[Platform | None, dict[str, str]]:
    """:func:`resolve` and ``selectors.host_registry()`` from one read of the platforms (a
    handful of rows): what every signal's intake needs. An alias still costs its lookup."""
    every = list(Platform.objects.order_by("pk"))
    hosts = selectors.registry_of((p.slug, p.hosts) for p in every)
    key = canonical_key(name)
    if not key:
        return None, hosts
    return next((p for p in every if p.slug == key), None) or _by_alias(key), hosts


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


def mail_domains() -> dict[str, list[str]]:
    """Each platform's mail domains by slug, for judging who sent an inbound mail."""
    return {p.slug: p.mail_domain_list() for p in Platform.objects.order_by("pk")}


def all_platforms() -> list[Platform]:
    return list(Platform.objects.all())


def has_placeholder_address(platform: Platform) -> bool:
    """Seed addresses live on the reserved .example domain until an admin replaces them."""
    address = platform.channel_address.strip().lower()
    host = (urlsplit(address).hostname or "") if "://" in address else address.rpartition("@")[2]
    return host == "example" or host.endswith(".example")


# Fields an administrator may change; the slug is the key rules and signals refer to.
EDITABLE_FIELDS = (
    "name",
    "services",
    "programme",
    "status_since",
    "channel_active",
    "channel_kind",
    "channel_address",
    "channel_language",
    "policy_name",
    "policy_url",
    "citizen_report_url",
    "hosts",
    "mail_domains",
    "sla_decision_minutes",
    "sla_approval_minutes",
    "sla_ack_minutes",
)


def alias_conflicts(aliases: Iterable[str], platform: Platform) -> list[str]:
    """The aliases in ``aliases`` that already name another platform (as alias or key)."""
    wanted = set(aliases)
    taken = set(
        PlatformAlias.objects.filter(alias__in=wanted)
        .exclude(platform=platform)
        .values_list("alias", flat=True)
    )
    taken |= set(
        Platform.objects.filter(slug__in=wanted)
        .exclude(pk=platform.pk)
        .values_list("slug", flat=True)
    )
    return sorted(taken)


def _snapshot(platform: Platform) -> dict[str, Any]:
    values = {field: getattr(platform, field) for field in EDITABLE_FIELDS}
    values["aliases"] = sorted(platform.aliases.values_list("alias", flat=True))
    return values


def update_platform(
    platform: Platform, data: Mapping[str, Any], aliases: Iterable[str], actor: Any
) -> Platform:
    """Save edited fields and replace the aliases; audit only what actually changed."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    wanted = sorted({a.strip().lower() for a in aliases if a.strip()})
    for alias in wanted:
        validate_slug(alias)
    with transaction.atomic():
        platform = Platform.objects.select_for_update(no_key=True).get(pk=platform.pk)
        # Checked again here, not only in the form: another admin may have taken an alias since.
        conflicts = alias_conflicts(wanted, platform)
        if conflicts:
            raise ValidationError(f"alias already in use: {', '.join(conflicts)}")
        before = _snapshot(platform)
        for field, value in data.items():
            setattr(platform, field, value)
        platform.full_clean(exclude=["slug"])
        platform.save()
        platform.aliases.exclude(alias__in=wanted).delete()
        existing = set(platform.aliases.values_list("alias", flat=True))
        PlatformAlias.objects.bulk_create(
            PlatformAlias(alias=a, platform=platform) for a in wanted if a not in existing
        )
        after = _snapshot(platform)
        audit.log_changes("platform_updated", platform, actor=actor, before=before, after=after)
    return platform
