# SPDX-License-Identifier: EUPL-1.2
"""Intake reads the platforms once per signal (resolve_with_hosts): the same platform and
host registry as resolving the name and reading the registry apart."""

from __future__ import annotations

from typing import Any

import pytest

from flagdesk.platforms import selectors, service
from flagdesk.platforms.models import Platform, PlatformAlias


@pytest.mark.parametrize(
    "name", ["x", "X", " tiktok ", "twitter", "Twitter/X", "nope", "", "!!", "youtube"]
)
def test_one_read_gives_what_two_gave(name: str, db: Any, django_assert_num_queries: Any) -> None:
    x = Platform.objects.get(slug="x")
    PlatformAlias.objects.get_or_create(alias="twitter", defaults={"platform": x})
    # A host two platforms list goes to the first by id, as host_registry promises.
    Platform.objects.filter(slug="tiktok").update(hosts="tiktok.com,www.x.com")
    expected = (service.resolve(name), selectors.host_registry())
    alias_lookup = service.canonical_key(name) not in {
        "",
        *Platform.objects.values_list("slug", flat=True),
    }
    with django_assert_num_queries(2 if alias_lookup else 1):
        assert service.resolve_with_hosts(name) == expected
    if name == "twitter":
        assert expected[0] == x
    assert expected[1]["x.com"] == (
        "x" if x.pk < Platform.objects.get(slug="tiktok").pk else "tiktok"
    )
