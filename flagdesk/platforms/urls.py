# SPDX-License-Identifier: EUPL-1.2
from django.urls import path

from flagdesk.platforms import views

urlpatterns = [
    path("platforms", views.platform_list, name="fd-platform-list"),
    path("platforms/<slug:slug>/edit", views.platform_edit, name="fd-platform-edit"),
]
