# SPDX-License-Identifier: EUPL-1.2
"""GET /api/v1/platforms: the platforms the organisation can flag content on."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from flagdesk.platforms.models import Platform


class PlatformSerializer(serializers.ModelSerializer[Platform]):
    key = serializers.CharField(source="slug")
    has_channel = serializers.BooleanField()

    class Meta:
        model = Platform
        # The channel address stays internal: partners must not bypass the organisation.
        fields = [
            "key",
            "name",
            "services",
            "programme",
            "has_channel",
            "channel_kind",
            "channel_language",
            "policy_name",
            "policy_url",
            "citizen_report_url",
        ]


@extend_schema(tags=["platforms"], summary="List platforms")
class PlatformList(generics.ListAPIView[Platform]):
    serializer_class = PlatformSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        return Platform.objects.all()
