# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/rapportages: the reports to parliament over HTTP, as the report pages offer them.

Per election: where the redaction review stands, preparing it, the approver's sign-off and
the signed-off versions, each file downloaded exactly as stored with its SHA-256 in
``Repr-Digest`` (RFC 9530). Reading is for all staff; preparing is for reviewers; signing off
is the approver's (reports.service checks it again and writes the audit event). The review
itself (documents and proposals) is in redaction/api.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, generics, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from flagdesk.accounts.api import StaffOnly
from flagdesk.accounts.permissions import Action, require
from flagdesk.core.api import Conflict, path_int, problem_response, repr_digest
from flagdesk.elections.models import Election
from flagdesk.redaction import categories, selectors
from flagdesk.redaction import service as redaction
from flagdesk.redaction.api import ELECTION_PARAMETER, LOCATION_HEADER, report_election
from flagdesk.reports import figures, service, statistics
from flagdesk.reports.models import FinalReport

# Where an election's report stands, as far as the texts registered for review go.
NOT_PREPARED = "not_prepared"  # no text registered yet: prepare the review
IN_REVIEW = "in_review"  # documents not looked at, or proposals still open
READY = "ready"  # reviewed; no version signed off yet
SIGNED_OFF = "signed_off"  # reviewed and signed off (a new version can follow)
STATES = (NOT_PREPARED, IN_REVIEW, READY, SIGNED_OFF)


def state_of(counts: selectors.ReviewCounts, signed_off: bool) -> str:
    if counts.reviewed < counts.documents:
        return IN_REVIEW
    if signed_off:
        return SIGNED_OFF
    return READY if counts.documents else NOT_PREPARED


class FileSerializer(serializers.Serializer[Any]):
    format = serializers.ChoiceField(choices=service.FORMATS)
    content_type = serializers.CharField()
    sha256 = serializers.CharField(help_text="SHA-256 of the stored file, hex.")
    size = serializers.IntegerField(help_text="Bytes.")
    url = serializers.URLField(help_text="Download (also sends Repr-Digest).")


class VersionSerializer(serializers.Serializer[FinalReport]):
    version = serializers.IntegerField()
    signed_off_by = serializers.CharField(source="signed_off_by.username")
    signed_off_at = serializers.DateTimeField()
    note = serializers.CharField()
    files = serializers.SerializerMethodField()

    @extend_schema_field(FileSerializer(many=True))
    def get_files(self, final: FinalReport) -> list[dict[str, Any]]:
        request = self.context.get("request")
        rows = []
        for fmt in service.FORMATS:
            entry = final.files.get(fmt)
            if entry is None:
                continue
            path = reverse(
                "fd-api-report-file",
                kwargs={"election": final.election.code, "version": final.version, "fmt": fmt},
            )
            rows.append(
                {
                    "format": fmt,
                    "content_type": service.CONTENT_TYPES[fmt],
                    "sha256": entry["sha256"],
                    "size": int(entry.get("size", 0)),
                    "url": request.build_absolute_uri(path) if request else path,
                }
            )
        return rows


class ReviewCountsSerializer(serializers.Serializer[Any]):
    documents = serializers.IntegerField(help_text="Texts of the report registered for review.")
    reviewed = serializers.IntegerField(help_text="Looked at by a reviewer, nothing open.")
    with_open_proposals = serializers.IntegerField()
    not_checked = serializers.IntegerField(help_text="Nothing open, but nobody looked yet.")
    proposals = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Proposals by status: proposed, accepted, rejected.",
    )


class OpenCategorySerializer(serializers.Serializer[Any]):
    category = serializers.CharField(help_text="The kind to name in a bulk decision.")
    category_label = serializers.CharField()
    open = serializers.IntegerField()


class ReportSummarySerializer(serializers.Serializer[Any]):
    election = serializers.CharField(help_text="Election code.")
    name = serializers.CharField()
    election_day = serializers.DateField()
    deployments = serializers.IntegerField(help_text="Cases with an approved deploy decision.")
    state = serializers.ChoiceField(
        choices=STATES,
        help_text="not_prepared: prepare the review; in_review: documents to look at or "
        "proposals open; ready: an approver may sign off; signed_off: a version is final "
        "(preparing again after new correspondence can reopen the review).",
    )
    documents = serializers.IntegerField()
    reviewed_documents = serializers.IntegerField()
    latest_version = serializers.IntegerField(allow_null=True)


class ReportSerializer(ReportSummarySerializer):
    formats = serializers.ListField(
        child=serializers.ChoiceField(choices=service.FORMATS),
        help_text="The formats every signed-off version is stored in.",
    )
    review = ReviewCountsSerializer()
    open_by_category = OpenCategorySerializer(many=True)
    versions = VersionSerializer(many=True)


def _summary(election: Election, counts: selectors.ReviewCounts) -> dict[str, Any]:
    latest = service.latest_final(election)
    return {
        "election": election.code,
        "name": election.name,
        "election_day": election.election_day,
        "deployments": figures.deployed_cases(election).count(),
        "state": state_of(counts, latest is not None),
        "documents": counts.documents,
        "reviewed_documents": counts.reviewed,
        "latest_version": latest.version if latest else None,
    }


def report_answer(election: Election, request: Request) -> dict[str, Any]:
    counts = selectors.review_counts(election)
    open_kinds = redaction.proposed_categories(redaction.documents_for_election(election))
    finals = sorted(service.finals(election), key=lambda f: -f.version)
    body = _summary(election, counts) | {
        "formats": list(service.FORMATS),
        "review": asdict(counts),
        "open_by_category": [
            {"category": c, "category_label": categories.label(c), "open": n} for c, n in open_kinds
        ],
        "versions": finals,
    }
    return dict(ReportSerializer(body, context={"request": request}).data)


@extend_schema(
    tags=["rapportages"],
    summary="The reports, one per election (staff only)",
)
@extend_schema_view(get=extend_schema(operation_id="rapportages_list"))
class ReportList(generics.ListAPIView[Election]):
    serializer_class = ReportSummarySerializer
    permission_classes = [StaffOnly]

    def get_queryset(self) -> QuerySet[Election]:
        return Election.objects.order_by("-election_day", "code")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the API always paginates
        rows = [_summary(e, selectors.review_counts(e)) for e in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


@extend_schema(tags=["rapportages"], parameters=[ELECTION_PARAMETER])
class ReportDetail(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        operation_id="rapportages_retrieve",
        summary="One election's report: the review's progress and the versions (staff only)",
        responses={200: ReportSerializer},
    )
    def get(self, request: Request, election: str) -> Response:
        return Response(report_answer(report_election(election), request))


@extend_schema(tags=["rapportages"], parameters=[ELECTION_PARAMETER])
class ReportPreparation(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        operation_id="rapportages_voorbereiding_create",
        summary="Prepare the redaction review",
        description="Builds the report once from the current data, so that every text it "
        "shows is registered for review with the engine's proposals (audited per document). "
        "Synchronous, as the button on the report page: the answer comes when the review is "
        "ready (a few seconds for a large election) and is the report as GET gives it. "
        "Repeating it registers only texts not seen before.",
        request=None,
        responses={200: ReportSerializer},
    )
    def post(self, request: Request, election: str) -> Response:
        require(request.user, Action.REVIEW_REDACTIONS)
        chosen = report_election(election)
        service.build(chosen)
        return Response(report_answer(chosen, request))


class SignOffSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(
        max_length=10_000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Stored with the version, e.g. what a correction changes.",
    )


@extend_schema(tags=["rapportages"], parameters=[ELECTION_PARAMETER])
class ReportSignOff(APIView):
    permission_classes = [StaffOnly]
    problem_responses = {"post": {"409": "Documents still have redactions to review."}}

    @extend_schema(
        operation_id="rapportages_ondertekening_create",
        summary="Sign the report off (approver)",
        description="Renders every format from the reviewed redactions and stores them as the "
        "next version, with their SHA-256. Refused (409) while a document has open proposals "
        "or was not looked at by a reviewer.",
        request=SignOffSerializer,
        responses={201: VersionSerializer},
        parameters=[LOCATION_HEADER],
    )
    def post(self, request: Request, election: str) -> Response:
        require(request.user, Action.APPROVE)
        chosen = report_election(election)
        body = SignOffSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            final = service.sign_off(chosen, request.user, body.validated_data["note"])
        except service.ReportError as exc:
            raise Conflict(str(exc)) from exc
        location = reverse(
            "fd-api-report-version", kwargs={"election": chosen.code, "version": final.version}
        )
        return Response(
            VersionSerializer(final, context={"request": request}).data,
            status=201,
            headers={"Location": request.build_absolute_uri(location)},
        )


def _finals(election: Election) -> QuerySet[FinalReport]:
    return FinalReport.objects.filter(election=election).select_related("election", "signed_off_by")


@extend_schema(
    tags=["rapportages"],
    summary="The signed-off versions, newest first, with each file's SHA-256 (staff only)",
    parameters=[ELECTION_PARAMETER],
)
@extend_schema_view(get=extend_schema(operation_id="rapportages_versies_list"))
class VersionList(generics.ListAPIView[FinalReport]):
    serializer_class = VersionSerializer
    permission_classes = [StaffOnly]

    def get_queryset(self) -> QuerySet[FinalReport]:
        return _finals(report_election(self.kwargs["election"])).order_by("-version")


VERSION_PARAMETER = OpenApiParameter("version", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema(tags=["rapportages"], parameters=[ELECTION_PARAMETER, VERSION_PARAMETER])
class VersionDetail(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        operation_id="rapportages_versies_retrieve",
        summary="One signed-off version (staff only)",
        responses={200: VersionSerializer},
    )
    def get(self, request: Request, election: str, version: str) -> Response:
        final = get_object_or_404(
            _finals(report_election(election)), version=_version_number(version)
        )
        return Response(VersionSerializer(final, context={"request": request}).data)


def _version_number(value: str) -> int:
    number = path_int(value)
    if number > 32767:  # a PositiveSmallIntegerField: anything larger does not exist
        raise exceptions.NotFound()
    return number


class AnyAccept(BaseContentNegotiation):
    """A download answers in its own type whatever ``Accept`` says; problems are JSON."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, str(renderer.media_type)


DOWNLOAD_TYPES = {
    "pdf": "application/pdf",
    "docx": service.CONTENT_TYPES["docx"],
    "html": "text/html",
    "md": "text/markdown",
}


@extend_schema(
    tags=["rapportages"],
    parameters=[
        ELECTION_PARAMETER,
        VERSION_PARAMETER,
        OpenApiParameter(
            "fmt",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            enum=service.FORMATS,
            description="File format; any other is not found.",
        ),
    ],
)
class VersionFile(APIView):
    permission_classes = [StaffOnly]
    content_negotiation_class = AnyAccept

    @extend_schema(
        operation_id="rapportages_versies_bestand_retrieve",
        summary="Download one file of a signed-off version, as stored (staff only)",
        description="Checked against the SHA-256 recorded at sign-off before it is sent; the "
        "hash is in the Repr-Digest header (RFC 9530) and, in hex, in the version listing.",
        responses={
            (200, media): OpenApiResponse(OpenApiTypes.BINARY, description="The stored file.")
            for media in DOWNLOAD_TYPES.values()
        },
        parameters=[
            OpenApiParameter(
                "Repr-Digest",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="SHA-256 of the file (RFC 9530): sha-256=:<base64>:",
                response=[200],
            ),
            OpenApiParameter(
                "Content-Disposition",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description='attachment; filename="<election>-report-v<version>.<format>"',
                response=[200],
            ),
        ],
    )
    def get(self, request: Request, election: str, version: str, fmt: str) -> Any:
        chosen = report_election(election)
        number = _version_number(version)
        if fmt not in service.FORMATS:
            raise exceptions.NotFound()
        final = get_object_or_404(FinalReport, election=chosen, version=number)
        entry = final.files.get(fmt)
        if entry is None:
            raise exceptions.NotFound()
        try:
            data = service.final_file(final, fmt)
        except (service.ReportError, OSError):
            # The stored file is changed or gone: the server's fault, and never sent on.
            return problem_response(
                500,
                "Internal Server Error",
                "The stored file does not match its recorded hash or cannot be read. "
                "Ask an administrator (flagdesk audit verify).",
            )
        response = HttpResponse(data, content_type=service.CONTENT_TYPES[fmt])
        filename = f"{chosen.code}-report-v{final.version}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Repr-Digest"] = repr_digest(entry["sha256"])
        response["X-Content-Type-Options"] = "nosniff"
        return response


# ------------------------------------------------------------------ statistics (issue 16)

FIRST_YEAR = 2000  # before any election FlagDesk knows, also one imported from an archive
STATISTICS_FORMATS = ("json", "csv")


class StatisticsQuerySerializer(serializers.Serializer[Any]):
    jaar = serializers.IntegerField(help_text="The calendar year (local time).")
    formaat = serializers.ChoiceField(choices=STATISTICS_FORMATS, default="json", required=False)
    escalaties = serializers.BooleanField(
        default=False,
        required=False,
        help_text="CSV: the escalations under the platforms' terms instead of the notices of "
        "illegal content (JSON always carries both, apart).",
    )

    def validate_jaar(self, value: int) -> int:
        last = timezone.localdate().year + 1
        if not FIRST_YEAR <= value <= last:
            raise serializers.ValidationError(
                _("Choose a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": last}
            )
        return value


class StatisticsRowSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    platform = serializers.CharField(help_text="The platform's name.")
    illegal_content_type = serializers.CharField()
    notices = serializers.IntegerField(help_text="First notices that reached the platform.")
    acknowledged = serializers.IntegerField()
    median_seconds_to_acknowledgment = serializers.IntegerField(allow_null=True)


class EscalationRowSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    platform = serializers.CharField(help_text="The platform's name.")
    category = serializers.CharField(help_text="The case's category.")
    notices = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    median_seconds_to_acknowledgment = serializers.IntegerField(allow_null=True)


class StatisticsSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    generated_at = serializers.DateTimeField()
    illegal_content_types = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text="Per type code: its label and DSA category.",
    )
    categories = serializers.DictField(
        child=serializers.CharField(), help_text="Per category code: its label."
    )
    note = serializers.CharField()
    rows = StatisticsRowSerializer(many=True)
    terms_escalations = EscalationRowSerializer(many=True)


@extend_schema(tags=["statistieken"])
class Statistics(APIView):
    permission_classes = [StaffOnly]
    content_negotiation_class = AnyAccept

    @extend_schema(
        operation_id="statistieken_retrieve",
        summary="The yearly statistics (DSA Art. 22(3) style) as JSON or CSV (staff only)",
        description="The figures of `flagdesk statistics`: first notices of illegal content "
        "(DSA Art. 16) that reached a platform in the year, per platform and type of alleged "
        "illegal content, how many were acknowledged and the median time to acknowledgment; "
        "escalations under the platforms' terms counted apart. Counts only, no personal data. "
        "The CSV's cells are made safe from spreadsheet formulas.",
        parameters=[
            OpenApiParameter(
                "jaar",
                OpenApiTypes.INT,
                required=True,
                description=f"The calendar year, from {FIRST_YEAR} to next year.",
            ),
            OpenApiParameter(
                "formaat", OpenApiTypes.STR, enum=STATISTICS_FORMATS, description="json (default)"
            ),
            OpenApiParameter(
                "escalaties",
                OpenApiTypes.BOOL,
                description="CSV only: the escalations under the platforms' terms.",
            ),
            OpenApiParameter(
                "Content-Disposition",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description='attachment; filename="statistics-<year>.<format>"',
                response=[200],
            ),
        ],
        responses={
            (200, "application/json"): StatisticsSerializer,
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="One row per platform and type (or category)."
            ),
        },
    )
    def get(self, request: Request) -> Any:
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data["jaar"]
        fmt = query.validated_data["formaat"]
        rows = statistics.yearly(year)
        escalated = statistics.escalations(year)
        if fmt == "json":
            response: Any = Response(statistics.document(rows, year, escalated))
            name = f"statistics-{year}.json"
        else:
            escalations = query.validated_data["escalaties"]
            text = statistics.escalations_csv(escalated) if escalations else statistics.to_csv(rows)
            response = HttpResponse(text, content_type="text/csv; charset=utf-8")
            name = f"statistics-{year}{'-escalations' if escalations else ''}.csv"
            response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
