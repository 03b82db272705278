# SPDX-License-Identifier: EUPL-1.2
"""PATCH /api/v1/platforms/{code}: the platform page's settings and checks, over the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts import service as accounts
from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import verified_client
from flagdesk.platforms.models import Platform, PlatformAlias

X = "/api/v1/platforms/x"


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def api_for(user: User) -> Client:
    return bearer(accounts.issue_token(name="script", user=user)[1])


def patch(client: Client, body: Any, path: str = X) -> Any:
    return client.patch(path, body, content_type="application/json")


def params(response: Any) -> dict[str, str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return {p["name"]: p["reason"] for p in response.json().get("invalid_params", [])}


def test_admin_sets_the_channel_of_x(dave: User) -> None:
    aliases = sorted(
        PlatformAlias.objects.filter(platform__slug="x").values_list("alias", flat=True)
    )
    assert aliases
    response = patch(
        api_for(dave),
        {
            "channel_kind": "email",
            "channel_address": "urgent-escalation@x.com",
            "channel_active": True,
            "policy_name": "Civic integrity policy",
            "policy_url": "https://help.x.com/en/rules-and-policies/election-integrity-policy",
            "mail_domains": ["X.com", "twitter.com."],
            "hosts": ["x.com", "twitter.com", "mobile.x.com"],
            "sla_decision_minutes": 60,
            "sla_ack_minutes": None,
        },
    )
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["channel_address"] == "urgent-escalation@x.com"
    assert answer["mail_domains"] == ["x.com", "twitter.com"]
    assert answer["hosts"] == ["x.com", "twitter.com", "mobile.x.com"]
    assert answer["sla_decision_minutes"] == 60 and answer["sla_ack_minutes"] is None
    x = Platform.objects.get(slug="x")
    assert x.channel_address == "urgent-escalation@x.com"
    assert x.mail_domains == "x.com,twitter.com"
    assert x.sla_decision_minutes == 60
    event = AuditEvent.objects.get(action="platform_updated")
    assert event.actor_label == "dave"
    assert event.after["channel_address"] == "urgent-escalation@x.com"
    assert "name" not in event.after  # only what changed
    # The aliases were left out, so they stay.
    assert sorted(PlatformAlias.objects.filter(platform=x).values_list("alias", flat=True)) == (
        aliases
    )


def test_a_portal_channel_takes_an_https_url(dave: User) -> None:
    client = api_for(dave)
    response = patch(
        client,
        {"channel_kind": "portal", "channel_address": "https://help.x.com/forms/escalation"},
    )
    assert response.status_code == 200
    assert response.json()["channel_kind"] == "portal"
    # The list shows that there is a channel, never its address.
    listed = client.get("/api/v1/platforms").json()
    x = next(p for p in listed if p["key"] == "x")
    assert x["channel_kind"] == "portal" and "channel_address" not in x
    assert x["mail_domains"] is not None and "sla_decision_minutes" in x


def test_an_empty_patch_changes_nothing(dave: User) -> None:
    before = Platform.objects.get(slug="x")
    response = patch(api_for(dave), {})
    assert response.status_code == 200
    after = Platform.objects.get(slug="x")
    assert [getattr(after, f.name) for f in Platform._meta.fields] == [
        getattr(before, f.name) for f in Platform._meta.fields
    ]
    assert not AuditEvent.objects.filter(action="platform_updated").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # Header injection through the address a notice is sent to.
        ({"channel_address": "x@x.com\r\nBcc: leak@evil.example"}, "channel_address"),
        ({"channel_address": "x@x.com\nBcc: leak@evil.example"}, "channel_address"),
        ({"channel_kind": "portal", "channel_address": "javascript:alert(1)"}, "channel_address"),
        (
            {"channel_kind": "portal", "channel_address": "http://help.x.com/form"},
            "channel_address",
        ),
        ({"channel_kind": "portal", "channel_address": "urgent@x.com"}, "channel_address"),
        ({"channel_kind": "email", "channel_address": "https://help.x.com"}, "channel_address"),
        ({"policy_url": "javascript:alert(document.cookie)"}, "policy_url"),
        ({"citizen_report_url": "data:text/html,<script>alert(1)</script>"}, "citizen_report_url"),
        ({"mail_domains": ["*.x.com"]}, "mail_domains"),
        ({"mail_domains": ["x.com\r\nevil.example"]}, "mail_domains"),
        ({"mail_domains": "x.com"}, "mail_domains"),  # a list, not a string
        ({"hosts": ["*"]}, "hosts"),
        ({"hosts": ["https://x.com/"]}, "hosts"),
        ({"aliases": ["google"]}, "aliases"),  # another platform's key
        ({"aliases": ["Bad Alias!"]}, "aliases"),
        ({"sla_decision_minutes": 0}, "sla_decision_minutes"),
        ({"sla_ack_minutes": 7 * 24 * 60 + 1}, "sla_ack_minutes"),
        ({"channel_kind": "pigeon"}, "channel_kind"),
        ({"channel_language": "xx"}, "channel_language"),
        ({"name": ""}, "name"),
    ],
)
def test_hostile_or_invalid_settings_are_400_with_invalid_params(
    dave: User, body: dict[str, Any], field: str
) -> None:
    before = Platform.objects.get(slug="x")
    response = patch(api_for(dave), body)
    assert response.status_code == 400, response.content
    assert field in params(response)
    after = Platform.objects.get(slug="x")
    assert [getattr(after, f.name) for f in Platform._meta.fields] == [
        getattr(before, f.name) for f in Platform._meta.fields
    ]
    assert not AuditEvent.objects.filter(action="platform_updated").exists()


def test_others_are_refused_and_nothing_changes(
    alice: User, bob: User, carol: User, nos_token: str
) -> None:
    clients = [api_for(alice), api_for(bob), api_for(carol), verified_client(alice)]
    for client in [*clients, bearer(nos_token)]:
        for response in (client.get(X), patch(client, {"channel_address": "evil@evil.example"})):
            assert response.status_code == 403
            assert response["Content-Type"] == "application/problem+json"
    assert Platform.objects.get(slug="x").channel_address != "evil@evil.example"
    assert patch(Client(), {"channel_address": "evil@evil.example"}).status_code == 401


def test_an_unknown_platform_is_404(dave: User) -> None:
    for path in (
        "/api/v1/platforms/myspace",
        "/api/v1/platforms/%00",
        "/api/v1/platforms/" + "x" * 40,
    ):
        assert patch(api_for(dave), {"name": "Nope"}, path).status_code == 404
