# SPDX-License-Identifier: EUPL-1.2
"""What a superuser changes in Django's admin is in the hash-chained audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.test import RequestFactory

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import PartnerOrganisation, User
from flagdesk.audit.models import AuditEvent
from flagdesk.conftest import make_user, verified_client


def superuser() -> User:
    root = make_user("root", Role.ADMIN)
    root.is_superuser = True
    root.save()
    return root


def admin_request(user: User) -> Any:
    request = RequestFactory().post("/admin/")
    request.user = user
    return request


def test_a_partner_edited_in_the_admin_is_audited(nos: PartnerOrganisation) -> None:
    root = superuser()
    response = verified_client(root).post(
        f"/admin/accounts/partnerorganisation/{nos.pk}/change/",
        {"name": "NOS", "source_type": "factchecker", "legal_basis": "", "contact_email": ""},
    )
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.get(action="partnerorganisation_changed_in_admin")
    assert event.actor_label == "root"
    assert event.before == {"source_type": "media", "active": True}
    assert event.after == {"source_type": "factchecker", "active": False}


def test_roles_given_in_the_admin_are_audited_without_the_password_hash(carol: User) -> None:
    root = superuser()
    user_admin = admin.site._registry[User]
    carol.roles = [str(Role.INTAKE), str(Role.APPROVER)]
    carol.set_password("another long passphrase")
    user_admin.save_model(admin_request(root), carol, None, True)
    event = AuditEvent.objects.get(action="user_changed_in_admin")
    assert event.before["roles"] == ["intake_officer"]
    assert event.after["roles"] == ["intake_officer", "approver"]
    assert event.after["password_set"] is True
    assert "pbkdf2" not in str(event.after) and "md5" not in str(event.after)


def test_an_account_added_or_deleted_in_the_admin_is_audited(db: Any) -> None:
    root = superuser()
    user_admin = admin.site._registry[User]
    sock = User(username="sockpuppet", roles=[str(Role.APPROVER)])
    user_admin.save_model(admin_request(root), sock, None, False)
    added = AuditEvent.objects.get(action="user_added_in_admin")
    assert added.after["username"] == "sockpuppet" and added.after["roles"] == ["approver"]
    user_admin.delete_model(admin_request(root), sock)
    assert AuditEvent.objects.filter(action="user_deleted_in_admin", object_id=str(added.object_id))
