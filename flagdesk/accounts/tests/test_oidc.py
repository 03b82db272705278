# SPDX-License-Identifier: EUPL-1.2
"""Single sign-on against a real OpenID Connect provider on loopback (tests_support/oidc.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponse
from django.test import Client

from flagdesk.accounts import service as accounts
from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import in_english, make_user, verified_client
from tests_support.oidc import OIDCProvider, Person

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/oidc/callback/"
AFTER_LOGOUT = "http://testserver/login"


def _configure(settings: Any, provider: OIDCProvider) -> None:
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = provider.client_id
    settings.OIDC_CLIENT_SECRET = provider.client_secret
    settings.OIDC_PROVIDER_NAME = "Test IdP"


@pytest.fixture
def idp(settings: Any) -> Iterator[OIDCProvider]:
    with OIDCProvider(redirect_uri=CALLBACK, post_logout_redirect_uri=AFTER_LOGOUT) as provider:
        _configure(settings, provider)
        yield provider


def _staff(username: str, email: str, *roles: Role) -> User:
    user = make_user(username, *roles)
    user.email = email
    user.save(update_fields=["email"])
    return user


def _as(idp: OIDCProvider, email: str, **claims: Any) -> Person:
    person = idp.add_person(Person(sub=f"sub-{email}", email=email, **claims))
    idp.login_as = person.sub
    return person


def sso_login(client: Client, next_path: str = "/") -> HttpResponse:
    """Click the button, let the provider approve, and follow it back to FlagDesk."""
    start = client.get("/oidc/authenticate/", {"next": next_path})
    assert start.status_code == 302
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.scheme + "://" + back.netloc + back.path == CALLBACK
    response: HttpResponse = client.get(f"{back.path}?{back.query}")
    return response


def _refusals() -> list[dict[str, Any]]:
    return list(
        AuditEvent.objects.filter(action="oidc_login_refused").values(
            "object_type", "object_id", "after"
        )
    )


def test_it_logs_a_staff_member_in_with_roles_from_flagdesk(idp: OIDCProvider) -> None:
    alice = _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
    _as(idp, "Alice@MinBZK.nl", roles=["admin"])  # the provider's roles are ignored
    client = Client()

    response = sso_login(client, next_path="/cases")

    assert response.status_code == 302
    assert response["Location"] == "/cases"
    assert client.session[SESSION_KEY] == str(alice.pk)
    # No TOTP step: the provider did the multi-factor authentication.
    assert client.get("/").status_code == 200
    alice.refresh_from_db()
    assert alice.roles == [str(Role.ASSESSOR)]
    event = AuditEvent.objects.filter(action="user_logged_in", object_id=str(alice.pk)).get()
    assert event.after == {"method": "oidc"}


def test_an_sso_session_counts_as_verified_for_the_api(idp: OIDCProvider) -> None:
    _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
    _as(idp, "alice@minbzk.nl")
    client = Client()
    sso_login(client)
    assert client.get("/api/v1/verkiezingen").status_code == 200


def test_it_skips_the_one_time_password_change(idp: OIDCProvider) -> None:
    user, _ = accounts.create_staff_user("newbie", [Role.INTAKE], email="newbie@minbzk.nl")
    assert user.must_change_password
    _as(idp, "newbie@minbzk.nl")
    client = Client()
    sso_login(client)
    assert client.get("/").status_code == 200


def test_it_refuses_an_unknown_email_and_audits_no_personal_data(idp: OIDCProvider) -> None:
    _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
    _as(idp, "mallory@minbzk.nl")
    client = in_english(Client())

    response = sso_login(client)

    assert response.status_code == 403
    assert "no FlagDesk account has that e-mail address" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert _refusals() == [
        {"object_type": "accounts.user", "object_id": "", "after": {"reason": "unknown_account"}}
    ]
    everything = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "mallory" not in everything


def test_it_refuses_an_email_the_provider_did_not_verify(idp: OIDCProvider) -> None:
    alice = _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
    _as(idp, "alice@minbzk.nl", email_verified=False)
    client = Client()
    response = sso_login(client)
    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert _refusals()[0]["after"] == {"reason": "email_not_verified"}
    assert _refusals()[0]["object_id"] == ""
    assert not AuditEvent.objects.filter(action="user_logged_in", object_id=str(alice.pk))


@pytest.mark.parametrize(
    ("misbehaviour", "reason"),
    [
        ({"audience": "some-other-client"}, "invalid_token"),
        ({"sign_with_impostor_key": True}, "invalid_token"),
        ({"nonce": "not-the-nonce-we-sent"}, "invalid_token"),
        ({"state": "not-the-state-we-sent"}, "invalid_state"),
    ],
)
def test_it_refuses_a_provider_that_misbehaves(
    idp: OIDCProvider, misbehaviour: dict[str, Any], reason: str
) -> None:
    _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
    _as(idp, "alice@minbzk.nl")
    for name, value in misbehaviour.items():
        setattr(idp, name, value)
    client = Client()

    response = sso_login(client)

    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert [r["after"] for r in _refusals()] == [{"reason": reason}]

    # The same client and provider, behaving, log in fine: the refusal was for the fault.
    idp.reset_misbehaviour()
    assert sso_login(client).status_code == 302
    assert SESSION_KEY in client.session


def test_it_refuses_a_callback_replayed_after_use(idp: OIDCProvider) -> None:
    _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
    _as(idp, "alice@minbzk.nl")
    client = Client()
    start = client.get("/oidc/authenticate/")
    back = urlsplit(
        requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"]
    )
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    client.post("/logout")
    assert client.get(f"{back.path}?{back.query}").status_code == 403
    assert [r["after"] for r in _refusals()] == [{"reason": "invalid_state"}]


def test_a_partner_account_can_never_log_in_by_sso(idp: OIDCProvider, nos: Any) -> None:
    token, _ = accounts.issue_token(name="feed", organisation=nos)
    partner = token.user
    partner.email = "feed@nos.nl"
    partner.save(update_fields=["email"])
    _as(idp, "feed@nos.nl")
    client = Client()
    response = sso_login(client)
    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert _refusals() == [
        {
            "object_type": "accounts.user",
            "object_id": str(partner.pk),
            "after": {"reason": "partner_account"},
        }
    ]


def test_it_refuses_an_account_without_a_role_or_inactive(idp: OIDCProvider) -> None:
    alice = _staff("alice", "alice@minbzk.nl")
    _as(idp, "alice@minbzk.nl")
    assert sso_login(Client()).status_code == 403
    alice.roles = [str(Role.ASSESSOR)]
    alice.is_active = False
    alice.save()
    assert sso_login(Client()).status_code == 403
    assert [r["after"]["reason"] for r in _refusals()] == ["no_role", "inactive_account"]


def test_roles_come_from_the_provider_only_when_a_claim_is_configured(
    idp: OIDCProvider, settings: Any
) -> None:
    settings.OIDC_ROLES_CLAIM = "roles"
    alice = _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
    _as(idp, "alice@minbzk.nl", roles=["approver", "partner", "superuser"])
    client = Client()
    assert sso_login(client).status_code == 302
    alice.refresh_from_db()
    assert alice.roles == [str(Role.APPROVER)]
    change = AuditEvent.objects.get(action="user_roles_changed", object_id=str(alice.pk))
    assert change.after == {"roles": ["approver"]}

    idp.people[f"sub-{alice.email}"].roles = ["partner"]
    assert sso_login(Client()).status_code == 403
    assert _refusals()[-1]["after"] == {"reason": "no_role"}


def test_the_login_page_offers_the_provider_when_configured(idp: OIDCProvider) -> None:
    page = in_english(Client()).get("/login").content.decode()
    assert "Log in with Test IdP" in page
    assert 'href="/oidc/authenticate/' in page


def test_without_settings_there_is_no_button_and_no_sso_urls() -> None:
    client = in_english(Client())
    page = client.get("/login").content.decode()
    assert "/oidc/" not in page
    assert "Log in with" not in page
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


def test_switching_sso_off_ends_sso_sessions(idp: OIDCProvider, settings: Any) -> None:
    _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
    _as(idp, "alice@minbzk.nl")
    client = Client()
    sso_login(client)
    assert client.get("/").status_code == 200
    settings.OIDC_CLIENT_SECRET = ""
    assert client.get("/")["Location"].startswith("/login")


def test_logout_ends_the_local_session(idp: OIDCProvider) -> None:
    alice = _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
    _as(idp, "alice@minbzk.nl")
    client = Client()
    sso_login(client)
    assert client.post("/logout").status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get("/")["Location"].startswith("/login")
    assert AuditEvent.objects.filter(action="user_logged_out", object_id=str(alice.pk)).exists()


def test_a_provider_that_denies_access_is_refused(idp: OIDCProvider) -> None:
    idp.login_as = None  # the person did not approve
    client = Client()
    response = sso_login(client)
    assert response.status_code == 403
    assert [r["after"] for r in _refusals()] == [{"reason": "provider_error"}]


def test_the_sso_urls_answer_only_get(idp: OIDCProvider) -> None:
    client = Client()  # no CSRF check, so the method is what is refused
    assert client.post("/oidc/authenticate/").status_code == 405
    assert client.post("/oidc/callback/?code=x&state=y").status_code == 405


def test_logout_also_ends_the_session_at_the_provider(idp: OIDCProvider) -> None:
    alice = _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
    person = _as(idp, "alice@minbzk.nl")
    client = Client()
    sso_login(client)
    id_token = client.session["oidc_id_token"]
    response = client.post("/logout")
    to_provider = urlsplit(response["Location"])
    assert (
        f"{to_provider.scheme}://{to_provider.netloc}{to_provider.path}" == f"{idp.issuer}/logout"
    )
    assert dict(parse_qsl(to_provider.query)) == {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": AFTER_LOGOUT,
        "client_id": idp.client_id,
    }
    assert SESSION_KEY not in client.session
    at_provider = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert (at_provider.status_code, at_provider.headers["Location"]) == (302, AFTER_LOGOUT)
    assert idp.ended_sessions == [person.sub]
    event = AuditEvent.objects.get(action="user_logged_out", object_id=str(alice.pk))
    assert event.after == {"provider_logout": True}


def test_a_password_login_logs_out_locally_only(idp: OIDCProvider) -> None:
    alice = _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
    client = verified_client(alice)
    assert client.post("/logout")["Location"] == "/login"
    assert idp.ended_sessions == []
    assert AuditEvent.objects.get(action="user_logged_out").after is None


def test_without_an_end_session_endpoint_logout_is_local_unless_one_is_set(
    settings: Any,
) -> None:
    with OIDCProvider(
        redirect_uri=CALLBACK, post_logout_redirect_uri=AFTER_LOGOUT, end_session=False
    ) as provider:
        _configure(settings, provider)
        _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
        _as(provider, "alice@minbzk.nl")
        client = Client()
        sso_login(client)
        assert client.post("/logout")["Location"] == "/login"
        # FLAGDESK_OIDC_END_SESSION_ENDPOINT names one the discovery document does not.
        settings.OIDC_END_SESSION_ENDPOINT = f"{provider.issuer}/logout?ui_locales=nl"
        sso_login(client)
        location = client.post("/logout")["Location"]
        assert location.startswith(f"{provider.issuer}/logout?ui_locales=nl&id_token_hint=")
        assert requests.get(location, allow_redirects=False, timeout=10).status_code == 302
        assert len(provider.ended_sessions) == 1


def test_a_single_sign_on_login_starts_a_new_session_key(idp: OIDCProvider) -> None:
    # The session that carried the login's state and nonce is not the one logged in.
    _staff("alice", "alice@minbzk.nl", Role.ASSESSOR)
    _as(idp, "alice@minbzk.nl")
    client = Client()
    start = client.get("/oidc/authenticate/", {"next": "/"})
    before = client.session.session_key
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(at_provider.headers["Location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    assert before and client.session.session_key != before
    assert client.get("/cases").status_code == 200
