# SPDX-License-Identifier: EUPL-1.2
from django.contrib import admin

from flagdesk.audit.admin_audit import AuditedModelAdmin
from flagdesk.platforms.models import Platform, PlatformAlias


class AliasInline(admin.TabularInline):
    model = PlatformAlias
    extra = 1


@admin.register(Platform)
class PlatformAdmin(AuditedModelAdmin):
    list_display = ("name", "slug", "programme", "channel_kind", "channel_active")
    inlines = [AliasInline]
