# SPDX-License-Identifier: EUPL-1.2
from django.urls import path

from flagdesk.records import views

urlpatterns = [
    path("retention", views.retention_overview, name="fd-retention"),
]
