# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/zaken, /besluiten and /geschiktheid: what staff do in the web UI, over HTTP.

Every state change goes through assessments.service (which checks the role and writes the
audit event); the views only translate JSON to service calls.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from flagdesk.accounts import selectors as accounts_reads
from flagdesk.accounts.api import StaffOnly
from flagdesk.accounts.permissions import Action, can, require
from flagdesk.assessments import service
from flagdesk.assessments.case_sections import case_section
from flagdesk.assessments.eligibility_io import InputError, parse_request
from flagdesk.assessments.models import Assessment, Decision, LegalBasisKind, Outcome
from flagdesk.audit import service as audit
from flagdesk.audit.models import AuditEvent
from flagdesk.core.api import MAX_DB_INT, Unprocessable, created, path_int, path_reference
from flagdesk.core.schema import register_link
from flagdesk.elections import service as elections
from flagdesk.intake import selectors as case_reads
from flagdesk.intake import service as intake
from flagdesk.intake.models import Case, CaseState, Category
from flagdesk.intake.search import MAX_QUERY_LENGTH, search_cases
from flagdesk.platforms import service as platforms
from flagdesk.rules import legal_basis as basis_rules
from flagdesk.rules.eligibility import HARMS, evaluate

BOOLEAN_ANSWERS = ("election_process_risk", "misleading", "own_means_exhausted")


class AssessmentInputSerializer(serializers.Serializer[Any]):
    """Checklist answers (null = not answered yet), each with the assessor's reasoning."""

    election_process_risk = serializers.BooleanField(required=False, allow_null=True, default=None)
    misleading = serializers.BooleanField(required=False, allow_null=True, default=None)
    harms = serializers.ListField(
        child=serializers.ChoiceField(choices=HARMS), required=False, allow_null=True, default=None
    )
    own_contact_attempts = serializers.IntegerField(
        min_value=0, max_value=1000, required=False, allow_null=True, default=None
    )
    own_means_exhausted = serializers.BooleanField(required=False, allow_null=True, default=None)
    election_process_risk_reasoning = serializers.CharField(
        required=False, allow_blank=True, max_length=10_000, default=""
    )
    misleading_reasoning = serializers.CharField(
        required=False, allow_blank=True, max_length=10_000, default=""
    )
    harms_reasoning = serializers.CharField(
        required=False, allow_blank=True, max_length=10_000, default=""
    )
    own_contact_attempts_reasoning = serializers.CharField(
        required=False, allow_blank=True, max_length=10_000, default=""
    )
    own_means_exhausted_reasoning = serializers.CharField(
        required=False, allow_blank=True, max_length=10_000, default=""
    )
    kind_facts = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=10_000),
        required=False,
        help_text="The facts the notice of this kind of case needs, by name (see the user "
        "guide): e.g. account_name, account_id, incident, incident_since, "
        "co_government_contact for a hacked channel. Left out: the saved facts stay.",
    )


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    reasons = serializers.ListField(child=serializers.CharField())
    harms = serializers.ListField(child=serializers.CharField(), allow_null=True)
    assessed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Assessment
        fields = [
            *service.ANSWER_FIELDS,
            *(f"{name}_reasoning" for name in service.ANSWER_FIELDS),
            "kind_facts",
            "eligible",
            "reasons",
            "rules_version",
            "assessed_by",
            "updated_at",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    review_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The approver an administrator named to review it; null: any other approver.",
    )
    engine_reasons = serializers.ListField(child=serializers.CharField())
    provisions = serializers.ListField(
        child=serializers.CharField(),
        help_text="Codes of the provisions concerned (legal_basis illegal_content).",
    )
    content_urls = serializers.SerializerMethodField(
        help_text="The URLs the decision covers, frozen when it was proposed."
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "case",
            "outcome",
            "justification",
            "is_override",
            "override_justification",
            "engine_eligible",
            "engine_reasons",
            "rules_version",
            "decided_by",
            "decided_at",
            "status",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "review_by",
            "content_urls",
            "url_set_sha256",
            "url_set_origin",
            "legal_basis",
            "provisions",
            "other_provision",
            "illegal_content_type",
        ]
        read_only_fields = fields

    def get_content_urls(self, decision: Decision) -> list[str]:
        return [row.url for row in decision.url_set.all()]


class CaseSummarySerializer(serializers.Serializer[Case]):
    """A row of the case list; the detail endpoint gives the whole case."""

    reference = serializers.CharField(read_only=True)
    election = serializers.CharField(source="election.code", read_only=True)
    platform = serializers.CharField(source="platform.slug", read_only=True)
    category = serializers.ChoiceField(choices=Category.choices, read_only=True)
    state = serializers.ChoiceField(choices=CaseState.choices, read_only=True)
    signal_count = serializers.IntegerField(read_only=True)
    owner = serializers.CharField(
        source="owner.username", read_only=True, allow_null=True, default=None
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class CaseClockSerializer(serializers.Serializer[Any]):
    """One clock on a case (notices/clocks.py), as the case page shows it."""

    stage = serializers.ChoiceField(choices=["decision", "approval", "acknowledgment"])
    state = serializers.CharField(help_text="Against the threshold: ok, due_soon or overdue.")
    since = serializers.DateTimeField(help_text="When the clock started.")
    threshold_minutes = serializers.IntegerField(
        help_text="The service level for this stage, platform and day, in minutes."
    )
    due_at = serializers.DateTimeField()
    notice = serializers.IntegerField(
        allow_null=True, help_text="The notice an acknowledgment clock is for."
    )


def api_url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={k: str(v) for k, v in kwargs.items()})


def message_url(pk: int) -> str:
    # /berichten is the mail archive's resource; named by path, so this app needs no route
    # of the app above it.
    return f"{reverse('fd-api-docs').removesuffix('openapi.json')}berichten/{pk}"


class CaseNoticeSummarySerializer(serializers.Serializer[Any]):
    """A notice of the case in brief; ``url`` gives it whole, with its delivery attempts."""

    id = serializers.IntegerField()
    follows = serializers.IntegerField(allow_null=True, source="follows_id")
    status = serializers.CharField(help_text="draft, or frozen once sent.")
    state = serializers.SerializerMethodField(help_text="draft, or the state of its delivery.")
    channel = serializers.CharField(source="channel_kind")
    recipient = serializers.CharField()
    frozen_at = serializers.DateTimeField(
        allow_null=True, help_text="When it was made final and handed over to be sent."
    )
    accepted_at = serializers.SerializerMethodField(
        help_text="When the platform's mail server accepted it (or the portal submission)."
    )
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    time_to_acknowledgment_seconds = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def _delivery(self, notice: Any) -> Any:
        return getattr(notice, "delivery", None)  # prefetched; None for a draft

    def get_state(self, notice: Any) -> str:
        delivery = self._delivery(notice)
        return str(delivery.state) if delivery is not None else "draft"

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_accepted_at(self, notice: Any) -> Any:
        delivery = self._delivery(notice)
        moment = delivery.accepted_at if delivery is not None else None
        return serializers.DateTimeField().to_representation(moment) if moment else None

    @extend_schema_field(OpenApiTypes.INT)
    def get_time_to_acknowledgment_seconds(self, notice: Any) -> int | None:
        delivery = self._delivery(notice)
        if notice.acknowledged_at is None or delivery is None or delivery.accepted_at is None:
            return None
        return max(int((notice.acknowledged_at - delivery.accepted_at).total_seconds()), 0)

    def get_url(self, notice: Any) -> str:
        return api_url("fd-api-notice", id=notice.pk)


class CorrespondenceSerializer(serializers.Serializer[Any]):
    """Archived mail linked to the case; ``url`` gives the message and its original."""

    id = serializers.IntegerField()
    kind = serializers.CharField(
        help_text="acknowledgment, reply, read_receipt, bounce, auto_reply, delivery_report, "
        "own_copy, internal or unrelated."
    )
    direction = serializers.SerializerMethodField(
        help_text="outgoing: the archive's copy of our own notice; incoming otherwise."
    )
    notice = serializers.IntegerField(allow_null=True, source="notice_id")
    from_address = serializers.CharField()
    from_name = serializers.CharField()
    subject = serializers.CharField()
    sent_at = serializers.DateTimeField(
        source="date",
        allow_null=True,
        help_text="The message's Date header: when its sender says it was sent.",
    )
    received_at = serializers.DateTimeField(
        source="archived_at", help_text="When FlagDesk received and archived it."
    )
    needs_confirmation = serializers.BooleanField(
        help_text="A weak link that waits for an assessor to confirm or reject it."
    )
    url = serializers.SerializerMethodField()

    def get_direction(self, message: Any) -> str:
        return "outgoing" if message.kind == "own_copy" else "incoming"

    def get_url(self, message: Any) -> str:
        return message_url(message.pk)


class CaseSerializer(serializers.ModelSerializer[Case]):
    election = serializers.SlugRelatedField(slug_field="code", read_only=True)
    platform = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    content_urls = serializers.SerializerMethodField()
    signals = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True, read_only=True)
    notices = serializers.SerializerMethodField(
        help_text="The notices to the platform, oldest first (GET /zaken/{reference}/meldingen "
        "gives them whole)."
    )
    correspondence = serializers.SerializerMethodField(
        help_text="The archived mail linked to the case, oldest first."
    )
    related_to = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text="The case whose decided URL set this case's URLs arrived outside of.",
    )
    related_cases = serializers.SerializerMethodField(
        help_text="Cases opened for URLs that arrived while this case's set was frozen."
    )
    owner = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Who works on the case (advice to colleagues, not a lock); null: nobody.",
    )

    class Meta:
        model = Case
        fields = [
            "reference",
            "election",
            "platform",
            "category",
            "state",
            "related_to",
            "related_cases",
            "owner",
            "owned_since",
            "content_urls",
            "signals",
            "assessment",
            "decisions",
            "notices",
            "correspondence",
            "created_at",
            "updated_at",
            # issue 16 (api-fixes): the owner's id (for seen_owner) and the running clocks.
            "owner_id",
            "clocks",
        ]
        read_only_fields = fields

    # issue 16 (api-fixes): the owner's id and the clocks, kept together for the merge.
    owner_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The owner's user id; null: nobody."
    )
    clocks = serializers.SerializerMethodField(
        help_text="The clocks running on the case against their service levels, most urgent "
        "first: deciding (since the first signal), approval (since the proposal), "
        "acknowledgment (per sent notice)."
    )

    @extend_schema_field(CaseClockSerializer(many=True))
    def get_clocks(self, case: Case) -> list[dict[str, Any]]:
        return CaseClockSerializer(case_section("clocks", case), many=True).data  # type: ignore[return-value]

    @extend_schema_field(CaseNoticeSummarySerializer(many=True))
    def get_notices(self, case: Case) -> list[dict[str, Any]]:
        # Through the reverse relation (prefetched by _cases): notices is a floor above.
        rows = sorted(case.notices.all(), key=lambda n: (n.created_at, n.pk))
        return list(CaseNoticeSummarySerializer(rows, many=True).data)

    @extend_schema_field(CorrespondenceSerializer(many=True))
    def get_correspondence(self, case: Case) -> list[dict[str, Any]]:
        rows = sorted(case.mail_messages.all(), key=lambda m: (m.archived_at, m.pk))
        return list(CorrespondenceSerializer(rows, many=True).data)

    def get_content_urls(self, case: Case) -> list[str]:
        return [u.url for u in case.urls.all()]

    def get_related_cases(self, case: Case) -> list[str]:
        return [other.reference for other in case.related_cases.all()]

    def get_signals(self, case: Case) -> list[int]:
        return [s.pk for s in case.signals.all()]

    @extend_schema_field(AssessmentSerializer(allow_null=True))
    def get_assessment(self, case: Case) -> dict[str, Any] | None:
        assessment = getattr(case, "assessment", None)  # select_related: no query per row
        return AssessmentSerializer(assessment).data if assessment else None


class DecisionInputSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    justification = serializers.CharField(max_length=20_000)
    override_justification = serializers.CharField(
        max_length=20_000, required=False, allow_blank=True, default=""
    )
    url_set_sha256 = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="The url_set_sha256 of the URLs you decided on; refused if the case's URLs "
        "differ by now.",
    )
    legal_basis = serializers.ChoiceField(
        choices=LegalBasisKind.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Only with outcome deploy: illegal_content (a notice of illegal content under "
        "DSA Art. 16, naming provisions and illegal_content_type) or terms_escalation (the "
        "default when left out).",
    )
    provisions = serializers.ListField(
        child=serializers.ChoiceField(
            choices=[(p.code, p.citation_en) for p in basis_rules.PROVISIONS.values()]
        ),
        required=False,
        default=list,
        max_length=len(basis_rules.PROVISIONS),
        help_text="With illegal_content: the provisions of Dutch law concerned, by code.",
    )
    other_provision = serializers.CharField(
        max_length=basis_rules.OTHER_PROVISION_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="With illegal_content: a provision not in the list, cited exactly.",
    )
    illegal_content_type = serializers.ChoiceField(
        choices=[
            (t.code, f"{t.label_en} ({t.dsa_category})") for t in basis_rules.CONTENT_TYPES.values()
        ],
        required=False,
        allow_blank=True,
        default="",
        help_text="With illegal_content: the type of alleged illegal content (named after the "
        "DSA Transparency Database's categories).",
    )


def checked_basis_of(values: dict[str, Any]) -> basis_rules.LegalBasis | None:
    """The basis as sent, checked by the rule before anything is stored: 422 with the rule's
    reason codes (well-formed, but not a basis this decision can have)."""
    basis = basis_of(values)
    reasons = basis_rules.problems(
        basis or service.default_basis(values["outcome"]),
        deploys=values["outcome"] == Outcome.DEPLOY,
    )
    if reasons:
        raise Unprocessable(
            {"legal_basis": [f"{r}: {basis_rules.REASON_TEXT_EN[r]}" for r in reasons]}
        )
    return basis


def basis_of(values: dict[str, Any]) -> basis_rules.LegalBasis | None:
    """The basis as sent; None when no part of it was sent (the service's default applies)."""
    basis = basis_rules.LegalBasis(
        basis=values.get("legal_basis") or "",
        provisions=tuple(values.get("provisions") or ()),
        other_provision=values.get("other_provision") or "",
        content_type=values.get("illegal_content_type") or "",
    )
    if values.get("legal_basis") is None and basis == basis_rules.LegalBasis(""):
        return None
    return basis


class ReviewInputSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    comment = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")


def _object_url(object_type: str, object_id: str) -> str | None:
    if not object_id.isdigit():
        return None
    if object_type == "notices.notice":
        return api_url("fd-api-notice", id=object_id)
    if object_type == "mailarchive.mailmessage":
        return message_url(int(object_id))
    if object_type == "intake.signal":
        return api_url("fd-api-signal", id=object_id)
    return None


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    actor = serializers.CharField(source="actor_label")
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    url = serializers.SerializerMethodField(
        help_text="The API resource the event is about (a notice, a message, a signal); null "
        "for the case itself and its decisions."
    )

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, event: AuditEvent) -> str | None:
        return _object_url(event.object_type, str(event.object_id))


OWNER_PATTERN = r"^(me|none|[1-9][0-9]{0,17})$"


class CaseFilterSerializer(serializers.Serializer[Any]):
    election = serializers.CharField(required=False, max_length=20)
    state = serializers.ChoiceField(choices=CaseState.choices, required=False)
    platform = serializers.CharField(required=False, max_length=30)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    owner = serializers.RegexField(OWNER_PATTERN, required=False)
    search = serializers.CharField(required=False, max_length=MAX_QUERY_LENGTH, allow_blank=True)


CASE_FILTERS = [
    OpenApiParameter("election", OpenApiTypes.STR, description="Election code."),
    OpenApiParameter("state", OpenApiTypes.STR, enum=CaseState.values),
    OpenApiParameter("platform", OpenApiTypes.STR, description="Platform key, e.g. x."),
    OpenApiParameter("category", OpenApiTypes.STR, enum=Category.values),
    OpenApiParameter(
        "owner",
        OpenApiTypes.STR,
        pattern=OWNER_PATTERN,
        description="me: the caller's cases; none: nobody's; or an owner's user id.",
    ),
    OpenApiParameter(
        "search",
        OpenApiTypes.STR,
        description="As the case list's search box: a reference, any form of a content URL "
        "(normalised as at intake), or words in the signals and reasons; best match first.",
    ),
]


# What the case answer shows of its mail: the stored text and HTML stay in the database.
MAIL_SUMMARY_FIELDS = (
    "id",
    "case_id",
    "notice_id",
    "kind",
    "from_address",
    "from_name",
    "subject",
    "date",
    "archived_at",
    "confirmation",
)


# What the case answer leaves out of its notices: their text and frozen bytes.
NOTICE_TEXT_FIELDS = ("body", "raw", "references", "english_summary")


def _cases() -> QuerySet[Case]:
    # The notices' and the mail archive's models through the reverse relations: those apps
    # are floors above this one.
    notice = Case._meta.get_field("notices").related_model
    mail = Case._meta.get_field("mail_messages").related_model
    return Case.objects.select_related(
        "election", "platform", "assessment", "related_to", "owner"
    ).prefetch_related(
        "urls",
        "signals",
        "related_cases",
        "decisions__decided_by",
        "decisions__reviewed_by",
        "decisions__review_by",
        "decisions__url_set",
        Prefetch(
            "notices",
            queryset=notice._default_manager.select_related("delivery").defer(*NOTICE_TEXT_FIELDS),
        ),
        Prefetch("mail_messages", queryset=mail._default_manager.only(*MAIL_SUMMARY_FIELDS)),
    )


@extend_schema(tags=["zaken"], summary="List cases (staff only)", parameters=CASE_FILTERS)
class CaseList(generics.ListAPIView[Case]):
    serializer_class = CaseSummarySerializer
    permission_classes = [StaffOnly]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset().values_list("pk", flat=True))
        assert page is not None  # the API always paginates
        rows = intake.cases_by_ids(list(page))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def get_queryset(self) -> QuerySet[Case]:
        filters = CaseFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        query = Case.objects.select_related("election", "platform").order_by("-created_at", "-pk")
        if "election" in values:
            # By id, so the (election, -created_at) index serves filter and order at once.
            election = elections.get_election(values["election"])
            query = query.filter(election=election) if election else query.none()
        if "platform" in values:
            query = query.filter(platform__slug=values["platform"])
        for name in ("state", "category"):
            if name in values:
                query = query.filter(**{name: values[name]})
        if "owner" in values:
            query = case_reads.owned_by(query, values["owner"], self.request.user)
        if values.get("search", "").strip():
            query = search_cases(query, values["search"])  # last: it orders by its ranking
        return query


@extend_schema(tags=["zaken"], summary="One case (staff only)")
class CaseDetail(generics.RetrieveAPIView[Case]):
    serializer_class = CaseSerializer
    permission_classes = [StaffOnly]
    lookup_field = "reference"

    def get_queryset(self) -> QuerySet[Case]:
        return _cases()

    def get_object(self) -> Case:
        return get_object_or_404(
            self.get_queryset(), reference=path_reference(self.kwargs["reference"])
        )


class CaseActionView(APIView):
    permission_classes = [StaffOnly]
    action_required: Action

    def case(self, reference: str) -> Case:
        # The role is checked before the lookup, so the answer never hints at what exists.
        require(self.request.user, self.action_required)
        return get_object_or_404(Case, reference=path_reference(reference))


@extend_schema(tags=["zaken"])
class AssessmentView(CaseActionView):
    action_required = Action.ASSESS

    @extend_schema(
        summary="Save the checklist of a case",
        request=AssessmentInputSerializer,
        responses={200: AssessmentSerializer},
    )
    def put(self, request: Request, reference: str) -> Response:
        case = self.case(reference)
        body = AssessmentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assessment = service.save_assessment(case, dict(body.validated_data), request.user)
        return Response(AssessmentSerializer(assessment).data)


@extend_schema(tags=["zaken"])
class DecisionCreate(CaseActionView):
    action_required = Action.DECIDE
    problem_responses = {
        "post": {
            "422": "The legal basis does not hold (invalid_params name the rule's reason code, "
            "e.g. PROVISION_REQUIRED)."
        }
    }

    @extend_schema(
        summary="Propose a decision on a case",
        request=DecisionInputSerializer,
        responses={201: DecisionSerializer},
    )
    def post(self, request: Request, reference: str) -> Response:
        case = self.case(reference)
        body = DecisionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        decision = service.propose_decision(
            case,
            values["outcome"],
            values["justification"],
            request.user,
            override_justification=values["override_justification"],
            expected_url_set=values["url_set_sha256"],
            legal_basis=checked_basis_of(values),
        )
        return created(
            request, DecisionSerializer(decision).data, "fd-api-decision", id=decision.pk
        )


@extend_schema(
    tags=["besluiten"], parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)]
)
class DecisionReview(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        summary="Approve or send back a decision (four eyes)",
        request=ReviewInputSerializer,
        responses={200: DecisionSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        require(request.user, Action.APPROVE)
        decision = get_object_or_404(Decision, pk=path_int(id))
        body = ReviewInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        decision = service.review_decision(
            decision, values["approve"], request.user, comment=values["comment"]
        )
        return Response(DecisionSerializer(decision).data)


@extend_schema(
    tags=["zaken"],
    summary="Audit events of a case, its signals, decisions, notices and mail",
    description="Oldest first: the notices' drafting, sending, delivery attempts' outcomes "
    "and acknowledgment, and the mail archived for the case, each with the url of its "
    "resource.",
)
class CaseTimeline(generics.ListAPIView[AuditEvent]):
    serializer_class = AuditEventSerializer
    permission_classes = [StaffOnly]
    pagination_class = None

    def get_queryset(self) -> Any:
        case = get_object_or_404(Case, reference=path_reference(self.kwargs["reference"]))
        refs: list[tuple[str, Any]] = [("intake.case", case.pk)]
        refs += [("intake.signal", pk) for pk in case.signals.values_list("pk", flat=True)]
        refs += [("assessments.decision", pk) for pk in case.decisions.values_list("pk", flat=True)]
        # Through the reverse relations, as the case page: notices and mailarchive are above.
        refs += [("notices.notice", pk) for pk in case.notices.values_list("pk", flat=True)]
        refs += [
            ("mailarchive.mailmessage", pk)
            for pk in case.mail_messages.values_list("pk", flat=True)
        ]
        return audit.timeline(refs)


class EligibilitySignalSerializer(serializers.Serializer[Any]):
    source_type = serializers.CharField()
    source_organisation = serializers.CharField(required=False, allow_null=True)
    category = serializers.ChoiceField(choices=Category.choices)
    platform = serializers.CharField()
    content_urls = serializers.ListField(child=serializers.CharField())


class EligibilityAnswersSerializer(serializers.Serializer[Any]):
    election_process_risk = serializers.BooleanField(required=False, allow_null=True)
    misleading = serializers.BooleanField(required=False, allow_null=True)
    harms = serializers.ListField(
        child=serializers.ChoiceField(choices=HARMS), required=False, allow_null=True
    )
    own_contact_attempts = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    own_means_exhausted = serializers.BooleanField(required=False, allow_null=True)


class EligibilityHistorySerializer(serializers.Serializer[Any]):
    notified_urls = serializers.ListField(
        child=serializers.CharField(), required=False, allow_null=True
    )


class EligibilityRequestSerializer(serializers.Serializer[Any]):
    signal = EligibilitySignalSerializer()
    assessment = EligibilityAnswersSerializer(required=False, allow_null=True)
    history = EligibilityHistorySerializer(required=False, allow_null=True)


class EligibilityReferralSerializer(serializers.Serializer[Any]):
    platform = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    text = serializers.CharField()


class EligibilityResultSerializer(serializers.Serializer[Any]):
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    referral = EligibilityReferralSerializer(allow_null=True)


@extend_schema(tags=["geschiktheid"])
class EligibilityView(APIView):
    """Stateless: the same JSON contract as ``flagdesk eligibility``; nothing is stored."""

    @extend_schema(
        summary="Apply the eligibility rules to one signal",
        request=EligibilityRequestSerializer,
        responses={200: EligibilityResultSerializer},
    )
    def post(self, request: Request) -> Response:
        try:
            signal, answers, history = parse_request(request.data, platforms.facts_for)
        except InputError as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc
        return Response(evaluate(signal, answers, history).as_dict())


# ------------------------------------------------------ issue 16: case and decision actions
# The case page's owner panel and the proposer's and administrator's buttons (issue 15),
# through the same service functions and permission checks as the UI views.

DECISION_ID = [OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)]


def _decision(id: str) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("case", "decided_by", "reviewed_by", "review_by"),
        pk=path_int(id),
    )


@extend_schema(tags=["besluiten"], parameters=DECISION_ID, summary="One decision (staff only)")
class DecisionDetail(generics.RetrieveAPIView[Decision]):
    serializer_class = DecisionSerializer
    permission_classes = [StaffOnly]

    def get_object(self) -> Decision:
        return _decision(self.kwargs["id"])


class OwnerInputSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(
        choices=["take", "release", "assign"],
        help_text="take: you become the owner (taking it over from a colleague); release: "
        "nobody owns it (your own, or anyone's for approvers and administrators); assign: "
        "user becomes the owner (approvers and administrators).",
    )
    user = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_DB_INT,
        help_text="With assign: the id of an assessor or approver.",
    )
    seen_owner = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_DB_INT,
        default=None,
        help_text="With take: the owner_id the case answer showed you (null: nobody). When "
        "someone else took the case meanwhile, 409 names them.",
    )

    def validate(self, values: dict[str, Any]) -> dict[str, Any]:
        if values["action"] == "assign":
            # Only people who may own cases are found: a partner account, an intake officer,
            # someone inactive or a forged id is "unknown", as in the UI's assign menu.
            wanted = values.get("user")
            found = [u for u in accounts_reads.staff_who_may(Action.OWN_CASE) if u.pk == wanted]
            if not found:
                raise serializers.ValidationError(
                    {"user": [_("Not an assessor or approver who can own a case.")]}
                )
            values["assignee"] = found[0]
        return values


class CaseOwnerSerializer(serializers.Serializer[Case]):
    reference = serializers.CharField()
    owner = serializers.CharField(
        source="owner.username", allow_null=True, default=None, help_text="null: nobody."
    )
    owner_id = serializers.IntegerField(allow_null=True)
    owned_since = serializers.DateTimeField(allow_null=True)


@extend_schema(tags=["zaken"])
class CaseOwnerView(APIView):
    permission_classes = [StaffOnly]
    problem_responses = {"post": {"409": "Someone else took the case since you looked."}}

    @extend_schema(
        operation_id="zaken_eigenaar_wijzigen",
        summary="Take, release or assign the owner of a case",
        request=OwnerInputSerializer,
        responses={200: CaseOwnerSerializer},
    )
    def post(self, request: Request, reference: str) -> Response:
        user = request.user
        # As the UI's case_owner view: assigners, or people who may own; the service checks
        # each action again.
        if not can(user, Action.ASSIGN_CASES):
            require(user, Action.OWN_CASE)
        case = get_object_or_404(Case, reference=path_reference(reference))
        body = OwnerInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        if values["action"] == "take":
            case = intake.take_case(case, user, values["seen_owner"])
        elif values["action"] == "release":
            case = intake.release_case(case, user)
        else:
            case = intake.assign_case(case, values["assignee"], user)
        case = get_object_or_404(Case.objects.select_related("owner"), pk=case.pk)
        return Response(CaseOwnerSerializer(case).data)


@extend_schema(tags=["besluiten"], parameters=DECISION_ID)
class DecisionWithdrawal(APIView):
    permission_classes = [StaffOnly]
    problem_responses = {
        "post": {"409": "Not yours, or no longer awaiting approval (reviewed or withdrawn)."}
    }

    @extend_schema(
        operation_id="besluiten_intrekken",
        summary="Withdraw your proposed decision before it is reviewed",
        request=None,
        responses={200: DecisionSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        require(request.user, Action.DECIDE)
        decision = service.withdraw_decision(_decision(id), request.user)
        return Response(DecisionSerializer(_decision(str(decision.pk))).data)


class ReassignInputSerializer(serializers.Serializer[Any]):
    proposer = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_DB_INT,
        default=None,
        help_text="The id of the assessor who takes the proposal over (and the case); null: "
        "keep the proposer.",
    )
    reviewer = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_DB_INT,
        default=None,
        help_text="The id of the approver who reviews it; null: keep the current choice.",
    )

    def validate(self, values: dict[str, Any]) -> dict[str, Any]:
        # As the UI: only active staff with the role are found; anyone else is unknown (400).
        for name, action in (("proposer", Action.DECIDE), ("reviewer", Action.APPROVE)):
            wanted = values.get(name)
            if wanted is None:
                continue
            found = [u for u in accounts_reads.staff_who_may(action) if u.pk == wanted]
            if not found:
                raise serializers.ValidationError({name: [_("Unknown assessor or approver.")]})
            values[name] = found[0]
        return values


@extend_schema(tags=["besluiten"], parameters=DECISION_ID)
class DecisionReassignment(APIView):
    permission_classes = [StaffOnly]
    problem_responses = {"post": {"409": "The decision no longer awaits approval."}}

    @extend_schema(
        operation_id="besluiten_toewijzen",
        summary="Hand a proposed decision to another assessor and/or approver (administrators)",
        request=ReassignInputSerializer,
        responses={200: DecisionSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        require(request.user, Action.ADMINISTER)
        decision = _decision(id)
        body = ReassignInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        decision = service.reassign_decision(
            decision, request.user, proposer=values["proposer"], reviewer=values["reviewer"]
        )
        return Response(DecisionSerializer(_decision(str(decision.pk))).data)


# Where a proposed decision leads (OpenAPI links; schemathesis follows them).
for _name, _target in (
    ("ReadDecision", "besluiten_retrieve"),
    ("ReviewDecision", "besluiten_goedkeuring_create"),
    ("WithdrawDecision", "besluiten_intrekken"),
):
    register_link("zaken_besluiten_create", "201", _name, _target, {"id": "$response.body#/id"})
