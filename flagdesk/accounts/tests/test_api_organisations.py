# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/organisaties: partner organisations and their tokens, for administrators only."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from flagdesk.accounts import service as accounts
from flagdesk.accounts.models import ApiToken, PartnerOrganisation, User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import verified_client
from flagdesk.elections.models import Election

SIGNAL = {
    "category": "misinformation",
    "platform": "x",
    "content_urls": ["https://x.com/someone/status/1727300000000000001"],
    "explanation": "Colour two boxes.",
}


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def admin_api(user: User) -> Client:
    return bearer(accounts.issue_token(name="admin script", user=user)[1])


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    return getattr(client, method)(f"/api/v1{path}", body, content_type="application/json")


def params(response: Any) -> dict[str, str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return {p["name"]: p["reason"] for p in response.json().get("invalid_params", [])}


# ------------------------------------------------------------------ who may come in


def routes(org: PartnerOrganisation, token: ApiToken) -> list[tuple[str, str, Any]]:
    return [
        ("get", "/organisaties", None),
        ("post", "/organisaties", {"name": "Hijack", "source_type": "media"}),
        ("get", f"/organisaties/{org.pk}", None),
        ("patch", f"/organisaties/{org.pk}", {"active": False}),
        ("get", f"/organisaties/{org.pk}/tokens", None),
        ("post", f"/organisaties/{org.pk}/tokens", {"name": "stolen"}),
        ("get", f"/organisaties/{org.pk}/tokens/{token.pk}", None),
        ("delete", f"/organisaties/{org.pk}/tokens/{token.pk}", None),
    ]


def test_assessors_and_partner_tokens_get_403_on_every_route(
    alice: User, nos: PartnerOrganisation, nos_token: str
) -> None:
    token = ApiToken.objects.get(organisation=nos)
    for client in (admin_api(alice), verified_client(alice), bearer(nos_token)):
        for method, path, body in routes(nos, token):
            response = send(client, method, path, body)
            assert response.status_code == 403, (method, path)
            assert response["Content-Type"] == "application/problem+json"
    nos.refresh_from_db()
    token.refresh_from_db()
    assert nos.active and token.is_active
    assert PartnerOrganisation.objects.count() == 1
    assert ApiToken.objects.filter(organisation=nos).count() == 1
    assert (
        not AuditEvent.objects.filter(action__startswith="partner_")
        .exclude(action="partner_created")
        .exists()
    )


def test_anonymous_gets_401(nos: PartnerOrganisation) -> None:
    response = send(Client(), "get", "/organisaties")
    assert response.status_code == 401 and response["WWW-Authenticate"]


# --------------------------------------------------------------------- the seed path


def test_admin_creates_a_partner_issues_a_token_and_the_partner_files_a_signal(
    dave: User, open_election: Election, caplog: pytest.LogCaptureFixture
) -> None:
    admin = admin_api(dave)
    caplog.set_level(logging.DEBUG)
    created = send(
        admin,
        "post",
        "/organisaties",
        {"name": "NOS", "source_type": "media", "contact_email": "redactie@nos.example"},
    )
    assert created.status_code == 201, created.content
    org = created.json()
    assert org["name"] == "NOS" and org["source_type"] == "media" and org["active"]
    assert org["active_tokens"] == 0
    assert created["Location"].endswith(f"/api/v1/organisaties/{org['id']}")
    assert send(admin, "get", created["Location"].split("/api/v1")[1]).json() == org

    issued = send(admin, "post", f"/organisaties/{org['id']}/tokens", {"name": "newsroom CMS"})
    assert issued.status_code == 201
    assert "no-store" in issued["Cache-Control"]
    raw = issued.json()["token"]
    assert raw.startswith("fd_") and issued.json()["prefix"] == raw[:10]
    token_path = f"/organisaties/{org['id']}/tokens/{issued.json()['id']}"
    assert issued["Location"].endswith(f"/api/v1{token_path}")

    signal = send(bearer(raw), "post", "/signalen", SIGNAL)
    assert signal.status_code == 201
    assert signal.json()["source_organisation"] == "NOS"

    # The secret is in that one answer only: not in lists, the token itself, audit or logs.
    listed = send(admin, "get", f"/organisaties/{org['id']}/tokens")
    one = send(admin, "get", token_path)
    orgs = send(admin, "get", "/organisaties")
    assert listed.json()["count"] == 1 and listed.json()["results"][0]["name"] == "newsroom CMS"
    assert orgs.json()["results"][0]["active_tokens"] == 1
    for answer in (listed, one, orgs):
        assert raw not in answer.content.decode()
        assert raw[10:20] not in answer.content.decode()
        assert "token" not in answer.json().get("results", [answer.json()])[0]
    assert raw not in str(list(AuditEvent.objects.values_list("before", "after")))
    assert all(raw not in record.getMessage() for record in caplog.records)
    assert all(raw not in str(record.__dict__) for record in caplog.records)

    actions = list(AuditEvent.objects.values_list("action", "actor_label"))
    assert ("partner_created", "dave") in actions
    assert ("api_token_issued", "dave") in actions


def test_deactivating_stops_the_tokens_at_once_and_reactivating_restores_them(
    dave: User, nos: PartnerOrganisation, nos_token: str, open_election: Election
) -> None:
    admin = admin_api(dave)
    assert send(bearer(nos_token), "get", "/signalen").status_code == 200

    response = send(admin, "patch", f"/organisaties/{nos.pk}", {"active": False})
    assert response.status_code == 200 and response.json()["active"] is False
    refused = send(bearer(nos_token), "post", "/signalen", SIGNAL)
    assert refused.status_code == 401
    assert send(bearer(nos_token), "get", "/signalen").status_code == 401
    event = AuditEvent.objects.get(action="partner_updated")
    assert event.before == {"active": True} and event.after == {"active": False}

    assert send(admin, "patch", f"/organisaties/{nos.pk}", {"active": True}).status_code == 200
    assert send(bearer(nos_token), "get", "/signalen").status_code == 200


def test_admin_renames_and_retypes_an_organisation(dave: User, nos: PartnerOrganisation) -> None:
    admin = admin_api(dave)
    response = send(
        admin,
        "patch",
        f"/organisaties/{nos.pk}",
        {"name": "NOS Nieuws", "source_type": "factchecker"},
    )
    assert response.status_code == 200
    assert response.json()["name"] == "NOS Nieuws"
    assert response.json()["source_type"] == "factchecker"
    event = AuditEvent.objects.get(action="partner_updated")
    assert event.after == {"name": "NOS Nieuws", "source_type": "factchecker"}


def test_revoking_stops_the_token_and_is_audited(
    dave: User, nos: PartnerOrganisation, nos_token: str
) -> None:
    token = ApiToken.objects.get(organisation=nos)
    path = f"/organisaties/{nos.pk}/tokens/{token.pk}"
    response = send(admin_api(dave), "delete", path)
    assert response.status_code == 204
    assert send(bearer(nos_token), "get", "/signalen").status_code == 401
    assert send(admin_api(dave), "get", path).json()["active"] is False
    # Revoking again changes nothing.
    assert send(admin_api(dave), "delete", path).status_code == 204
    assert AuditEvent.objects.filter(action="api_token_revoked").count() == 1


# ------------------------------------------------------------------------- attacks


def test_another_organisations_token_under_this_one_is_not_found(
    dave: User, nos: PartnerOrganisation, gemeente: PartnerOrganisation, nos_token: str
) -> None:
    token = ApiToken.objects.get(organisation=nos)
    admin = admin_api(dave)
    for method in ("get", "delete"):
        response = send(admin, method, f"/organisaties/{gemeente.pk}/tokens/{token.pk}")
        assert response.status_code == 404, method
        assert response["Content-Type"] == "application/problem+json"
    token.refresh_from_db()
    assert token.is_active
    assert send(bearer(nos_token), "get", "/signalen").status_code == 200
    # A staff member's own token has no organisation: not reachable through any of them.
    staff = ApiToken.objects.get(user=dave)
    assert send(admin, "delete", f"/organisaties/{nos.pk}/tokens/{staff.pk}").status_code == 404


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "99999999999999999999", "1%00"])
def test_forged_ids_are_404(dave: User, nos: PartnerOrganisation, bad: str) -> None:
    admin = admin_api(dave)
    for path in (f"/organisaties/{bad}", f"/organisaties/{bad}/tokens"):
        assert send(admin, "get", path).status_code == 404, path
    assert send(admin, "delete", f"/organisaties/{nos.pk}/tokens/{bad}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "source_type": "citizen"}, "source_type"),
        ({"name": "X", "source_type": "own_monitoring"}, "source_type"),
        ({"name": "", "source_type": "media"}, "name"),
        ({"name": "x" * 201, "source_type": "media"}, "name"),
        ({"name": "NOS", "source_type": "media"}, "name"),  # taken
        ({"name": "nos\x00", "source_type": "media"}, "name"),
        ({"name": "AIVD", "source_type": "government_monitoring"}, "legal_basis"),
        (
            {"name": "X", "source_type": "media", "contact_email": "a@b\r\nBcc: c@d"},
            "contact_email",
        ),
    ],
)
def test_invalid_organisations_are_400_with_invalid_params(
    dave: User, nos: PartnerOrganisation, body: dict[str, Any], field: str
) -> None:
    response = send(admin_api(dave), "post", "/organisaties", body)
    assert response.status_code == 400
    assert field in params(response)
    assert PartnerOrganisation.objects.count() == 1


def test_a_change_is_checked_like_the_form(
    dave: User, nos: PartnerOrganisation, gemeente: PartnerOrganisation
) -> None:
    admin = admin_api(dave)
    taken = send(admin, "patch", f"/organisaties/{nos.pk}", {"name": gemeente.name})
    monitoring = send(
        admin, "patch", f"/organisaties/{nos.pk}", {"source_type": "government_monitoring"}
    )
    not_bool = send(admin, "patch", f"/organisaties/{nos.pk}", {"active": "maybe"})
    assert (taken.status_code, monitoring.status_code, not_bool.status_code) == (400, 400, 400)
    assert "name" in params(taken)
    assert "legal_basis" in params(monitoring)
    assert "active" in params(not_bool)
    nos.refresh_from_db()
    assert (nos.name, nos.source_type, nos.active) == ("NOS", "media", True)
    assert not AuditEvent.objects.filter(action="partner_updated").exists()


def test_a_token_needs_a_name(dave: User, nos: PartnerOrganisation) -> None:
    for body in ({}, {"name": ""}, {"name": "x" * 101}):
        response = send(admin_api(dave), "post", f"/organisaties/{nos.pk}/tokens", body)
        assert response.status_code == 400 and "name" in params(response)
    assert not ApiToken.objects.filter(organisation=nos).exists()


def test_the_refusal_speaks_the_callers_language(nos: PartnerOrganisation, nos_token: str) -> None:
    dutch = bearer(nos_token).get("/api/v1/organisaties")
    english = bearer(nos_token).get("/api/v1/organisaties", HTTP_ACCEPT_LANGUAGE="en")
    assert dutch["Content-Language"] == "nl"
    assert dutch.json()["detail"] == "Alleen beheerders mogen dit endpoint gebruiken."
    assert english["Content-Language"] == "en"
    assert english.json()["detail"] == "Only administrators may use this endpoint."
