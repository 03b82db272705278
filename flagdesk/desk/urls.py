# SPDX-License-Identifier: EUPL-1.2
"""The site: every app's pages, the dashboard, /health, /api/v1 and the admin, in one place."""

from django.contrib import admin
from django.urls import include, path

from flagdesk.desk import views

admin.site.site_header = "FlagDesk"
admin.site.site_title = "FlagDesk"

urlpatterns = [
    path("", views.dashboard, name="fd-dashboard"),
    path("health", views.health, name="fd-health"),
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
    path("", include("flagdesk.notifications.urls")),
    path("api/v1/", include("flagdesk.desk.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
