# SPDX-License-Identifier: EUPL-1.2
from django.urls import path

from flagdesk.notifications import views

urlpatterns = [
    path("notifications", views.notification_list, name="fd-notifications"),
    path("notifications/read", views.notification_read, name="fd-notifications-read"),
    path(
        "account/notifications",
        views.notification_settings,
        name="fd-notification-settings",
    ),
]
