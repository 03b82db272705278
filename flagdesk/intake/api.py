# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/signalen: partners submit signals and follow their own; staff see all.

A partner's organisation and source type come from its token, never from the body, and a
partner only ever sees its own organisation's signals. The server files a partner's signal
under the election whose attention window is open (:func:`choose_partner_election`), and a
partner learns nothing from the answer about cases it did not open (:func:`as_partner_sees_it`):
whether a URL was already reported or notified is for staff to know.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from flagdesk.accounts import selectors as accounts_reads
from flagdesk.accounts.constants import SourceType
from flagdesk.accounts.models import PartnerOrganisation
from flagdesk.accounts.permissions import Action, can
from flagdesk.core.api import MAX_DB_INT, Unprocessable, created, path_int, problem_response
from flagdesk.core.schema import register_link
from flagdesk.elections import service as elections
from flagdesk.elections.models import Election
from flagdesk.intake import service as intake
from flagdesk.intake.models import Category, IntakeOutcome, ReceivedVia, Signal
from flagdesk.rules.eligibility import urls_of_other_platforms
from flagdesk.rules.reasons import REASON_TEXT_EN, REASON_TEXT_NL, Reason

STAFF_ONLY = "Staff only; ignored when a partner token is used."

# What a partner is shown, as state and intake outcome, of a signal in a case it did not open.
RECEIVED = "received"
# Reasons that describe the signal itself; any other (ALREADY_NOTIFIED) tells about other cases.
REASONS_ABOUT_THE_SIGNAL = frozenset(
    {Reason.SOURCE_NOT_ACCEPTED, Reason.NO_CHANNEL, Reason.URL_OTHER_PLATFORM}
)
# The problem type of a signal the intake gate refused (422); its extension members are
# outcome, reasons, referral and signal (IntakeRefusalSerializer).
INTAKE_REFUSED = "urn:flagdesk:problem:intake-refused"
# The request field each refusing reason is about, for invalid_params.
REASON_FIELD = {
    Reason.SOURCE_NOT_ACCEPTED: "source_type",
    Reason.NO_CHANNEL: "platform",
    Reason.URL_OTHER_PLATFORM: "content_urls",
}


class ElectionRefusal(StrEnum):
    NO_OPEN_WINDOW = "NO_OPEN_WINDOW"
    OUTSIDE_WINDOW = "OUTSIDE_WINDOW"


def choose_partner_election(
    current: Election | None, named: Election | None, day: dt.date
) -> Election | ElectionRefusal:
    """The election a partner's signal is filed under on ``day`` (pure: no database).

    Only an election whose attention window holds ``day``. A partner may name one (several
    windows can be open at once, e.g. provincial and water-board elections on one day);
    otherwise it is ``current``, the one ``current_election`` picks, if its window is open.
    Naming any other election, or filing while no window is open, is refused.
    """
    if named is not None:
        return named if named.in_attention_window(day) else ElectionRefusal.OUTSIDE_WINDOW
    if current is not None and current.in_attention_window(day):
        return current
    return ElectionRefusal.NO_OPEN_WINDOW


def as_partner_sees_it(answer: dict[str, Any], own_case: bool) -> dict[str, Any]:
    """A signal's answer with nothing in it about cases the partner did not open.

    In a case someone else opened, the signal is only "received": its state, and whether it
    joined a case, would tell that the URL was reported (or notified) before. Reasons about
    other cases (ALREADY_NOTIFIED) are left out even in the partner's own case, which can
    hold URLs another case had notified.
    """
    answer["reasons"] = [r for r in answer["reasons"] if r in REASONS_ABOUT_THE_SIGNAL]
    if answer["state"] is not None and not own_case:
        answer["state"] = RECEIVED
        answer["intake_outcome"] = RECEIVED
    return answer


class SignalSerializer(serializers.ModelSerializer[Signal]):
    election = serializers.SlugRelatedField(slug_field="code", read_only=True)
    source_organisation = serializers.CharField(source="source_organisation_name", read_only=True)
    platform = serializers.CharField(source="platform_name", read_only=True)
    content_urls = serializers.SerializerMethodField()
    reasons = serializers.ListField(
        source="intake_reasons", child=serializers.CharField(), read_only=True
    )
    intake_outcome = serializers.ChoiceField(
        choices=[*IntakeOutcome.choices, (RECEIVED, RECEIVED)],
        read_only=True,
        help_text="received: shown to a partner whose signal is in a case it did not open.",
    )
    state = serializers.SerializerMethodField(
        help_text="State of the signal's case, if any; received for a partner whose signal is "
        "in a case it did not open."
    )

    class Meta:
        model = Signal
        fields = [
            "id",
            "election",
            "received_at",
            "received_via",
            "source_organisation",
            "source_type",
            "category",
            "platform",
            "content_urls",
            "explanation",
            "contact_name",
            "contact_email",
            "contact_phone",
            "own_contact_attempts",
            "own_contact_last_at",
            "own_contact_result",
            "intake_outcome",
            "reasons",
            "state",
        ]
        read_only_fields = fields

    def get_content_urls(self, signal: Signal) -> list[str]:
        return [u.url for u in signal.urls.all()]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_state(self, signal: Signal) -> str | None:
        return signal.case.state if signal.case else None

    def to_representation(self, instance: Signal) -> dict[str, Any]:
        answer = dict(super().to_representation(instance))
        organisation_id = self.context.get("partner_organisation_id")
        if organisation_id is None:
            return answer
        opened_by = getattr(instance, "case_opened_by", None)
        return as_partner_sees_it(answer, own_case=opened_by == organisation_id)


class SignalInputSerializer(serializers.Serializer[dict[str, Any]]):
    # (original, normalised) per distinct content URL, set when the URLs are validated.
    url_pairs: list[tuple[str, str]]

    election = serializers.CharField(
        required=False,
        max_length=20,
        help_text="Election code. Partners: only an election whose attention window is open "
        "today (422 otherwise); default: the one whose window is open. Staff: any election; "
        "default: the current election.",
    )
    category = serializers.ChoiceField(choices=Category.choices)
    platform = serializers.CharField(max_length=100)
    content_urls = serializers.ListField(
        child=serializers.CharField(max_length=4200),
        min_length=1,
        max_length=intake.MAX_URLS_PER_SIGNAL,
    )
    explanation = serializers.CharField(max_length=20_000)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    own_contact_attempts = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    own_contact_last_at = serializers.DateTimeField(required=False, allow_null=True)
    own_contact_result = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    received_at = serializers.DateTimeField(required=False, allow_null=True)
    source_organisation = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_DB_INT, help_text=STAFF_ONLY
    )
    source_organisation_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text=STAFF_ONLY
    )
    source_type = serializers.ChoiceField(
        choices=SourceType.choices, required=False, help_text=STAFF_ONLY
    )

    def validate_election(self, code: str) -> Election:
        election = elections.get_election(code)
        if election is None:
            raise serializers.ValidationError(_("Unknown election."))
        return election

    def validate_received_at(self, value: dt.datetime | None) -> dt.datetime | None:
        return _plausible(value)

    def validate_own_contact_last_at(self, value: dt.datetime | None) -> dt.datetime | None:
        return _plausible(value)

    def validate_content_urls(self, urls: list[str]) -> list[str]:
        try:
            # Kept for the service, which would otherwise normalise every URL again.
            self.url_pairs = intake.normalise_all(urls)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return urls


def _plausible(value: dt.datetime | None) -> dt.datetime | None:
    # Year 1 or 9999 with an offset cannot be stored as UTC; nothing real is that far off.
    if value is not None and not 1990 <= value.year <= 2200:
        raise serializers.ValidationError(_("Give a date between 1990 and 2200."))
    return value


class ReferralSerializer(serializers.Serializer[Any]):
    platform = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    text = serializers.CharField()


class IntakeRefusalSerializer(serializers.Serializer[Any]):
    """422 problem+json: the intake gate refused the signal (no case was opened)."""

    type = serializers.CharField(help_text=f"Always {INTAKE_REFUSED}.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What each reason means, in the answer's language.")
    instance = serializers.CharField(
        required=False, help_text="The refused signal, when it was kept for the record."
    )
    invalid_params = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text="Per field the refusal is about (source_type, platform, content_urls[i]): "
        "name and reason (code: text).",
    )
    outcome = serializers.CharField(
        help_text="not_stored: nothing was kept (a source FlagDesk does not take signals from; "
        "only an anonymous count). refused: the signal is kept, in no case, for the record.",
    )
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Reason codes.")
    referral = ReferralSerializer(
        allow_null=True, help_text="For a citizen: the platform's own reporting route (Dutch)."
    )
    signal = serializers.IntegerField(allow_null=True, help_text="The refused signal's id.")


def refusal_answer(result: intake.IntakeResult, urls: list[str], partner: bool) -> Response:
    """422: the intake gate refused the signal. Not 201 (no case was opened, and a client
    that reads only the status must not take it for accepted) and not 400 (the request was
    well-formed: the rules refused it, as they refuse a legal basis with 422)."""
    reasons = [r for r in result.reasons if r in REASONS_ABOUT_THE_SIGNAL or not partner]
    texts = REASON_TEXT_NL if (get_language() or "nl").startswith("nl") else REASON_TEXT_EN
    params = []
    for reason in reasons:
        if reason == Reason.URL_OTHER_PLATFORM and result.signal is not None:
            facts = intake.signal_facts("media", "", result.signal.platform_name, urls)
            for url in urls_of_other_platforms(facts):
                params.append(
                    {
                        "name": f"content_urls[{urls.index(url)}]",
                        "reason": f"{reason}: {texts[reason]}",
                    }
                )
        elif reason in REASON_FIELD:
            params.append({"name": REASON_FIELD[reason], "reason": f"{reason}: {texts[reason]}"})
    extensions: dict[str, Any] = {
        "outcome": str(result.outcome),
        "reasons": [str(r) for r in reasons],
        "referral": result.referral.as_dict() if result.referral else None,
        "signal": result.signal.pk if result.signal else None,
    }
    if result.signal is not None:
        extensions["instance"] = reverse("fd-api-signal", kwargs={"id": result.signal.pk})
    return problem_response(
        422,
        _("Refused at intake"),
        " ".join(texts[r] for r in reasons) or _("The intake gate refused the signal."),
        params,
        problem_type=INTAKE_REFUSED,
        extensions=extensions,
    )


def visible_signals(user: Any) -> QuerySet[Signal]:
    """A partner sees its own organisation's signals; staff see all; anyone else nothing."""
    query = Signal.objects.select_related("election", "case").prefetch_related("urls")
    if can(user, Action.SUBMIT_SIGNAL_AS_PARTNER):
        # Who opened each signal's case: a partner sees the state only of cases it opened.
        return query.filter(source_organisation_id=user.organisation_id).annotate(
            case_opened_by=Subquery(_opening_signal(OuterRef("case")))
        )
    if can(user, Action.VIEW_CASES):
        return query
    raise PermissionDenied(_("You may not read signals."))


def _opening_signal(case: Any) -> QuerySet[Signal, int | None]:
    # The first signal recorded (by id, not received_at, which the sender chooses) opened it.
    signals = Signal.objects.filter(case=case).order_by("pk")
    return signals.values_list("source_organisation_id", flat=True)[:1]


def _partner_context(view: Any) -> dict[str, Any]:
    context = dict(generics.GenericAPIView.get_serializer_context(view))
    user = view.request.user
    if can(user, Action.SUBMIT_SIGNAL_AS_PARTNER):
        context["partner_organisation_id"] = user.organisation_id
    return context


FILTERS = [
    OpenApiParameter("election", OpenApiTypes.STR, description="Election code."),
    OpenApiParameter("category", OpenApiTypes.STR, enum=Category.values),
]


class SignalFilterSerializer(serializers.Serializer[Any]):
    election = serializers.CharField(required=False, max_length=20)
    category = serializers.ChoiceField(choices=Category.choices, required=False)


@extend_schema_view(
    get=extend_schema(summary="List signals (partners: only their own)", parameters=FILTERS),
    post=extend_schema(
        summary="Submit a signal",
        request=SignalInputSerializer,
        responses={
            201: SignalSerializer,
            (422, "application/problem+json"): IntakeRefusalSerializer,
        },
    ),
)
@extend_schema(tags=["signalen"])
class SignalList(generics.ListCreateAPIView[Signal]):
    serializer_class = SignalSerializer
    problem_responses = {
        "post": {
            "422": "Refused at intake (type urn:flagdesk:problem:intake-refused: a source "
            "FlagDesk takes no signals from, a platform without a channel, a URL of another "
            "platform); or a partner named an election outside its attention window, or no "
            "election is in its attention window today."
        }
    }

    def get_queryset(self) -> QuerySet[Signal]:
        filters = SignalFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        query = visible_signals(self.request.user)
        if "election" in filters.validated_data:
            query = query.filter(election__code__iexact=filters.validated_data["election"])
        if "category" in filters.validated_data:
            query = query.filter(category=filters.validated_data["category"])
        return query

    def get_serializer_context(self) -> dict[str, Any]:
        return _partner_context(self)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        partner = can(user, Action.SUBMIT_SIGNAL_AS_PARTNER)
        if not partner and not can(user, Action.RECORD_SIGNAL):
            raise PermissionDenied(_("You may not submit signals."))
        body = SignalInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = _signal_input(body.validated_data, user, partner)
        data.url_pairs = body.url_pairs
        result = intake.record_signal(data, actor=user)
        # Everything the answer shows is in memory: nothing is read back.
        urls = [url for url, _norm in data.url_pairs]
        if result.signal is None or result.outcome == IntakeOutcome.REFUSED:
            return refusal_answer(result, urls, partner)
        answer = new_signal_answer(result.signal, urls)
        if partner:
            answer = as_partner_sees_it(answer, own_case=_opened_by_own(result.signal))
        return created(request, answer, "fd-api-signal", id=result.signal.pk)


def _opened_by_own(signal: Signal) -> bool:
    if signal.case is None or signal.intake_outcome == IntakeOutcome.NEW_CASE:
        return True
    return _opening_signal(signal.case).first() == signal.source_organisation_id


_DATETIME = serializers.DateTimeField()


def new_signal_answer(signal: Signal, urls: list[str]) -> dict[str, Any]:
    """What :class:`SignalSerializer` gives for a signal just recorded with these URLs.

    Built by hand: the serializer introspects the model on every call, which cost more than
    the rest of the answer (a test keeps the two equal).
    """
    own_contact_last_at = signal.own_contact_last_at
    return {
        "id": signal.pk,
        "election": signal.election.code,
        "received_at": _DATETIME.to_representation(signal.received_at),
        "received_via": str(signal.received_via),
        "source_organisation": signal.source_organisation_name,
        "source_type": str(signal.source_type),
        "category": str(signal.category),
        "platform": signal.platform_name,
        "content_urls": urls,
        "explanation": signal.explanation,
        "contact_name": signal.contact_name,
        "contact_email": signal.contact_email,
        "contact_phone": signal.contact_phone,
        "own_contact_attempts": signal.own_contact_attempts,
        "own_contact_last_at": _DATETIME.to_representation(own_contact_last_at)
        if own_contact_last_at
        else None,
        "own_contact_result": signal.own_contact_result,
        "intake_outcome": str(signal.intake_outcome),
        "reasons": [str(r) for r in signal.intake_reasons],
        "state": signal.case.state if signal.case else None,
    }


def _signal_input(values: dict[str, Any], user: Any, partner: bool) -> intake.SignalInput:
    election = _partner_election(values.get("election")) if partner else _staff_election(values)
    organisation, organisation_name, source_type = _source(values, user, partner)
    return intake.SignalInput(
        election=election,
        source_type=source_type,
        category=values["category"],
        platform_name=values["platform"],
        content_urls=values["content_urls"],
        explanation=values["explanation"],
        received_via=ReceivedVia.API,
        source_organisation=organisation,
        source_organisation_name=organisation_name,
        contact_name=values.get("contact_name", ""),
        contact_email=values.get("contact_email", ""),
        contact_phone=values.get("contact_phone", ""),
        received_at=values.get("received_at"),
        own_contact_attempts=values.get("own_contact_attempts", 0),
        own_contact_last_at=values.get("own_contact_last_at"),
        own_contact_result=values.get("own_contact_result", ""),
    )


def _staff_election(values: dict[str, Any]) -> Election:
    # Staff may file under any election, as in the web UI (a late signal, a correction).
    election = values.get("election") or elections.current_election()
    if election is None:
        raise serializers.ValidationError({"election": [_("No election is configured.")]})
    return election


def _partner_election(named: Election | None) -> Election:
    today = timezone.localdate()
    chosen = choose_partner_election(elections.current_election(today), named, today)
    if chosen == ElectionRefusal.OUTSIDE_WINDOW:
        assert named is not None
        reason = _(
            "%(code)s is not in its attention window (%(start)s to %(end)s): partners file "
            "signals only under an election whose window is open. Leave election out to have "
            "the server choose."
        ) % {"code": named.code, "start": named.attention_start, "end": named.attention_end}
        raise Unprocessable({"election": [reason]})
    if chosen == ElectionRefusal.NO_OPEN_WINDOW:
        reason = _(
            "No election is in its attention window today: partners can file signals only "
            "during an election's attention window (see /verkiezingen)."
        )
        raise Unprocessable({"election": [reason]})
    assert isinstance(chosen, Election)
    return chosen


def _source(
    values: dict[str, Any], user: Any, partner: bool
) -> tuple[PartnerOrganisation | None, str, str]:
    """Who the signal is from: the token's organisation for partners, the body for staff."""
    if partner:
        organisation = user.organisation
        return organisation, organisation.name, organisation.source_type
    organisation_id = values.get("source_organisation")
    if organisation_id is not None:
        organisation = accounts_reads.partner_organisation(organisation_id)
        if organisation is None:
            raise serializers.ValidationError({"source_organisation": [_("Unknown organisation.")]})
        return organisation, organisation.name, organisation.source_type
    if not values.get("source_type"):
        raise serializers.ValidationError(
            {"source_type": [_("Give source_type (or source_organisation).")]}
        )
    return None, values.get("source_organisation_name", ""), values["source_type"]


@extend_schema(
    tags=["signalen"],
    summary="One signal (partners: only their own)",
    parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
)
class SignalDetail(generics.RetrieveAPIView[Signal]):
    serializer_class = SignalSerializer
    lookup_url_kwarg = "id"

    def get_object(self) -> Signal:
        return get_object_or_404(self.get_queryset(), pk=path_int(self.kwargs["id"]))

    def get_queryset(self) -> QuerySet[Signal]:
        return visible_signals(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return _partner_context(self)


# Where a created signal leads (OpenAPI links; schemathesis follows them).
register_link(
    "signalen_create", "201", "ReadSignal", "signalen_retrieve", {"id": "$response.body#/id"}
)
