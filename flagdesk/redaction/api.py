# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/rapportages/{election}/documenten and /voorstellen: the redaction review over HTTP.

What the review pages do (redaction/views.py), through the same service functions: the
report's documents with their proposals, accept / reject / change the ground, redact a span
the engine missed, decide every open proposal of one kind at once. The service checks the
role again and writes the audit event of every change.

Like the review page, a document's answer holds its original text and the original of each
redacted span: staff only (a partner token gets 403), never cached (core.middleware). A
reviewer reading a document over the API counts as a person having looked at it, as opening
the page does (``service.mark_checked``); the report cannot be signed off before.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from flagdesk.accounts.api import StaffOnly
from flagdesk.accounts.permissions import Action, can, require
from flagdesk.core.api import MAX_DB_INT, Unprocessable, path_int
from flagdesk.core.schema import register_link
from flagdesk.elections.models import Election
from flagdesk.redaction import categories, selectors, service
from flagdesk.redaction.grounds import BY_CODE, DEFAULT_GROUND, GROUNDS
from flagdesk.redaction.models import RedactedDocument, Redaction, Status
from flagdesk.redaction.views import document_name, kind_label

GROUND_CHOICES = [(g.code, g.label) for g in GROUNDS]
DECISION_VALUES = (Status.ACCEPTED.value, Status.REJECTED.value)
CATEGORY_VALUES = tuple(sorted(categories.LABELS))

ELECTION_PARAMETER = OpenApiParameter(
    "election",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Election code, e.g. TK2023 (see /verkiezingen).",
)
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
LOCATION_HEADER = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    description="Where the new resource is.",
    response=[201],
)


def report_election(code: str) -> Election:
    """The election a report path names; odd input is not found rather than sent to the DB."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,20}", code):
        raise exceptions.NotFound()
    return get_object_or_404(Election, code=code)


def ground_label(code: str) -> str:
    ground = BY_CODE.get(code)
    return ground.label if ground else code


class ProposalSerializer(serializers.ModelSerializer[Redaction]):
    category_label = serializers.CharField(
        read_only=True, help_text="The kind of personal data, in the answer's language."
    )
    ground = serializers.CharField(read_only=True, help_text='Woo ground code, e.g. "5.1.2e".')
    ground_label = serializers.SerializerMethodField(
        help_text='The label on the black box, e.g. "5.1.2 e Persoonlijke levenssfeer".'
    )
    text = serializers.CharField(
        read_only=True,
        help_text="The original text of the span: for staff only, never published.",
    )
    default_accept = serializers.BooleanField(
        read_only=True, help_text="While still proposed, the span is withheld in the output."
    )
    decided_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Who accepted or rejected it (or added it); null while proposed.",
    )

    class Meta:
        model = Redaction
        fields = [
            "id",
            "document",
            "start",
            "end",
            "text",
            "category",
            "category_label",
            "ground",
            "ground_label",
            "status",
            "origin",
            "recogniser",
            "default_accept",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields

    def get_ground_label(self, redaction: Redaction) -> str:
        return ground_label(redaction.ground)


class DocumentSummarySerializer(serializers.Serializer[RedactedDocument]):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(
        read_only=True, help_text="Which text of the report: notice.body, mail.text, …"
    )
    kind_label = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField(help_text="What the text is, for a person.")
    judgement = serializers.SerializerMethodField(
        help_text="The Woo judgement: Openbaarmaking or Gedeeltelijk openbaar."
    )
    reviewed = serializers.SerializerMethodField(
        help_text="A reviewer looked at it and no proposal is open."
    )
    open_proposals = serializers.IntegerField(source="open_count", read_only=True)
    proposal_count = serializers.IntegerField(source="redaction_count", read_only=True)
    checked_by = serializers.CharField(
        source="checked_by.username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The first reviewer who looked at it.",
    )
    checked_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_kind_label(self, document: RedactedDocument) -> str:
        return kind_label(document.kind)

    def get_name(self, document: RedactedDocument) -> str:
        return document_name(document)

    def get_judgement(self, document: RedactedDocument) -> str:
        return service.judgement(document)

    def get_reviewed(self, document: RedactedDocument) -> bool:
        return bool(document.checked_at) and not getattr(document, "open_count", 0)


class SegmentSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(
        allow_null=True, help_text="The published text; null for a withheld span."
    )
    ground = serializers.CharField(
        allow_null=True, help_text="The Woo ground of a withheld span; null for plain text."
    )
    ground_label = serializers.CharField(allow_null=True)
    length = serializers.IntegerField()


class DocumentSerializer(DocumentSummarySerializer):
    text = serializers.CharField(
        read_only=True, help_text="The original text: for staff only, never published."
    )
    text_sha256 = serializers.CharField(read_only=True)
    proposals = ProposalSerializer(many=True, read_only=True, source="proposal_list")
    published = serializers.SerializerMethodField(
        help_text="The text as the report would publish it now, cut into plain and withheld pieces."
    )

    @extend_schema_field(SegmentSerializer(many=True))
    def get_published(self, document: RedactedDocument) -> list[dict[str, Any]]:
        return [
            {
                "text": s.text if s.ground is None else None,
                "ground": s.ground,
                "ground_label": ground_label(s.ground) if s.ground else None,
                "length": len(s.text),
            }
            for s in service.segments_of(document)
        ]


def _document_answer(document: RedactedDocument) -> dict[str, Any]:
    document.proposal_list = list(  # type: ignore[attr-defined]
        document.redactions.select_related("decided_by").order_by("start")
    )
    return dict(DocumentSerializer(document).data)


class DocumentFilterSerializer(serializers.Serializer[Any]):
    # allow_null: a key left out of a query string is not "false" (DRF's form default).
    open = serializers.BooleanField(required=False, allow_null=True, default=None)


@extend_schema(
    tags=["rapportages"],
    summary="The documents of a report's redaction review (staff only)",
    parameters=[
        ELECTION_PARAMETER,
        OpenApiParameter(
            "open",
            OpenApiTypes.BOOL,
            description="true: only documents with proposals still open.",
        ),
    ],
)
@extend_schema_view(get=extend_schema(operation_id="rapportages_documenten_list"))
class DocumentList(generics.ListAPIView[RedactedDocument]):
    serializer_class = DocumentSummarySerializer
    permission_classes = [StaffOnly]

    def get_queryset(self) -> QuerySet[RedactedDocument]:
        election = report_election(self.kwargs["election"])
        filters = DocumentFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        documents = service.documents_for_election(election).select_related("checked_by")
        wanted = filters.validated_data.get("open")
        if wanted is not None:
            has_open = Exists(
                Redaction.objects.filter(document=OuterRef("pk"), status=Status.PROPOSED)
            )
            documents = documents.filter(has_open if wanted else ~has_open)
        return documents.order_by("pk")


@extend_schema(tags=["rapportages"], parameters=[ELECTION_PARAMETER, ID_PARAMETER])
class DocumentDetail(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        operation_id="rapportages_documenten_retrieve",
        summary="One document with its proposals (staff only)",
        description="A reviewer (assessor, approver) reading it counts as having looked at it, "
        "as opening the review page does: the first time it is recorded as checked (audited). "
        "The report is signed off only when every document was checked.",
        responses={200: DocumentSerializer},
    )
    def get(self, request: Request, election: str, id: str) -> Response:
        document = selectors.document_in(report_election(election), path_int(id))
        if document is None:
            raise exceptions.NotFound()
        if can(request.user, Action.REVIEW_REDACTIONS):
            service.mark_checked(document, request.user)
        document = service.documents_for_election(document.election).get(pk=document.pk)
        return Response(_document_answer(document))


class ProposalChangeSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=DECISION_VALUES,
        required=False,
        help_text="accepted: withhold the span; rejected: publish it. Left out: the decision "
        "stays as it is (only for a proposal already decided).",
    )
    ground = serializers.ChoiceField(
        choices=GROUND_CHOICES,
        required=False,
        help_text='Another Woo ground, by code (e.g. "5.1.2e").',
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(_("Give a status, a ground or both."))
        return attrs


class ProposalCreateSerializer(serializers.Serializer[Any]):
    start = serializers.IntegerField(
        min_value=0, max_value=MAX_DB_INT, help_text="Offset of the first character."
    )
    end = serializers.IntegerField(
        min_value=1, max_value=MAX_DB_INT, help_text="Offset just after the last character."
    )
    ground = serializers.ChoiceField(choices=GROUND_CHOICES, required=False, default=DEFAULT_GROUND)


class BulkDecisionSerializer(serializers.Serializer[Any]):
    category = serializers.ChoiceField(
        choices=CATEGORY_VALUES,
        help_text="The kind of personal data (the category of the proposals), e.g. phone.",
    )
    status = serializers.ChoiceField(choices=DECISION_VALUES)
    document = serializers.IntegerField(
        min_value=1,
        max_value=MAX_DB_INT,
        required=False,
        help_text="Only in this document of the report; left out: in all of them.",
    )


class BulkResultSerializer(serializers.Serializer[Any]):
    category = serializers.CharField()
    status = serializers.CharField()
    count = serializers.IntegerField(help_text="How many open proposals were decided.")


def _proposal(election: str, id: str) -> Redaction:
    # Only a proposal in this election's report: an id from another report is not found.
    return get_object_or_404(
        Redaction.objects.select_related("document", "decided_by"),
        document__election=report_election(election),
        pk=path_int(id),
    )


@extend_schema(tags=["rapportages"], parameters=[ELECTION_PARAMETER, ID_PARAMETER])
class ProposalDetail(APIView):
    permission_classes = [StaffOnly]
    problem_responses = {
        "patch": {"422": "An open proposal needs a status (accepted or rejected)."},
    }

    @extend_schema(
        operation_id="rapportages_voorstellen_retrieve",
        summary="One proposed or decided redaction (staff only)",
        responses={200: ProposalSerializer},
    )
    def get(self, request: Request, election: str, id: str) -> Response:
        return Response(ProposalSerializer(_proposal(election, id)).data)

    @extend_schema(
        operation_id="rapportages_voorstellen_partial_update",
        summary="Accept or reject a proposal, or change its Woo ground",
        request=ProposalChangeSerializer,
        responses={200: ProposalSerializer},
    )
    def patch(self, request: Request, election: str, id: str) -> Response:
        # The role before the lookup: the answer never hints at what exists.
        require(request.user, Action.REVIEW_REDACTIONS)
        redaction = _proposal(election, id)
        body = ProposalChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        status = values.get("status") or redaction.status
        if status == Status.PROPOSED:
            raise Unprocessable({"status": [_("An open proposal needs accepted or rejected.")]})
        try:
            redaction = service.decide(
                redaction, status == Status.ACCEPTED, request.user, ground=values.get("ground")
            )
        except service.RedactionError as exc:
            raise Unprocessable({"ground": [str(exc)]}) from exc
        return Response(ProposalSerializer(redaction).data)


@extend_schema(tags=["rapportages"], parameters=[ELECTION_PARAMETER, ID_PARAMETER])
class ProposalCreate(APIView):
    permission_classes = [StaffOnly]
    problem_responses = {
        "post": {
            "422": "The span is not in the text or overlaps a redaction already there.",
        }
    }

    @extend_schema(
        operation_id="rapportages_documenten_voorstellen_create",
        summary="Redact a span the engine missed",
        description="The reviewer's own redaction is accepted at once (origin reviewer, "
        "category manual).",
        request=ProposalCreateSerializer,
        responses={201: ProposalSerializer},
        parameters=[LOCATION_HEADER],
    )
    def post(self, request: Request, election: str, id: str) -> Response:
        require(request.user, Action.REVIEW_REDACTIONS)
        document = selectors.document_in(report_election(election), path_int(id))
        if document is None:
            raise exceptions.NotFound()
        body = ProposalCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        try:
            redaction = service.add(
                document, values["start"], values["end"], request.user, values["ground"]
            )
        except service.RedactionError as exc:
            raise Unprocessable({"non_field_errors": [str(exc)]}) from exc
        location = reverse(
            "fd-api-report-proposal", kwargs={"election": election, "id": str(redaction.pk)}
        )
        return Response(
            ProposalSerializer(redaction).data,
            status=201,
            headers={"Location": request.build_absolute_uri(location)},
        )


@extend_schema(tags=["rapportages"], parameters=[ELECTION_PARAMETER])
class ProposalBulk(APIView):
    permission_classes = [StaffOnly]
    problem_responses = {"post": {"422": "The document is not in this report."}}

    @extend_schema(
        operation_id="rapportages_voorstellen_bulk_create",
        summary="Accept or reject every open proposal of one kind",
        description="In one document of the report or in all of them; each decision is "
        "audited on its own, as one by one would be.",
        request=BulkDecisionSerializer,
        responses={200: BulkResultSerializer},
    )
    def post(self, request: Request, election: str) -> Response:
        require(request.user, Action.REVIEW_REDACTIONS)
        chosen = report_election(election)
        body = BulkDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        documents = RedactedDocument.objects.filter(election=chosen)
        if "document" in values:
            documents = documents.filter(pk=values["document"])
            if not documents.exists():
                raise Unprocessable({"document": [_("No such document in this report.")]})
        accept = values["status"] == Status.ACCEPTED
        count = service.decide_all_of_category(documents, values["category"], accept, request.user)
        return Response(
            {"category": values["category"], "status": values["status"], "count": count}
        )


# Where an added redaction leads (OpenAPI links; schemathesis follows them).
for _name, _target in (
    ("ReadProposal", "rapportages_voorstellen_retrieve"),
    ("DecideProposal", "rapportages_voorstellen_partial_update"),
):
    register_link(
        "rapportages_documenten_voorstellen_create",
        "201",
        _name,
        _target,
        {"election": "$request.path.election", "id": "$response.body#/id"},
    )
