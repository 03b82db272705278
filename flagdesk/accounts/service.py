# SPDX-License-Identifier: EUPL-1.2
"""Public API of the accounts app: staff users, partner organisations and their API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from flagdesk.accounts.constants import Role, SourceType
from flagdesk.accounts.models import ApiToken, PartnerOrganisation, User, hash_token
from flagdesk.audit import service as audit

# The length of Django's first_name, where the whole display name is kept.
DISPLAY_NAME_MAX = 150
TOKEN_PREFIX = "fd_"  # noqa: S105 -- a public prefix, not a secret


def create_staff_user(
    username: str,
    roles: Iterable[str],
    *,
    email: str = "",
    password: str | None = None,
    actor: Any = None,
    must_change_password: bool = True,
    display_name: str = "",
) -> tuple[User, str]:
    """Create a staff member; returns the user and the (one-time) password.

    ``display_name`` is the person's full name as notices and reports sign it. It is kept
    whole in ``first_name`` (``get_full_name()`` then gives it back unchanged): splitting
    "Jan de Vries" into first and last name would be a guess.
    """
    roles = sorted({str(Role(r)) for r in roles})
    password = password or secrets.token_urlsafe(12)
    display_name = " ".join(display_name.split())
    if len(display_name) > DISPLAY_NAME_MAX:
        raise ValidationError({"display_name": f"at most {DISPLAY_NAME_MAX} characters"})
    with transaction.atomic():
        user = User.objects.create_user(
            username=username, email=email, password=password, first_name=display_name
        )
        user.roles = roles
        user.is_staff = Role.ADMIN in roles
        user.must_change_password = must_change_password
        user.save()
        after: dict[str, Any] = {"username": username, "roles": roles}
        if display_name:
            after["display_name"] = display_name
        audit.log("user_created", user, actor=actor, after=after)
    return user, password


def set_roles(user: User, roles: Iterable[str], actor: Any) -> None:
    roles = sorted({str(Role(r)) for r in roles})
    before = list(user.roles)
    user.roles = roles
    user.is_staff = Role.ADMIN in roles
    user.save(update_fields=["roles", "is_staff"])
    audit.log(
        "user_roles_changed", user, actor=actor, before={"roles": before}, after={"roles": roles}
    )


def create_partner(
    name: str,
    source_type: str,
    *,
    contact_email: str = "",
    legal_basis: str = "",
    actor: Any = None,
) -> PartnerOrganisation:
    with transaction.atomic():
        organisation = PartnerOrganisation.objects.create(
            name=name,
            source_type=source_type,
            contact_email=contact_email,
            legal_basis=legal_basis,
        )
        audit.log(
            "partner_created",
            organisation,
            actor=actor,
            after={"name": name, "source_type": source_type},
        )
    return organisation


def _service_account(organisation: PartnerOrganisation) -> User:
    username = f"partner-{organisation.pk}"
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"organisation": organisation, "roles": [str(Role.PARTNER)]},
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def issue_token(
    *,
    name: str,
    organisation: PartnerOrganisation | None = None,
    user: User | None = None,
    actor: Any = None,
) -> tuple[ApiToken, str]:
    """Create a token for a partner organisation or a staff user; the raw token is shown once."""
    if (organisation is None) == (user is None):
        raise ValueError("a token belongs to either an organisation or a staff user")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        owner = _service_account(organisation) if organisation else user
        assert owner is not None
        token = ApiToken.objects.create(
            user=owner,
            organisation=organisation,
            name=name,
            prefix=raw[:10],
            token_hash=hash_token(raw),
        )
        audit.log(
            "api_token_issued",
            token,
            actor=actor,
            after={
                "name": name,
                "prefix": token.prefix,
                "organisation": organisation.name if organisation else None,
                "user": user.get_username() if user else None,
            },
        )
    return token, raw


def revoke_token(token: ApiToken, actor: Any = None) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.log("api_token_revoked", token, actor=actor, after={"prefix": token.prefix})


def user_for_token(raw: str) -> tuple[User, ApiToken] | None:
    # token_hash is unique: no ORDER BY needed. A partner token's organisation is its service
    # account's, so one join to the user's organisation serves both checks.
    found = list(
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .order_by()[:1]
    )
    if not found or not found[0].user.is_active:
        return None
    token = found[0]
    if token.organisation_id is not None:
        organisation = token.user.organisation
        if organisation is None or organisation.pk != token.organisation_id:
            organisation = token.organisation
        if organisation is None or not organisation.active:
            return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        # Written at most once a minute, so a busy partner doesn't turn reads into writes.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


PARTNER_FIELDS = ("name", "source_type", "legal_basis", "contact_email", "active")


def update_partner(
    org: PartnerOrganisation, data: dict[str, Any], actor: Any
) -> PartnerOrganisation:
    """Save a partner's edited details; audit only the fields that changed."""
    unknown = set(data) - set(PARTNER_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        org = PartnerOrganisation.objects.select_for_update(no_key=True).get(pk=org.pk)
        before = {field: getattr(org, field) for field in PARTNER_FIELDS}
        for field, value in data.items():
            setattr(org, field, value)
        if org.source_type == SourceType.GOVERNMENT_MONITORING and not org.legal_basis.strip():
            # The rules only accept monitoring signals from bodies with a legal basis.
            raise ValidationError({"legal_basis": "required for government monitoring"})
        org.full_clean()
        org.save()
        after = {field: getattr(org, field) for field in PARTNER_FIELDS}
        audit.log_changes("partner_updated", org, actor=actor, before=before, after=after)
    return org
