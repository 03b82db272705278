# SPDX-License-Identifier: EUPL-1.2
from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny

urlpatterns: list[URLPattern | URLResolver] = [
    path("openapi.json",
         SpectacularJSONAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[]),
         name="fd-api-docs"),
]
