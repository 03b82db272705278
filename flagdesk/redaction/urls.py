# SPDX-License-Identifier: EUPL-1.2
"""URLs of the redaction review: an election's documents, one document, the review actions."""

from django.urls import URLPattern, path

from flagdesk.redaction import views

urlpatterns: list[URLPattern] = [
    path("reports/<slug:code>/redactions", views.document_list, name="fd-redaction-list"),
    path("redactions/documents/<int:pk>", views.document_detail, name="fd-redaction-document"),
    path(
        "redactions/documents/<int:pk>/accept-all",
        views.document_accept_all,
        name="fd-redaction-accept-all",
    ),
    path(
        "redactions/documents/<int:pk>/add-text",
        views.document_add_text,
        name="fd-redaction-add-text",
    ),
    path("redactions/documents/<int:pk>/bulk", views.document_bulk, name="fd-redaction-bulk"),
    path(
        "reports/<slug:code>/redactions/bulk",
        views.election_bulk,
        name="fd-redaction-election-bulk",
    ),
    path("redactions/<int:pk>/decide", views.redaction_decide, name="fd-redaction-decide"),
]
