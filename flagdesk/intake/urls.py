# SPDX-License-Identifier: EUPL-1.2
from django.urls import path

from flagdesk.intake import views

urlpatterns = [
    path("signals/new", views.signal_new, name="fd-signal-new"),
    path("signals/citizen", views.citizen, name="fd-citizen"),
    path("signals/<int:pk>/recorded", views.signal_recorded, name="fd-signal-recorded"),
    path("cases", views.case_list, name="fd-case-list"),
    path("cases/assign", views.cases_bulk_assign, name="fd-cases-bulk-assign"),
    path("cases/<str:reference>/owner", views.case_owner, name="fd-case-owner"),
    path("cases/export.<str:fmt>", views.case_list_export, name="fd-case-list-export"),
]
