# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client
from flagdesk.platforms import service
from flagdesk.platforms.models import Platform, PlatformAlias

LIST = reverse("fd-platform-list")
EDIT_X = reverse("fd-platform-edit", args=["x"])


def form_data(platform: Platform, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        field: getattr(platform, field)
        for field in service.EDITABLE_FIELDS
        if field != "channel_active"
    }
    data["status_since"] = platform.status_since or ""
    if platform.channel_active:
        data["channel_active"] = "on"
    data["aliases"] = ", ".join(platform.aliases.values_list("alias", flat=True))
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_sees_the_platform_table(dave: User) -> None:
    response = verified_client(dave).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Meta", "Google (YouTube)", "TikTok", "Snapchat", "Urgent Escalation Channel"):
        assert name in html
    assert "urgent-escalation@x.example" in html
    assert "twitter" in html
    assert reverse("fd-platform-edit", args=["meta"]) in html
    assert "https://help.x.com/en/rules-and-policies/election-integrity-policy" in html


def test_it_warns_about_placeholder_addresses(dave: User) -> None:
    html = verified_client(dave).get(LIST).content.decode()
    # meta, x, tiktok, snapchat are seeded on .example; google has its real help page.
    assert html.count("badge-warn") == 4
    assert service.has_placeholder_address(Platform.objects.get(slug="tiktok"))
    assert not service.has_placeholder_address(Platform.objects.get(slug="google"))


@pytest.mark.parametrize("persona", ["carol", "alice", "bob"])
@pytest.mark.parametrize("url", [LIST, EDIT_X])
def test_it_refuses_non_admins(persona: str, url: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    client = verified_client(user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "hijacked"}).status_code == 403
    assert Platform.objects.get(slug="x").name == "X"


@pytest.mark.parametrize("url", [LIST, EDIT_X])
def test_it_sends_anonymous_visitors_to_login(url: str, db: Any) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("fd-login"))


def test_it_refuses_a_partner_service_account(nos: PartnerOrganisation, nos_token: str) -> None:
    account = User.objects.get(organisation=nos)
    client = verified_client(account)
    assert client.get(LIST).status_code == 403
    assert client.get(EDIT_X).status_code == 403


def test_admin_edits_channel_and_replaces_aliases(dave: User, x_platform: Platform) -> None:
    data = form_data(x_platform, channel_address="escalation@x.com", aliases="twitter, X-Corp")
    response = verified_client(dave).post(EDIT_X, data)
    assert response.status_code == 302
    x_platform.refresh_from_db()
    assert x_platform.channel_address == "escalation@x.com"
    assert sorted(
        PlatformAlias.objects.filter(platform=x_platform).values_list("alias", flat=True)
    ) == ["twitter", "x-corp"]
    assert service.resolve("x-corp") == x_platform
    assert service.resolve("tweet") is None
    event = AuditEvent.objects.get(action="platform_updated")
    assert event.actor == dave
    assert event.object_id == str(x_platform.pk)
    assert event.before == {
        "channel_address": "urgent-escalation@x.example",
        "aliases": ["tweet", "twitter", "x-twitter"],
    }
    assert event.after == {"channel_address": "escalation@x.com", "aliases": ["twitter", "x-corp"]}


def test_the_edit_form_shows_current_values(dave: User) -> None:
    html = verified_client(dave).get(EDIT_X).content.decode()
    assert "tweet, twitter, x-twitter" in html
    assert "urgent-escalation@x.example" in html
    assert "badge-warn" in html


def test_saving_without_changes_writes_no_event(dave: User, x_platform: Platform) -> None:
    response = verified_client(dave).post(EDIT_X, form_data(x_platform))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="platform_updated").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"aliases": "twitter, not ok!"}, "Not a valid alias"),
        ({"aliases": "youtube"}, "Already used by another platform"),
        ({"aliases": "meta"}, "Already used by another platform"),
        ({"channel_kind": "email", "channel_address": "https://x.com/report"}, "e-mail address"),
        ({"channel_kind": "portal", "channel_address": "http://x.com/report"}, "https://"),
        ({"channel_kind": "portal", "channel_address": "escalation@x.com"}, "https://"),
        ({"mail_domains": "x.com, not a domain"}, "Not a valid domain"),
        ({"mail_domains": "x.com, @twitter.com"}, "Not a valid domain"),
        ({"hosts": "x.com, *.twitter.com"}, "Not a valid domain"),
        ({"hosts": "https://x.com/"}, "Not a valid domain"),
    ],
)
def test_it_rejects_invalid_input(
    dave: User, x_platform: Platform, overrides: dict[str, str], message: str
) -> None:
    response = in_english(verified_client(dave)).post(EDIT_X, form_data(x_platform, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    x_platform.refresh_from_db()
    assert x_platform.channel_address == "urgent-escalation@x.example"
    assert x_platform.aliases.count() == 3
    assert not AuditEvent.objects.filter(action="platform_updated").exists()


def test_a_portal_gets_an_https_url(dave: User, x_platform: Platform) -> None:
    data = form_data(x_platform, channel_kind="portal", channel_address="https://x.com/escalate")
    assert verified_client(dave).post(EDIT_X, data).status_code == 302
    x_platform.refresh_from_db()
    assert x_platform.channel_kind == "portal"
    assert not service.has_placeholder_address(x_platform)


def test_the_service_refuses_an_alias_of_another_platform(dave: User, x_platform: Platform) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        service.update_platform(x_platform, {}, ["youtube"], dave)
    assert PlatformAlias.objects.get(alias="youtube").platform.slug == "google"


def test_an_unknown_platform_is_404(dave: User) -> None:
    response = verified_client(dave).get(reverse("fd-platform-edit", args=["myspace"]))
    assert response.status_code == 404


def test_the_five_platforms_come_with_their_mail_domains(db: Any) -> None:
    domains = service.mail_domains()
    assert {"x.com", "twitter.com"} <= set(domains["x"])
    assert {"facebook.com", "facebookmail.com", "meta.com"} <= set(domains["meta"])
    assert {"google.com", "youtube.com"} <= set(domains["google"])
    assert {"tiktok.com", "bytedance.com"} <= set(domains["tiktok"])
    assert {"snapchat.com", "snap.com"} <= set(domains["snapchat"])
    # The domain of the e-mail channel counts too: the platform answers from where we write.
    assert "x.example" in domains["x"]


def test_admin_edits_the_mail_domains_audited(dave: User, x_platform: Platform) -> None:
    data = form_data(x_platform, mail_domains=" X.com., twitter.com ,x.com, mail.x.example ")
    assert verified_client(dave).post(EDIT_X, data).status_code == 302
    x_platform.refresh_from_db()
    assert x_platform.mail_domains == "x.com,twitter.com,mail.x.example"
    event = AuditEvent.objects.get(action="platform_updated")
    assert event.after["mail_domains"] == "x.com,twitter.com,mail.x.example"
