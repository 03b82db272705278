# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from flagdesk.accounts.constants import Role
from flagdesk.accounts.models import ApiToken, PartnerOrganisation, User
from flagdesk.audit.admin_audit import AuditedModelAdmin


class UserRolesForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = User
        fields = "__all__"  # noqa: DJ007 -- UserAdmin picks the fields via fieldsets


@admin.register(User)
class FlagDeskUserAdmin(AuditedModelAdmin, UserAdmin):
    form = UserRolesForm
    list_display = ("username", "email", "roles", "organisation", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("FlagDesk", {"fields": ("roles", "organisation", "must_change_password")}),
    )


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(AuditedModelAdmin):
    list_display = ("name", "source_type", "active")
    list_filter = ("source_type", "active")
    search_fields = ("name",)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ("name", "prefix", "organisation", "user", "created_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Tokens are issued through the partner screens or `flagdesk token`, which show the
        # raw value once; the admin only lists and revokes.
        return False
