# SPDX-License-Identifier: EUPL-1.2
"""Changes made in Django's admin go into the audit trail like every other change.

The admin writes models directly, past the apps' services; without this, a superuser could
give an account the approver role, point a platform's channel at another address or reassign
a token, and the hash-chained log would not show it. Events are named
``<model>_added_in_admin``, ``<model>_changed_in_admin`` and ``<model>_deleted_in_admin``,
with the changed fields before and after (never a password hash).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from flagdesk.audit import service as audit

# Never copied into the log: a hash is a secret, a login time is noise.
HIDDEN = frozenset({"password", "token_hash", "last_login"})
PLAIN = (str, int, float, bool, list, dict, type(None))


def snapshot(obj: models.Model) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in HIDDEN:
            continue
        value = getattr(obj, field.attname)
        values[field.attname] = value if isinstance(value, PLAIN) else str(value)
    if "password" in {f.name for f in obj._meta.concrete_fields}:
        # Only whether it changed: the hash itself stays out of the log.
        values["password_set"] = bool(getattr(obj, "password", ""))
    return values


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes write an audit event (in the same transaction)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        before = snapshot(stored) if stored is not None else {}
        if stored is not None and getattr(stored, "password", None) != getattr(
            obj, "password", None
        ):
            before["password_set"] = None  # a new password counts as a change
        super().save_model(request, obj, form, change)
        name = obj._meta.model_name
        if change:
            audit.log_changes(
                f"{name}_changed_in_admin",
                obj,
                actor=request.user,
                before=before,
                after=snapshot(obj),
            )
        else:
            audit.log(f"{name}_added_in_admin", obj, actor=request.user, after=snapshot(obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.log(
            f"{obj._meta.model_name}_deleted_in_admin",
            obj,
            actor=request.user,
            before=snapshot(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
