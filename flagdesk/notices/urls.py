# SPDX-License-Identifier: EUPL-1.2
"""URLs of the notice actions; the notices themselves are shown on the case page."""

from django.urls import URLPattern, path

from flagdesk.notices import template_views, views

urlpatterns: list[URLPattern] = [
    path("notices/<int:pk>/draft", views.notice_draft, name="fd-notice-draft"),
    path("notices/<int:pk>/send", views.notice_send, name="fd-notice-send"),
    path("notices/<int:pk>/follow-up", views.notice_follow_up, name="fd-notice-follow-up"),
    path(
        "notices/<int:pk>/portal-submission",
        views.notice_portal_submission,
        name="fd-notice-portal-submission",
    ),
    path("notices/<int:pk>/unknown", views.notice_resolve_unknown, name="fd-notice-unknown"),
    path("notices/<int:pk>/send-again", views.notice_send_again, name="fd-notice-send-again"),
    path("notices/<int:pk>/requeue", views.notice_requeue, name="fd-notice-requeue"),
    path("notices/<int:pk>/message.eml", views.notice_raw, name="fd-notice-raw"),
    path("notices/<int:pk>/confirmation", views.notice_confirmation, name="fd-notice-confirmation"),
    # administration of the notice templates
    path("notice-templates", template_views.template_list, name="fd-notice-template-list"),
    path(
        "notice-templates/<str:filename>",
        template_views.template_edit,
        name="fd-notice-template-edit",
    ),
    path(
        "notice-templates/<str:filename>/v<int:version>",
        template_views.template_version,
        name="fd-notice-template-version",
    ),
    path(
        "notice-templates/<str:filename>/v<int:version>/activate",
        template_views.template_activate,
        name="fd-notice-template-activate",
    ),
    path(
        "notice-templates/<str:filename>/use-file",
        template_views.template_use_file,
        name="fd-notice-template-use-file",
    ),
]
