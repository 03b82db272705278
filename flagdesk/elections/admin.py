# SPDX-License-Identifier: EUPL-1.2
from django.contrib import admin

from flagdesk.audit.admin_audit import AuditedModelAdmin
from flagdesk.elections.models import Election


@admin.register(Election)
class ElectionAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "type", "election_day", "attention_start", "attention_end")
    list_filter = ("type",)
