# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/narratieven and a case's narratives: the registry pages and the case page's
narrative panel over HTTP.

Reading is for all staff (Action.VIEW_CASES), as the registry pages; every action is the
assessor's (Action.ASSESS), checked before anything is looked up so that a wrong role never
learns which slugs or ids exist, and goes through the same service function as the page's
button (which writes the audit event). A NarrativeError — the registry's or the link's state
does not allow it — is a 409 problem.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from flagdesk.accounts.api import StaffOnly
from flagdesk.accounts.permissions import Action, require
from flagdesk.core.api import path_int, path_reference
from flagdesk.intake.models import Case
from flagdesk.narratives import selectors, service
from flagdesk.narratives.models import LinkStatus, Narrative, NarrativeLink, SimilarCase
from flagdesk.narratives.tasks import find_similar_cases

SLUG_PARAMETER = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The narrative's key."
)
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
LINK_STATES = [str(status) for status in LinkStatus]


def path_slug(value: str) -> str:
    """A narrative's key; anything a SlugField cannot hold is simply not found."""
    if not re.fullmatch(r"[-a-zA-Z0-9_]{1,60}", value):
        raise exceptions.NotFound()
    return value


# ------------------------------------------------------------------ representation


class LinkedCaseSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    election = serializers.CharField(help_text="Election code.")
    platform = serializers.CharField(help_text="Platform key, e.g. x.")
    notified = serializers.BooleanField(help_text="A notice about the case reached the platform.")


class NarrativeSummarySerializer(serializers.Serializer[Any]):
    slug = serializers.CharField(help_text="The narrative's key.")
    title = serializers.CharField()
    retired = serializers.BooleanField(
        help_text="No longer suggested or offered for linking (also when merged)."
    )
    merged_into = serializers.CharField(
        allow_null=True, help_text="The key of the narrative it was merged into."
    )
    confirmed_cases = serializers.IntegerField(help_text="Cases confirmed to repeat it.")
    elections = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of the elections it was seen in."
    )
    platforms = serializers.ListField(
        child=serializers.CharField(), help_text="Keys of the platforms it was seen on."
    )
    notified_platforms = serializers.ListField(
        child=serializers.CharField(), help_text="Keys of the platforms notified about it."
    )


class NarrativeSerializer(NarrativeSummarySerializer):
    claim_nl = serializers.CharField(help_text="The false claim, in Dutch.")
    claim_en = serializers.CharField(help_text="The false claim, in English.")
    correct_rule = serializers.CharField()
    rule_source = serializers.CharField()
    rule_source_url = serializers.CharField()
    examples = serializers.ListField(
        child=serializers.CharField(), help_text="Typical wordings; used for matching."
    )
    cases = LinkedCaseSerializer(many=True)


def _summary(row: selectors.NarrativeRow) -> dict[str, Any]:
    narrative = row.narrative
    return {
        "slug": narrative.slug,
        "title": narrative.title,
        "retired": narrative.retired,
        "merged_into": narrative.merged_into.slug if narrative.merged_into else None,
        "confirmed_cases": len(row.cases),
        "elections": [e.code for e in row.elections],
        "platforms": [p.slug for p in row.platforms],
        "notified_platforms": [p.slug for p in row.notified_platforms],
    }


def narrative_answer(narrative: Narrative) -> dict[str, Any]:
    narrative = Narrative.objects.select_related("merged_into").get(pk=narrative.pk)
    [row] = selectors.rows([narrative])
    return _summary(row) | {
        "claim_nl": narrative.claim_nl,
        "claim_en": narrative.claim_en,
        "correct_rule": narrative.correct_rule,
        "rule_source": narrative.rule_source,
        "rule_source_url": narrative.rule_source_url,
        "examples": [line for line in narrative.examples.splitlines() if line.strip()],
        "cases": [
            {
                "reference": linked.case.reference,
                "election": linked.case.election.code,
                "platform": linked.case.platform.slug,
                "notified": linked.notified,
            }
            for linked in row.cases
        ],
    }


class NarrativeLinkSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="Decide it at /narratief-koppelingen/{id}.")
    narrative = serializers.CharField(help_text="The narrative's key.")
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=LINK_STATES)
    score = serializers.FloatField(
        allow_null=True, help_text="How well the case matches it, 0–100; null when linked by hand."
    )
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class SimilarCaseSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="Decide it at /vergelijkbare-zaken/{id}.")
    earlier = serializers.CharField(help_text="The earlier case's reference.")
    election = serializers.CharField(help_text="The earlier case's election code.")
    platform = serializers.CharField(help_text="The earlier case's platform key.")
    status = serializers.ChoiceField(choices=LINK_STATES)
    score = serializers.FloatField(help_text="How much the signals say the same, 0–100.")
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class CaseNarrativesSerializer(serializers.Serializer[Any]):
    case = serializers.CharField(help_text="The case's reference.")
    narratives = NarrativeLinkSerializer(
        many=True,
        help_text="Confirmed narratives first, then open suggestions, best match first; "
        "dismissed ones are left out, as on the case page.",
    )
    similar_cases = SimilarCaseSerializer(
        many=True, help_text="Earlier similar signals (any election), best match first."
    )


def _decided_by(link: NarrativeLink | SimilarCase) -> str | None:
    return link.decided_by.username if link.decided_by_id and link.decided_by else None


def link_answer(link: NarrativeLink) -> dict[str, Any]:
    return dict(
        NarrativeLinkSerializer(
            {
                "id": link.pk,
                "narrative": link.narrative.slug,
                "title": link.narrative.title,
                "status": link.status,
                "score": link.score,
                "decided_by": _decided_by(link),
                "decided_at": link.decided_at,
            }
        ).data
    )


def similar_answer(link: SimilarCase) -> dict[str, Any]:
    return dict(
        SimilarCaseSerializer(
            {
                "id": link.pk,
                "earlier": link.earlier.reference,
                "election": link.earlier.election.code,
                "platform": link.earlier.platform.slug,
                "status": link.status,
                "score": link.score,
                "decided_by": _decided_by(link),
                "decided_at": link.decided_at,
            }
        ).data
    )


def case_answer(case: Case) -> dict[str, Any]:
    return {
        "case": case.reference,
        "narratives": [link_answer(link) for link in service.links_for(case)],
        "similar_cases": [similar_answer(link) for link in service.similar_for(case)],
    }


# ------------------------------------------------------------------ input


class MergeSerializer(serializers.Serializer[Any]):
    target = serializers.CharField(
        max_length=60, help_text="The key of the active narrative to merge into."
    )


class CaseLinkSerializer(serializers.Serializer[Any]):
    narrative = serializers.CharField(max_length=60, help_text="The key of an active narrative.")


class VerdictSerializer(serializers.Serializer[Any]):
    confirm = serializers.BooleanField(help_text="true: confirm; false: dismiss (or remove).")


def _active(slug: str) -> Narrative | None:
    return next((n for n in service.active_narratives() if n.slug == slug), None)


def _narrative(slug: str) -> Narrative:
    return get_object_or_404(Narrative, slug=path_slug(slug))


def _case(reference: str) -> Case:
    return get_object_or_404(Case, reference=path_reference(reference))


# ------------------------------------------------------------------ the registry


@extend_schema(tags=["narratieven"], summary="The narrative registry (staff only)")
@extend_schema_view(get=extend_schema(operation_id="narratieven_list"))
class NarrativeList(generics.ListAPIView[Narrative]):
    serializer_class = NarrativeSummarySerializer
    permission_classes = [StaffOnly]

    def get_queryset(self) -> QuerySet[Narrative]:
        # As the registry page: the active ones first, by title.
        return Narrative.objects.select_related("merged_into").order_by("retired", "title", "pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the API always paginates
        rows = [_summary(row) for row in selectors.rows(list(page))]
        return self.get_paginated_response(rows)


@extend_schema(tags=["narratieven"], parameters=[SLUG_PARAMETER])
class NarrativeDetail(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        operation_id="narratieven_retrieve",
        summary="One narrative with the cases that repeat it (staff only)",
        responses={200: NarrativeSerializer},
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(narrative_answer(_narrative(slug)))


@extend_schema(tags=["narratieven"], parameters=[SLUG_PARAMETER])
class NarrativeRetirement(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        operation_id="narratieven_intrekking_create",
        summary="Retire a narrative (assessor)",
        description="It is no longer suggested or offered for linking; its links and history "
        "stay. Retiring a retired narrative changes nothing.",
        request=None,
        responses={200: NarrativeSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        require(request.user, Action.ASSESS)
        narrative = service.retire(_narrative(slug), request.user)
        return Response(narrative_answer(narrative))


@extend_schema(tags=["narratieven"], parameters=[SLUG_PARAMETER])
class NarrativeMerge(APIView):
    permission_classes = [StaffOnly]
    problem_responses = {
        "post": {
            "409": "Merged into itself, into a retired or merged narrative, or this narrative "
            "is no longer active."
        }
    }

    @extend_schema(
        operation_id="narratieven_samenvoeging_create",
        summary="Merge a narrative into another (assessor)",
        description="Its links move to the target (a case already linked to the target keeps "
        "that link) and it is retired, pointing at the target. The answer is the target, "
        "with the cases now linked to it.",
        request=MergeSerializer,
        responses={200: NarrativeSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        require(request.user, Action.ASSESS)
        source = _narrative(slug)
        body = MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target = Narrative.objects.filter(slug=body.validated_data["target"]).first()
        if target is None:
            raise exceptions.ValidationError({"target": [_("Choose the narrative to merge into.")]})
        service.merge(source, target, request.user)
        return Response(narrative_answer(target))


# ------------------------------------------------------------------ a case's narratives


@extend_schema(tags=["narratieven"])
class CaseNarratives(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        operation_id="zaken_narratieven_retrieve",
        summary="A case's narratives and earlier similar signals (staff only)",
        responses={200: CaseNarrativesSerializer},
    )
    def get(self, request: Request, reference: str) -> Response:
        return Response(case_answer(_case(reference)))

    @extend_schema(
        operation_id="zaken_narratieven_koppelen",
        summary="Link the case to a narrative by hand (assessor)",
        description="As the case page's Link: the narrative is confirmed for the case (also "
        "one dismissed before). The answer is the case's narratives.",
        request=CaseLinkSerializer,
        responses={200: CaseNarrativesSerializer},
    )
    def post(self, request: Request, reference: str) -> Response:
        require(request.user, Action.ASSESS)
        case = _case(reference)
        body = CaseLinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        narrative = _active(body.validated_data["narrative"])
        if narrative is None:
            raise exceptions.ValidationError({"narrative": [_("Choose an active narrative.")]})
        service.link_by_hand(case, narrative, request.user)
        return Response(case_answer(case))


@extend_schema(tags=["narratieven"])
class CaseNarrativeSuggestions(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        operation_id="zaken_narratief_suggesties_create",
        summary="Look for matching narratives and earlier similar signals (assessor)",
        description="As the case page's button: the case is matched against the registry "
        "now (new matches become suggestions; decided links stay as they are); earlier "
        "similar signals are looked for by the worker and appear in GET …/narratieven "
        "shortly after. The answer is the case's narratives.",
        request=None,
        responses={200: CaseNarrativesSerializer},
    )
    def post(self, request: Request, reference: str) -> Response:
        require(request.user, Action.ASSESS)
        case = _case(reference)
        service.suggest(case)
        # In the worker: the first lookup in a process builds the index of every case.
        find_similar_cases.enqueue(case.pk)
        return Response(case_answer(case))


DECIDED = {"post": {"409": "The suggestion has been decided already."}}


@extend_schema(tags=["narratieven"], parameters=[ID_PARAMETER])
class NarrativeLinkDecision(APIView):
    permission_classes = [StaffOnly]
    problem_responses = DECIDED

    @extend_schema(
        operation_id="narratief_koppelingen_beoordeling_create",
        summary="Confirm or dismiss a suggested narrative, or remove a confirmed one (assessor)",
        request=VerdictSerializer,
        responses={200: NarrativeLinkSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        require(request.user, Action.ASSESS)
        link = get_object_or_404(NarrativeLink.objects.select_related("narrative"), pk=path_int(id))
        body = VerdictSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = service.decide(link, body.validated_data["confirm"], request.user)
        return Response(link_answer(decided))


@extend_schema(tags=["narratieven"], parameters=[ID_PARAMETER])
class SimilarCaseDecision(APIView):
    permission_classes = [StaffOnly]
    problem_responses = DECIDED

    @extend_schema(
        operation_id="vergelijkbare_zaken_beoordeling_create",
        summary="Confirm or dismiss an earlier similar signal (assessor)",
        request=VerdictSerializer,
        responses={200: SimilarCaseSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        require(request.user, Action.ASSESS)
        link = get_object_or_404(
            SimilarCase.objects.select_related("earlier__election", "earlier__platform"),
            pk=path_int(id),
        )
        body = VerdictSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = service.decide_similar(link, body.validated_data["confirm"], request.user)
        return Response(similar_answer(decided))
