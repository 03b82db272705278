# SPDX-License-Identifier: EUPL-1.2
"""URLs of the narrative registry and of the narrative actions on the case page."""

from django.urls import URLPattern, path

from flagdesk.narratives import views

urlpatterns: list[URLPattern] = [
    path("narratives", views.narrative_list, name="fd-narrative-list"),
    path("narratives/<slug:slug>", views.narrative_detail, name="fd-narrative-detail"),
    path("narratives/<slug:slug>/retire", views.narrative_retire, name="fd-narrative-retire"),
    path("narratives/<slug:slug>/merge", views.narrative_merge, name="fd-narrative-merge"),
    path("narrative-links/<int:pk>", views.link_decide, name="fd-narrative-link-decide"),
    path("similar-cases/<int:pk>", views.similar_decide, name="fd-similar-decide"),
    path(
        "cases/<str:reference>/narratives/suggest", views.case_suggest, name="fd-narrative-suggest"
    ),
    path("cases/<str:reference>/narratives/link", views.case_link, name="fd-narrative-link"),
]
