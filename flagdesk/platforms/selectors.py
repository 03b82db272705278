# SPDX-License-Identifier: EUPL-1.2
"""Reads of the platform registry that other apps use (writes go through ``service.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from flagdesk.platforms.models import Platform


def registered_hosts() -> set[str]:
    """Every content host the registry lists, lower case and without ``www.``."""
    hosts = set()
    for value in Platform.objects.values_list("hosts", flat=True):
        hosts.update(h.strip().lower().removeprefix("www.") for h in value.split(",") if h.strip())
    return hosts


def policy_and_reporting_pages() -> list[str]:
    """The platforms' own policy and citizen-reporting pages."""
    pages = Platform.objects.values_list("policy_url", "citizen_report_url")
    return [url for pair in pages for url in pair if url]


def host_registry() -> dict[str, str]:
    """Each content host (lower case, without ``www.``) with the key of the platform whose
    content it serves: what ``rules.eligibility`` checks a signal's URLs against. A host two
    platforms list goes to the first registered (by id), so the answer never depends on
    the database's row order."""
    return registry_of(Platform.objects.order_by("pk").values_list("slug", "hosts"))


def registry_of(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """:func:`host_registry` of ``(slug, hosts)`` rows in the platforms' id order."""
    registry: dict[str, str] = {}
    for slug, value in rows:
        for host in value.split(","):
            if host.strip():
                registry.setdefault(host.strip().lower().removeprefix("www."), slug)
    return registry
