# SPDX-License-Identifier: EUPL-1.2
"""URLs of the reports: the list of elections, one election's report, its files, sign-off."""

from django.urls import URLPattern, path

from flagdesk.reports import views

urlpatterns: list[URLPattern] = [
    path("reports", views.report_list, name="fd-report-list"),
    path("reports/<slug:code>", views.report_detail, name="fd-report-detail"),
    path("reports/<slug:code>/draft.<slug:fmt>", views.report_draft, name="fd-report-draft"),
    path("reports/<slug:code>/prepare", views.report_prepare, name="fd-report-prepare"),
    path("reports/<slug:code>/sign-off", views.report_sign_off, name="fd-report-sign-off"),
    path(
        "reports/<slug:code>/v<int:version>.<slug:fmt>",
        views.report_final,
        name="fd-report-final",
    ),
]
