# SPDX-License-Identifier: EUPL-1.2
"""``flagdesk platform set``: the platform page's checks, the same service and audit."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from flagdesk.audit.models import AuditEvent
from flagdesk.platforms.models import Platform


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_platform_set_the_channel_of_x(db: object) -> None:
    output = run(
        "platform",
        "set",
        "x",
        "--channel",
        "email",
        "--address",
        "urgent-escalation@x.com",
        "--mail-domains",
        "x.com, Twitter.com",
        "--sla-decision-minutes",
        "45",
        "--inactive",
    )
    assert "Platform x saved" in output
    x = Platform.objects.get(slug="x")
    assert x.channel_address == "urgent-escalation@x.com"
    assert x.mail_domains == "x.com,twitter.com"
    assert x.sla_decision_minutes == 45
    assert not x.channel_active
    event = AuditEvent.objects.get(action="platform_updated")
    assert event.actor_label == "cli"
    assert event.after["channel_address"] == "urgent-escalation@x.com"
    assert "x" in run("platform", "list")


def test_portal_url_sets_a_portal_channel(db: object) -> None:
    run("platform", "set", "tiktok", "--portal-url", "https://www.tiktok.com/legal/report/form")
    tiktok = Platform.objects.get(slug="tiktok")
    assert tiktok.channel_kind == "portal"
    assert tiktok.channel_address == "https://www.tiktok.com/legal/report/form"


def test_sla_back_to_the_default(db: object) -> None:
    Platform.objects.filter(slug="x").update(sla_ack_minutes=30)
    run("platform", "set", "x", "--sla-ack-minutes", "default")
    assert Platform.objects.get(slug="x").sla_ack_minutes is None


@pytest.mark.parametrize(
    "args",
    [
        ["--portal-url", "javascript:alert(1)"],
        ["--portal-url", "http://help.x.com/form"],
        ["--channel", "email", "--address", "x@x.com\r\nBcc: leak@evil.example"],
        ["--mail-domains", "*.x.com"],
        ["--hosts", "x.com,*"],
        ["--policy-url", "javascript:alert(1)"],
        ["--sla-decision-minutes", "0"],
        ["--portal-url", "https://help.x.com", "--channel", "email"],
        [],
    ],
)
def test_platform_set_refuses_what_the_page_refuses(args: list[str], db: object) -> None:
    before = Platform.objects.get(slug="x")
    with pytest.raises(CommandError):
        run("platform", "set", "x", *args)
    after = Platform.objects.get(slug="x")
    assert (after.channel_kind, after.channel_address, after.mail_domains, after.hosts) == (
        before.channel_kind,
        before.channel_address,
        before.mail_domains,
        before.hosts,
    )
    assert not AuditEvent.objects.filter(action="platform_updated").exists()


def test_platform_set_an_unknown_platform(db: object) -> None:
    with pytest.raises(CommandError, match="no platform"):
        run("platform", "set", "myspace", "--address", "a@b.example")
