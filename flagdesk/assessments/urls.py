# SPDX-License-Identifier: EUPL-1.2
from django.urls import URLPattern, path

from flagdesk.assessments import views

urlpatterns: list[URLPattern] = [
    path("cases/<str:reference>", views.case_detail, name="fd-case-detail"),
    path("cases/<str:reference>/assessment", views.case_assess, name="fd-case-assess"),
    path("cases/<str:reference>/eligibility", views.case_eligibility, name="fd-case-eligibility"),
    path("cases/<str:reference>/decision", views.case_decide, name="fd-case-decide"),
    path("cases/<str:reference>/review", views.case_review, name="fd-case-review"),
    path("cases/<str:reference>/withdraw", views.case_withdraw, name="fd-case-withdraw"),
    path("cases/<str:reference>/reassign", views.case_reassign, name="fd-case-reassign"),
    path("attachments/<int:pk>", views.attachment_download, name="fd-attachment-download"),
]
