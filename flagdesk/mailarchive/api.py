# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/berichten: the archived mail, as the mail pages (mailarchive/views.py) show it.

Reading is for all staff who see cases; linking an unmatched message to a case, and
confirming or rejecting a weak link, are the assessor's — the same roles as the pages, and
the same service functions, which check the role again and write the audit event.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, generics, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from flagdesk.accounts.api import StaffOnly
from flagdesk.accounts.permissions import Action, require
from flagdesk.core.api import MAX_DB_INT, Conflict, path_int, repr_digest
from flagdesk.intake import selectors as case_reads
from flagdesk.mailarchive import service
from flagdesk.mailarchive.models import (
    Confirmation,
    Kind,
    MailAttachment,
    MailMessage,
    MatchMethod,
)

TAGS = ["berichten"]
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Message id.")


class AttachmentSerializer(serializers.ModelSerializer[MailAttachment]):
    available = serializers.SerializerMethodField(
        help_text="Whether the file is kept (false: too large, or removed under retention)."
    )

    class Meta:
        model = MailAttachment
        fields = ["id", "filename", "content_type", "size", "sha256", "truncated", "available"]
        read_only_fields = fields

    def get_available(self, attachment: MailAttachment) -> bool:
        return bool(attachment.path)


class MessageSummarySerializer(serializers.ModelSerializer[MailMessage]):
    """A row of the list; the detail adds the text, the evidence and the attachments."""

    case = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True, help_text="Case reference."
    )
    notice = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Id of the notice it answers."
    )
    needs_confirmation = serializers.BooleanField(
        read_only=True, help_text="Linked only weakly: waits for an assessor's confirmation."
    )
    trusted = serializers.BooleanField(
        read_only=True,
        help_text="Counts as the platform's word: strongly linked, or confirmed by an assessor.",
    )
    sent_at = serializers.DateTimeField(
        source="date",
        read_only=True,
        allow_null=True,
        help_text="The Date header: when the sender says it was written (null: none, or "
        "implausible). archived_at is when FlagDesk read it.",
    )

    class Meta:
        model = MailMessage
        fields = [
            "id",
            "subject",
            "from_address",
            "from_name",
            "sent_at",
            "archived_at",
            "kind",
            "case",
            "notice",
            "match_method",
            "link_strength",
            "sender_kind",
            "confirmation",
            "needs_confirmation",
            "trusted",
            "sha256",
        ]
        read_only_fields = fields


class MessageSerializer(MessageSummarySerializer):
    confirmed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    kind_reasons = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Why it has this class."
    )
    trust_reasons = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The evidence for the link and the sender check, as reason codes.",
    )
    link_candidates = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Case references weak evidence pointed at, when it pointed at more than one.",
    )
    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What a reader must know before believing the sender: lookalike, "
        "authentication_failed, not_authenticated.",
    )
    defects = serializers.ListField(child=serializers.CharField(), read_only=True)
    text = serializers.CharField(read_only=True, help_text="The plain text of the message.")
    html = serializers.CharField(
        read_only=True,
        help_text="The HTML part sanitised on import (allow-list, no scripts, no remote "
        "content), as the web UI shows it; never the original HTML. Empty if there was none.",
    )
    original_available = serializers.SerializerMethodField(
        help_text="Whether the original can be downloaded (false: removed under retention; the "
        "row, its text and the SHA-256 stay)."
    )
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(MessageSummarySerializer.Meta):
        fields = [
            *MessageSummarySerializer.Meta.fields,
            "to",
            "message_id",
            "in_reply_to",
            "size",
            "kind_reasons",
            "trust_reasons",
            "link_candidates",
            "sender_domain",
            "sender_platform",
            "auth_result",
            "auth_method",
            "warnings",
            "confirmed_by",
            "confirmed_at",
            "confirmation_note",
            "original_available",
            "text",
            "html",
            "attachments",
            "defects",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_original_available(self, message: MailMessage) -> bool:
        return not service.raw_removed(message)


class MessageFilterSerializer(serializers.Serializer[Any]):
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # The query keys are camelCase (NL API Design Rules), which Python names are not.
        return {
            "zaak": serializers.CharField(required=False, max_length=20),
            "melding": serializers.IntegerField(required=False, min_value=1, max_value=MAX_DB_INT),
            "klasse": serializers.ChoiceField(choices=Kind.choices, required=False),
            "bevestigingNodig": serializers.BooleanField(required=False),
            "ongekoppeld": serializers.BooleanField(required=False),
        }


FILTERS = [
    OpenApiParameter("zaak", OpenApiTypes.STR, description="Case reference, e.g. FD-2023-0001."),
    OpenApiParameter("melding", OpenApiTypes.INT, description="Id of the notice it answers."),
    OpenApiParameter("klasse", OpenApiTypes.STR, enum=Kind.values, description="Its class."),
    OpenApiParameter(
        "bevestigingNodig",
        OpenApiTypes.BOOL,
        description="true: only weak links waiting for an assessor; false: all others.",
    ),
    OpenApiParameter(
        "ongekoppeld",
        OpenApiTypes.BOOL,
        description="true: only mail matched to nothing (Mail to check); false: all others.",
    ),
]


def _messages() -> QuerySet[MailMessage]:
    return MailMessage.objects.select_related("case", "confirmed_by").order_by(
        "-archived_at", "-pk"
    )


def _message(id: str) -> MailMessage:
    message = _messages().prefetch_related("attachments").filter(pk=path_int(id)).first()
    if message is None:
        raise exceptions.NotFound()
    return message


@extend_schema(
    tags=TAGS,
    summary="List archived mail, newest first (staff only)",
    parameters=FILTERS,
)
class MessageList(generics.ListAPIView[MailMessage]):
    serializer_class = MessageSummarySerializer
    permission_classes = [StaffOnly]

    @extend_schema(operation_id="berichten_list")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[MailMessage]:
        # A plain dict: DRF reads a missing boolean in a QueryDict as false, not as absent.
        filters = MessageFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        query = _messages()
        if "zaak" in values:
            case = case_reads.case_by_reference(values["zaak"], ignore_case=True)
            query = query.filter(case=case) if case else query.none()
        if "melding" in values:
            query = query.filter(notice_id=values["melding"])
        if "klasse" in values:
            query = query.filter(kind=values["klasse"])
        if "bevestigingNodig" in values:
            pending = {"confirmation": Confirmation.PENDING}
            query = (
                query.filter(**pending) if values["bevestigingNodig"] else query.exclude(**pending)
            )
        if "ongekoppeld" in values:
            unmatched = {"match_method": MatchMethod.UNMATCHED}
            query = (
                query.filter(**unmatched) if values["ongekoppeld"] else query.exclude(**unmatched)
            )
        return query


@extend_schema(
    tags=TAGS,
    summary="One archived message with its sanitised text (staff only)",
    parameters=[ID],
)
class MessageDetail(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(operation_id="berichten_retrieve", responses={200: MessageSerializer})
    def get(self, request: Request, id: str) -> Response:
        return Response(MessageSerializer(_message(id)).data)


class _AlwaysTheFirstRenderer(BaseContentNegotiation):
    """The original is message/rfc822 whatever the client accepts; an error is problem+json."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type


@extend_schema(
    tags=TAGS,
    summary="The message as it arrived, byte for byte (staff only)",
    description="Always a download (Content-Disposition: attachment, X-Content-Type-Options: "
    "nosniff), never shown: the bytes are a stranger's. Repr-Digest (RFC 9530) carries the "
    "SHA-256 of the bytes, which is also the message's sha256.",
    parameters=[
        ID,
        OpenApiParameter(
            "Repr-Digest",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            response=[200],
            description="sha-256=:<base64 of the SHA-256 of the body>: (RFC 9530).",
        ),
        OpenApiParameter(
            "Content-Disposition",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            response=[200],
            description='attachment; filename="message-<id>.eml"',
        ),
    ],
    responses={
        (200, "message/rfc822"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The raw RFC 5322 message."
        )
    },
)
class MessageOriginal(APIView):
    permission_classes = [StaffOnly]
    content_negotiation_class = _AlwaysTheFirstRenderer
    problem_responses = {"get": {"410": "The original was removed under the retention policy."}}

    @extend_schema(operation_id="berichten_origineel_retrieve")
    def get(self, request: Request, id: str) -> HttpResponse:
        message = _message(id)
        try:
            data = service.read_raw(message)
        except service.ArchiveError as exc:
            raise Gone(str(exc)) from exc
        response = HttpResponse(data, content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Repr-Digest"] = repr_digest(hashlib.sha256(data).hexdigest())
        return response


class Gone(exceptions.APIException):
    status_code = 410
    default_detail = "The original was removed under the retention policy."
    default_code = "gone"


class MessageActionView(APIView):
    permission_classes = [StaffOnly]

    def message(self, id: str) -> MailMessage:
        # The role is checked before the lookup, so the answer never hints at what exists;
        # the same action as the page (views.mail_attach, mail_confirm, mail_reject).
        require(self.request.user, Action.SEND_NOTICE)
        return _message(id)

    def answer(self, message: MailMessage) -> Response:
        return Response(MessageSerializer(_message(str(message.pk))).data)


class LinkInputSerializer(serializers.Serializer[Any]):
    case = serializers.CharField(
        max_length=20, help_text="Reference of the case (FD-2023-0001; any letter case)."
    )


class ConfirmInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=[(k.value, k.label) for k in service.CONFIRMABLE_KINDS],
        help_text="What the message is.",
    )
    notice = serializers.IntegerField(
        min_value=1,
        max_value=MAX_DB_INT,
        help_text="Id of the notice it answers: a sent notice of the message's case.",
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RejectInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


CONFLICT = "Not possible in the message's current state (the detail says why)."


@extend_schema(tags=TAGS, parameters=[ID])
class MessageLink(MessageActionView):
    problem_responses = {"post": {"409": "The message is already linked to a case."}}

    @extend_schema(
        operation_id="berichten_koppeling_create",
        summary="Link an unmatched message to a case (assessors)",
        description="The link is weak: it waits for an assessor's confirmation (bevestiging) "
        "before it changes the notice. The message is linked to the case's latest sent notice.",
        request=LinkInputSerializer,
        responses={200: MessageSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        message = self.message(id)
        body = LinkInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reference = body.validated_data["case"].strip()
        case = case_reads.case_by_reference(reference, ignore_case=True)
        if case is None:
            raise serializers.ValidationError(
                {
                    "case": [
                        _("There is no case with the reference “%(reference)s”.")
                        % {"reference": reference}
                    ]
                }
            )
        try:
            message = service.attach_to_case(message, case, request.user)
        except service.ArchiveError as exc:
            raise Conflict(str(exc)) from exc
        return self.answer(message)


@extend_schema(tags=TAGS, parameters=[ID])
class MessageConfirmation(MessageActionView):
    problem_responses = {"post": {"409": CONFLICT}}

    @extend_schema(
        operation_id="berichten_bevestiging_create",
        summary="Confirm what a weakly linked message is (assessors)",
        description="Only now does it change the notice (an acknowledgment sets its time).",
        request=ConfirmInputSerializer,
        responses={200: MessageSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        message = self.message(id)
        body = ConfirmInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        notices = {n.pk: n for n in service.confirmable_notices(message)}
        notice = notices.get(values["notice"])
        if notice is None:
            raise serializers.ValidationError(
                {"notice": [_("Choose a sent notice of this message's case.")]}
            )
        try:
            message = service.confirm_message(
                message, request.user, kind=values["kind"], notice=notice, note=values["note"]
            )
        except service.ArchiveError as exc:
            raise Conflict(str(exc)) from exc
        return self.answer(message)


@extend_schema(tags=TAGS, parameters=[ID])
class MessageRejection(MessageActionView):
    problem_responses = {"post": {"409": CONFLICT}}

    @extend_schema(
        operation_id="berichten_afwijzing_create",
        summary="Reject a weakly linked message (assessors)",
        description="It stays archived and on the case, marked rejected, and changes nothing.",
        request=RejectInputSerializer,
        responses={200: MessageSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        message = self.message(id)
        body = RejectInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            message = service.reject_message(message, request.user, body.validated_data["note"])
        except service.ArchiveError as exc:
            raise Conflict(str(exc)) from exc
        return self.answer(message)
