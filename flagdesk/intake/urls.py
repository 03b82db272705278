# SPDX-License-Identifier: EUPL-1.2
from django.urls import path

from flagdesk.intake import views

urlpatterns = [
    path("signals/new", views.signal_new, name="fd-signal-new"),
    path("signals/citizen", views.citizen, name="fd-citizen"),
    path("signals/<int:pk>/recorded", views.signal_recorded, name="fd-signal-recorded"),
    path("cases", views.case_list, name="fd-case-list"),
    path("cases/export.<str:fmt>", views.case_list_export, name="fd-case-list-export"),
]
