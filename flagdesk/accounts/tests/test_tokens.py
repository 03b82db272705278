# SPDX-License-Identifier: EUPL-1.2
"""API tokens: stored hashed, refused once revoked or when their organisation is switched off."""

from __future__ import annotations

from django.test import Client

from flagdesk.accounts import service
from flagdesk.accounts.models import ApiToken, PartnerOrganisation, User, hash_token


def _get_signals(token: str) -> int:
    return Client().get("/api/v1/signalen", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_a_token_is_stored_only_as_its_hash(nos_token: str) -> None:
    stored = ApiToken.objects.get()
    assert stored.token_hash == hash_token(nos_token)
    assert nos_token not in {str(value) for value in ApiToken.objects.values_list().get()}


def test_a_working_token_finds_its_service_account(
    nos_token: str, nos: PartnerOrganisation
) -> None:
    found = service.user_for_token(nos_token)
    assert found is not None
    user, token = found
    assert user.organisation == nos and token.organisation == nos
    assert _get_signals(nos_token) == 200


def test_a_token_of_a_switched_off_organisation_is_refused(
    nos_token: str, nos: PartnerOrganisation
) -> None:
    nos.active = False
    nos.save()
    assert service.user_for_token(nos_token) is None
    assert _get_signals(nos_token) == 401


def test_a_token_of_a_deactivated_service_account_is_refused(nos_token: str) -> None:
    User.objects.filter(organisation__isnull=False).update(is_active=False)
    assert service.user_for_token(nos_token) is None
    assert _get_signals(nos_token) == 401


def test_a_revoked_token_is_refused(nos_token: str, alice: User) -> None:
    token = ApiToken.objects.get()
    service.revoke_token(token, actor=alice)
    assert _get_signals(nos_token) == 401


def test_an_unknown_token_is_refused(db: object) -> None:
    assert _get_signals("fd_" + "0" * 40) == 401
