# SPDX-License-Identifier: EUPL-1.2
"""API permission classes that need the permission table (accounts/permissions.py), and
/api/v1/organisaties: partner organisations and their API tokens, for administrators.

Every change goes through accounts.service, as on the UI's partner pages (partner_views.py),
with the same forms' validation; the service writes the audit event.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from flagdesk.accounts import service
from flagdesk.accounts.constants import PARTNER_SOURCE_TYPES
from flagdesk.accounts.forms import IssueTokenForm, NewPartnerForm, PartnerForm
from flagdesk.accounts.models import ApiToken, PartnerOrganisation
from flagdesk.accounts.permissions import Action, can
from flagdesk.core.api import AuthenticatedAndVerified, created, path_int
from flagdesk.core.schema import register_link


class StaffOnly(AuthenticatedAndVerified):
    """Staff who may see cases; partners never reach case, assessment or decision data."""

    message = _("Only staff may use this endpoint.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if not can(request.user, Action.VIEW_CASES):
            raise exceptions.PermissionDenied(self.message)
        return True


class AdminOnly(AuthenticatedAndVerified):
    """Administrators only (Action.ADMINISTER), as on the UI's administration pages."""

    message = _("Only administrators may use this endpoint.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if not can(request.user, Action.ADMINISTER):
            raise exceptions.PermissionDenied(self.message)
        return True


# ------------------------------------------------------------- partner organisations


NAME_TAKEN = _("A partner organisation with this name already exists.")
SOURCE_TYPE_CHOICES = [(t.value, str(t.label)) for t in PARTNER_SOURCE_TYPES]


class OrganisationSerializer(serializers.ModelSerializer[PartnerOrganisation]):
    source_type = serializers.ChoiceField(choices=SOURCE_TYPE_CHOICES, read_only=True)
    # A string, not format email: it may be empty.
    contact_email = serializers.CharField(read_only=True, help_text="Empty: none given.")
    active_tokens = serializers.IntegerField(
        read_only=True, help_text="Tokens issued and not revoked."
    )

    class Meta:
        model = PartnerOrganisation
        fields = [
            "id",
            "name",
            "source_type",
            "legal_basis",
            "contact_email",
            "active",
            "active_tokens",
            "created_at",
        ]
        read_only_fields = fields


class OrganisationInputSerializer(serializers.Serializer[Any]):
    """A new partner organisation; the organisation page's form checks it further."""

    name = serializers.CharField(max_length=200)
    source_type = serializers.ChoiceField(
        choices=SOURCE_TYPE_CHOICES,
        help_text="media, factchecker, government_monitoring (needs legal_basis) or co_government.",
    )
    legal_basis = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="The law and article that let a government body monitor social media.",
    )
    contact_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)


class OrganisationChangeSerializer(serializers.Serializer[Any]):
    """The fields to change; a field left out stays as it is."""

    name = serializers.CharField(max_length=200, required=False)
    source_type = serializers.ChoiceField(choices=SOURCE_TYPE_CHOICES, required=False)
    legal_basis = serializers.CharField(max_length=300, required=False, allow_blank=True)
    contact_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    active = serializers.BooleanField(
        required=False,
        help_text="false deactivates the organisation: its tokens stop working at once "
        "(they are kept, and work again when it is reactivated).",
    )


class TokenSerializer(serializers.ModelSerializer[ApiToken]):
    """A token without its secret: only its hash is stored."""

    prefix = serializers.CharField(
        read_only=True, help_text="The token's first characters, to recognise it."
    )
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "active", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class IssuedTokenSerializer(TokenSerializer):
    token = serializers.CharField(
        read_only=True,
        help_text="The secret, in this one answer only: store it now (Authorization: Bearer).",
    )

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class TokenInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(
        max_length=100, help_text='What the token is for, e.g. "newsroom CMS".'
    )


def _organisations() -> QuerySet[PartnerOrganisation]:
    return PartnerOrganisation.objects.annotate(
        active_tokens=Count("api_tokens", filter=Q(api_tokens__revoked_at__isnull=True))
    ).order_by("name", "pk")


def _organisation(id: str) -> PartnerOrganisation:
    return get_object_or_404(_organisations(), pk=path_int(id))


def _form_errors(form: Any) -> serializers.ValidationError:
    errors = {
        ("non_field_errors" if field == "__all__" else field): [str(e) for e in messages]
        for field, messages in form.errors.items()
    }
    return serializers.ValidationError(errors)


@extend_schema(tags=["organisaties"])
class OrganisationList(generics.ListAPIView[PartnerOrganisation]):
    serializer_class = OrganisationSerializer
    permission_classes = [AdminOnly]

    def get_queryset(self) -> QuerySet[PartnerOrganisation]:
        return _organisations()

    @extend_schema(operation_id="organisaties_list", summary="List partner organisations")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="organisaties_create",
        summary="Add a partner organisation",
        request=OrganisationInputSerializer,
        responses={201: OrganisationSerializer},
    )
    def post(self, request: Request) -> Response:
        body = OrganisationInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # The UI's form: a unique name, a legal basis for a monitoring government body.
        form = NewPartnerForm(body.validated_data)
        if not form.is_valid():
            raise _form_errors(form)
        data = form.partner_data()
        try:
            with transaction.atomic():
                org = service.create_partner(
                    data["name"],
                    data["source_type"],
                    contact_email=data["contact_email"],
                    legal_basis=data["legal_basis"],
                    actor=request.user,
                )
        except IntegrityError as exc:
            # Another administrator added the same name since the form's check.
            raise serializers.ValidationError({"name": [NAME_TAKEN]}) from exc
        data = OrganisationSerializer(_organisation(str(org.pk))).data
        return created(request, data, "fd-api-organisation", id=str(org.pk))


@extend_schema(tags=["organisaties"])
class OrganisationDetail(APIView):
    permission_classes = [AdminOnly]

    @extend_schema(
        operation_id="organisaties_read",
        summary="One partner organisation",
        responses={200: OrganisationSerializer},
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(OrganisationSerializer(_organisation(id)).data)

    @extend_schema(
        operation_id="organisaties_partial_update",
        summary="Change a partner organisation, or deactivate it (active: false)",
        request=OrganisationChangeSerializer,
        responses={200: OrganisationSerializer},
    )
    def patch(self, request: Request, id: str) -> Response:
        org = _organisation(id)
        body = OrganisationChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = {field: getattr(org, field) for field in PartnerForm.Meta.fields}
        form = PartnerForm(values | dict(body.validated_data), instance=org)
        if not form.is_valid():
            raise _form_errors(form)
        try:
            with transaction.atomic():
                service.update_partner(org, form.partner_data(), request.user)
        except IntegrityError as exc:
            raise serializers.ValidationError({"name": [NAME_TAKEN]}) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return Response(OrganisationSerializer(_organisation(id)).data)


@extend_schema(tags=["organisaties"])
class TokenList(generics.ListAPIView[ApiToken]):
    serializer_class = TokenSerializer
    permission_classes = [AdminOnly]

    def get_queryset(self) -> QuerySet[ApiToken]:
        org = _organisation(self.kwargs["id"])
        return ApiToken.objects.filter(organisation=org).order_by("-created_at", "-pk")

    @extend_schema(
        operation_id="organisaties_tokens_list",
        summary="List an organisation's API tokens (never their secrets)",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="organisaties_tokens_create",
        summary="Issue an API token; its secret is in this answer only",
        request=TokenInputSerializer,
        responses={201: IssuedTokenSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        org = _organisation(id)
        body = TokenInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        form = IssueTokenForm({"token-name": body.validated_data["name"]})
        if not form.is_valid():
            raise _form_errors(form)
        token, raw = service.issue_token(
            name=form.cleaned_data["name"], organisation=org, actor=request.user
        )
        answer = dict(TokenSerializer(token).data) | {"token": raw}
        response = created(
            request, answer, "fd-api-organisation-token", id=str(org.pk), token_id=str(token.pk)
        )
        add_never_cache_headers(response)
        return response


@extend_schema(tags=["organisaties"])
class TokenDetail(APIView):
    permission_classes = [AdminOnly]

    def token(self, id: str, token_id: str) -> ApiToken:
        # Both ids must match: another organisation's token under this one is not found.
        return get_object_or_404(
            ApiToken, pk=path_int(token_id), organisation_id=_organisation(id).pk
        )

    @extend_schema(
        operation_id="organisaties_tokens_read",
        summary="One API token (never its secret)",
        responses={200: TokenSerializer},
    )
    def get(self, request: Request, id: str, token_id: str) -> Response:
        return Response(TokenSerializer(self.token(id, token_id)).data)

    @extend_schema(
        operation_id="organisaties_tokens_delete",
        summary="Revoke an API token (at once; revoking twice changes nothing)",
        responses={204: None},
    )
    def delete(self, request: Request, id: str, token_id: str) -> Response:
        service.revoke_token(self.token(id, token_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Where a new organisation and a new token lead (OpenAPI links; schemathesis follows them).
for _name, _target in (
    ("ReadOrganisation", "organisaties_read"),
    ("IssueToken", "organisaties_tokens_create"),
):
    register_link("organisaties_create", "201", _name, _target, {"id": "$response.body#/id"})
for _name, _target in (
    ("ReadToken", "organisaties_tokens_read"),
    ("RevokeToken", "organisaties_tokens_delete"),
):
    register_link(
        "organisaties_tokens_create",
        "201",
        _name,
        _target,
        {"id": "$request.path.id", "token_id": "$response.body#/id"},
    )
