# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from flagdesk.accounts import service
from flagdesk.accounts.models import ApiToken, PartnerOrganisation, User, hash_token
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, verified_client

LIST = reverse("fd-partner-list")
NEW = reverse("fd-partner-new")


def detail(org: PartnerOrganisation) -> str:
    return reverse("fd-partner-detail", args=[org.pk])


def edit_data(org: PartnerOrganisation, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": org.name,
        "source_type": org.source_type,
        "legal_basis": org.legal_basis,
        "contact_email": org.contact_email,
    }
    if org.active:
        data["active"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_sees_the_partner_list(dave: User, nos: PartnerOrganisation, nos_token: str) -> None:
    response = verified_client(dave).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "NOS" in html
    assert detail(nos) in html
    assert NEW in html


def test_admin_adds_a_partner(dave: User) -> None:
    response = verified_client(dave).post(
        NEW,
        {
            "name": "Nieuwscheckers",
            "source_type": "factchecker",
            "contact_email": "redactie@nieuwscheckers.example",
        },
    )
    org = PartnerOrganisation.objects.get(name="Nieuwscheckers")
    assert response.status_code == 302
    assert response["Location"] == detail(org)
    assert org.active
    event = AuditEvent.objects.get(action="partner_created", object_id=str(org.pk))
    assert event.actor == dave


def test_government_monitoring_needs_a_legal_basis(dave: User) -> None:
    client = in_english(verified_client(dave))
    response = client.post(NEW, {"name": "Kiesraad", "source_type": "government_monitoring"})
    assert response.status_code == 200
    assert "legal basis" in response.content.decode()
    assert not PartnerOrganisation.objects.filter(name="Kiesraad").exists()
    response = client.post(
        NEW,
        {
            "name": "Kiesraad",
            "source_type": "government_monitoring",
            "legal_basis": "Kieswet art. A 2",
        },
    )
    assert response.status_code == 302


def test_a_duplicate_name_is_refused(dave: User, nos: PartnerOrganisation) -> None:
    response = verified_client(dave).post(NEW, {"name": "NOS", "source_type": "media"})
    assert response.status_code == 200
    assert PartnerOrganisation.objects.filter(name="NOS").count() == 1


def test_admin_edits_a_partner(dave: User, nos: PartnerOrganisation) -> None:
    data = edit_data(nos, contact_email="desk@nos.example", active=None)
    response = verified_client(dave).post(detail(nos), data)
    assert response.status_code == 302
    nos.refresh_from_db()
    assert nos.contact_email == "desk@nos.example"
    assert not nos.active
    event = AuditEvent.objects.get(action="partner_updated")
    assert event.actor == dave
    assert event.before == {"contact_email": "", "active": True}
    assert event.after == {"contact_email": "desk@nos.example", "active": False}


def test_editing_to_government_monitoring_needs_a_legal_basis(
    dave: User, nos: PartnerOrganisation
) -> None:
    data = edit_data(nos, source_type="government_monitoring")
    response = verified_client(dave).post(detail(nos), data)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    nos.refresh_from_db()
    assert nos.source_type == "media"
    assert not AuditEvent.objects.filter(action="partner_updated").exists()


def test_the_detail_page_lists_tokens(dave: User, nos: PartnerOrganisation, nos_token: str) -> None:
    html = verified_client(dave).get(detail(nos)).content.decode()
    assert nos_token[:10] in html
    assert nos_token not in html
    assert reverse("fd-partner-token-issue", args=[nos.pk]) in html
    # Two forms on one page: their fields must not share an id.
    assert html.count('id="id_name"') == 1
    assert 'id="id_token-name"' in html


def test_a_token_is_shown_once_and_stored_hashed(dave: User, nos: PartnerOrganisation) -> None:
    client = in_english(verified_client(dave))
    response = client.post(
        reverse("fd-partner-token-issue", args=[nos.pk]), {"token-name": "newsroom CMS"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw_token"]
    assert raw in response.content.decode()
    assert "Copy this token now" in response.content.decode()
    token = ApiToken.objects.get(name="newsroom CMS")
    assert token.token_hash == hash_token(raw)
    assert raw not in client.get(detail(nos)).content.decode()
    found = service.user_for_token(raw)
    assert found is not None
    assert found[0].organisation == nos
    event = AuditEvent.objects.get(action="api_token_issued", object_id=str(token.pk))
    assert event.actor == dave
    assert raw not in str(event.after)


def test_a_token_needs_a_name(dave: User, nos: PartnerOrganisation) -> None:
    response = verified_client(dave).post(
        reverse("fd-partner-token-issue", args=[nos.pk]), {"token-name": ""}
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_admin_revokes_a_token(dave: User, nos: PartnerOrganisation, nos_token: str) -> None:
    token = ApiToken.objects.get(organisation=nos)
    url = reverse("fd-partner-token-revoke", args=[nos.pk, token.pk])
    client = verified_client(dave)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert service.user_for_token(nos_token) is None
    event = AuditEvent.objects.get(action="api_token_revoked")
    assert event.actor == dave


def test_a_token_is_revoked_only_through_its_own_partner(
    dave: User, nos: PartnerOrganisation, gemeente: PartnerOrganisation, nos_token: str
) -> None:
    token = ApiToken.objects.get(organisation=nos)
    url = reverse("fd-partner-token-revoke", args=[gemeente.pk, token.pk])
    assert verified_client(dave).post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def _urls(org: PartnerOrganisation) -> list[tuple[str, str]]:
    token = ApiToken.objects.get(organisation=org)
    return [
        ("get", LIST),
        ("get", NEW),
        ("post", NEW),
        ("get", detail(org)),
        ("post", detail(org)),
        ("post", reverse("fd-partner-token-issue", args=[org.pk])),
        ("post", reverse("fd-partner-token-revoke", args=[org.pk, token.pk])),
    ]


@pytest.mark.parametrize("persona", ["carol", "alice", "bob"])
def test_it_refuses_non_admins(
    persona: str, nos: PartnerOrganisation, nos_token: str, request: pytest.FixtureRequest
) -> None:
    client = verified_client(request.getfixturevalue(persona))
    for method, url in _urls(nos):
        assert getattr(client, method)(url, {"name": "x"}).status_code == 403, url
    assert ApiToken.objects.count() == 1
    assert ApiToken.objects.get().revoked_at is None


def test_it_refuses_a_partner_service_account(nos: PartnerOrganisation, nos_token: str) -> None:
    client = verified_client(User.objects.get(organisation=nos))
    for method, url in _urls(nos):
        assert getattr(client, method)(url, {"name": "x"}).status_code == 403, url


def test_it_sends_anonymous_visitors_to_login(nos: PartnerOrganisation, nos_token: str) -> None:
    client = Client()
    for method, url in _urls(nos):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("fd-login"))


# issue 15: the intro reads well in both languages; a required choice offers no empty option


def test_the_intro_names_the_organisation_in_both_languages(dave: User, settings: Any) -> None:
    settings.ORGANISATION_NAME = "Ministerie van BZK"
    dutch = verified_client(dave).get(LIST).content.decode()
    assert "De organisaties waarvan Ministerie van BZK signalen aanneemt" in dutch
    assert "van wie de organisatie" not in dutch
    english = in_english(verified_client(dave)).get(LIST).content.decode()
    assert "The organisations from which Ministerie van BZK accepts signals" in english


def test_the_source_type_choice_has_no_empty_option(dave: User, nos: PartnerOrganisation) -> None:
    for url in (NEW, detail(nos)):
        html = verified_client(dave).get(url).content.decode()
        assert 'name="source_type"' in html
        assert "---------" not in html and 'name="source_type" value=""' not in html
