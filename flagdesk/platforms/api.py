# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/platforms: the platforms the organisation can flag content on, and (for
administrators) their channel, policy, mail domains and service levels."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from flagdesk.accounts.api import AdminOnly
from flagdesk.platforms.forms import change_platform
from flagdesk.platforms.models import SLA_MAX_MINUTES, ChannelKind, Platform

SLA_FIELDS = ("sla_decision_minutes", "sla_approval_minutes", "sla_ack_minutes")


class PlatformSerializer(serializers.ModelSerializer[Platform]):
    key = serializers.CharField(source="slug")
    has_channel = serializers.BooleanField()
    hosts = serializers.ListField(source="host_list", child=serializers.CharField())
    mail_domains = serializers.SerializerMethodField(
        help_text="Domains the platform's mail may come from (subdomains count)."
    )
    aliases = serializers.SerializerMethodField(help_text="Other names signallers may use.")
    # Strings, not format uri: an administrator may leave them empty.
    policy_url = serializers.CharField(read_only=True, help_text="Empty: none known.")
    citizen_report_url = serializers.CharField(
        read_only=True, help_text="Where citizens report to the platform; empty: none known."
    )

    class Meta:
        model = Platform
        # The channel address stays internal: partners must not bypass the organisation.
        fields = [
            "key",
            "name",
            "services",
            "programme",
            "has_channel",
            "channel_active",
            "channel_kind",
            "channel_language",
            "policy_name",
            "policy_url",
            "citizen_report_url",
            "hosts",
            "mail_domains",
            "aliases",
            *SLA_FIELDS,
        ]

    def get_mail_domains(self, platform: Platform) -> list[str]:
        return [d for d in (s.strip() for s in platform.mail_domains.split(",")) if d]

    def get_aliases(self, platform: Platform) -> list[str]:
        return [a.alias for a in platform.aliases.all()]


class PlatformAdminSerializer(PlatformSerializer):
    """What an administrator sees: also the channel's address (or the portal's URL)."""

    class Meta(PlatformSerializer.Meta):
        fields = [*PlatformSerializer.Meta.fields, "channel_address", "status_since"]


def _domain_list() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=253),
        required=False,
        max_length=50,
        help_text="Host names such as x.com; no wildcards (subdomains count by themselves).",
    )


def _sla_minutes() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=SLA_MAX_MINUTES,
        help_text="This platform's own service level in minutes; null: the deployment default.",
    )


class PlatformChangeSerializer(serializers.Serializer[Any]):
    """The fields to change; a field left out stays as it is (JSON merge semantics)."""

    name = serializers.CharField(required=False, max_length=100)
    services = serializers.CharField(required=False, allow_blank=True, max_length=200)
    programme = serializers.CharField(required=False, allow_blank=True, max_length=200)
    status_since = serializers.IntegerField(
        required=False, allow_null=True, min_value=1990, max_value=2200
    )
    channel_active = serializers.BooleanField(required=False)
    channel_kind = serializers.ChoiceField(choices=ChannelKind.choices, required=False)
    channel_address = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        trim_whitespace=False,
        help_text="An e-mail address for an e-mail channel, an https:// URL for a web portal "
        "(the portal's URL).",
    )
    channel_language = serializers.ChoiceField(
        choices=[("en", "English"), ("nl", "Nederlands")], required=False
    )
    policy_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    policy_url = serializers.CharField(required=False, allow_blank=True, max_length=200)
    citizen_report_url = serializers.CharField(required=False, allow_blank=True, max_length=200)
    hosts = _domain_list()
    mail_domains = _domain_list()
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=30),
        required=False,
        max_length=50,
        help_text="Replaces the aliases; lower-case letters, digits, - and _.",
    )
    sla_decision_minutes = _sla_minutes()
    sla_approval_minutes = _sla_minutes()
    sla_ack_minutes = _sla_minutes()

    def to_form_values(self) -> dict[str, Any]:
        """The validated changes as the platform page's form takes them."""
        values = dict(self.validated_data)
        for name in ("hosts", "mail_domains", "aliases"):
            if name in values:
                values[name] = ",".join(values[name])
        return values


@extend_schema(tags=["platforms"])
class PlatformList(generics.ListAPIView[Platform]):
    serializer_class = PlatformSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        return Platform.objects.prefetch_related("aliases")

    @extend_schema(operation_id="platforms_list", summary="List platforms")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["platforms"])
class PlatformDetail(APIView):
    permission_classes = [AdminOnly]

    def platform(self, code: str) -> Platform:
        # Not a key (a NUL byte, too long …): not found, rather than sent to the database.
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,30}", code):
            raise exceptions.NotFound()
        return get_object_or_404(Platform.objects.prefetch_related("aliases"), slug=code)

    @extend_schema(
        operation_id="platforms_read",
        summary="One platform with its channel address (administrators)",
        responses={200: PlatformAdminSerializer},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(PlatformAdminSerializer(self.platform(code)).data)

    @extend_schema(
        operation_id="platforms_partial_update",
        summary="Change a platform's channel, policy, domains or service levels (administrators)",
        request=PlatformChangeSerializer,
        responses={200: PlatformAdminSerializer},
    )
    def patch(self, request: Request, code: str) -> Response:
        platform = self.platform(code)
        body = PlatformChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            change_platform(platform, body.to_form_values(), request.user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return Response(PlatformAdminSerializer(self.platform(code)).data)
