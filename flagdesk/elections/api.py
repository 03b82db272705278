# SPDX-License-Identifier: EUPL-1.2
"""GET /api/v1/verkiezingen: the elections signals can be filed under."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from flagdesk.elections.models import Election


class ElectionSerializer(serializers.ModelSerializer[Election]):
    english_name = serializers.CharField(
        read_only=True, help_text="The name in English notices (set, or derived from the type)."
    )

    class Meta:
        model = Election
        fields = [
            "code",
            "type",
            "name",
            "english_name",
            "election_day",
            "attention_start",
            "attention_end",
        ]


@extend_schema(tags=["verkiezingen"], summary="List elections")
class ElectionList(generics.ListAPIView[Election]):
    serializer_class = ElectionSerializer
    # A handful of elections: one page is simpler for clients than paging.
    pagination_class = None

    def get_queryset(self) -> Any:
        return Election.objects.all()
