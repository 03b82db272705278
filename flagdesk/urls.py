# SPDX-License-Identifier: EUPL-1.2
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "FlagDesk"
admin.site.site_title = "FlagDesk"

urlpatterns = [
    path("", include("flagdesk.core.urls")),
    path("", include("flagdesk.accounts.urls")),
    path("", include("flagdesk.intake.urls")),
    path("", include("flagdesk.assessments.urls")),
    path("", include("flagdesk.platforms.urls")),
    path("", include("flagdesk.notices.urls")),
    path("", include("flagdesk.mailarchive.urls")),
    path("", include("flagdesk.reports.urls")),
    path("", include("flagdesk.redaction.urls")),
    path("", include("flagdesk.narratives.urls")),
    path("", include("flagdesk.records.urls")),
    path("api/v1/", include("flagdesk.core.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# problem+json under /api/, Django's pages elsewhere (flagdesk/core/errors.py).
handler400 = "flagdesk.core.errors.bad_request"
handler403 = "flagdesk.core.errors.permission_denied"
handler404 = "flagdesk.core.errors.page_not_found"
handler500 = "flagdesk.core.errors.server_error"
