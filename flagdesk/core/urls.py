# SPDX-License-Identifier: EUPL-1.2
from django.urls import path

from flagdesk.core import views

urlpatterns = [
    path("", views.dashboard, name="fd-dashboard"),
    path("health", views.health, name="fd-health"),
]
