# SPDX-License-Identifier: EUPL-1.2
"""/api/v1/meldingen and /zaken/{reference}/meldingen: the case page's notice panel over HTTP.

Every action is the one the case page offers, through the same service function, with the
same permission checked first (a wrong role gets 403 before anything is looked up). The
service's NoticeError — the notice is not in a state that allows the action — is a 409
problem; input the service would refuse anyway (an empty subject, a hostile upload, a note
left out) is a 400 with the field named, before the service is called.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from flagdesk.accounts.api import StaffOnly
from flagdesk.accounts.permissions import Action, require
from flagdesk.core.api import Conflict, path_int, path_reference
from flagdesk.core.schema import register_link
from flagdesk.core.uploads import check_upload
from flagdesk.intake.models import Case
from flagdesk.notices import clocks, service
from flagdesk.notices.models import (
    Attempt,
    AttemptResult,
    Delivery,
    DeliveryState,
    Notice,
    NoticeStatus,
)
from flagdesk.rules.clocks import ClockState
from flagdesk.rules.language import looks_dutch

T = TypeVar("T")

SHA256 = re.compile(r"[0-9a-f]{64}")
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
NOTICE_STATES = ["draft", *DeliveryState.values]
CLOCK_STATES = [str(state) for state in ClockState]


# ------------------------------------------------------------------ representation


class AttemptSerializer(serializers.Serializer[Attempt]):
    number = serializers.IntegerField()
    stage = serializers.CharField(help_text="prepared, connecting, transmitting or done.")
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    result = serializers.CharField(
        help_text="accepted, temporary, permanent, interrupted or unknown; empty while it runs."
    )
    server = serializers.CharField(
        help_text="The mail server it talked to; outbox: only written to the local outbox."
    )
    reply_code = serializers.IntegerField(allow_null=True, help_text="The SMTP reply code.")
    reply = serializers.CharField(help_text="The server's reply (the SMTP response).")


class DeliverySerializer(serializers.Serializer[Delivery]):
    state = serializers.ChoiceField(choices=DeliveryState.choices)
    attempt_count = serializers.IntegerField(source="attempts")
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    server_reply = serializers.CharField()
    last_error = serializers.CharField()
    evidence = serializers.DictField(
        help_text="What settled an unknown outcome, or what is known about an interrupted one."
    )
    updated_at = serializers.DateTimeField()
    attempts = serializers.SerializerMethodField()

    @extend_schema_field(AttemptSerializer(many=True))
    def get_attempts(self, delivery: Delivery) -> list[dict[str, Any]]:
        return [_attempt(a) for a in delivery.attempt_rows.all()]


class ClockSerializer(serializers.Serializer[Any]):
    """A reading of the acknowledgment clock (issue 15): from the mail server's acceptance,
    against the platform's threshold (shorter on election day)."""

    state = serializers.ChoiceField(choices=CLOCK_STATES)
    since = serializers.DateTimeField()
    threshold_minutes = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    elapsed_seconds = serializers.IntegerField()


class NoticeSerializer(serializers.Serializer[Notice]):
    id = serializers.IntegerField()
    case = serializers.CharField(help_text="The case's reference.")
    decision = serializers.IntegerField()
    platform = serializers.CharField(help_text="Platform key, e.g. x.")
    follows = serializers.IntegerField(
        allow_null=True, help_text="The notice this one follows up; null for a first notice."
    )
    follow_ups = serializers.ListField(child=serializers.IntegerField())
    status = serializers.ChoiceField(
        choices=NoticeStatus.choices, help_text="draft, or frozen once sent (the text is final)."
    )
    state = serializers.ChoiceField(
        choices=NOTICE_STATES, help_text="draft, or the state of its delivery."
    )
    stuck = serializers.CharField(
        allow_null=True, help_text="Why nothing will send this queued notice; null otherwise."
    )
    channel = serializers.ChoiceField(choices=["email", "portal"])
    recipient = serializers.CharField(help_text="The e-mail address, or the portal's URL.")
    language = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()
    english_summary = serializers.CharField()
    dutch_paragraphs = serializers.ListField(
        child=serializers.CharField(),
        help_text="Dutch paragraphs in an English draft: it cannot be sent until an "
        "english_summary replaces them.",
    )
    text_sha256 = serializers.CharField(
        help_text="SHA-256 of recipient, subject and body joined by newlines (UTF-8): send it "
        "back to POST …/verzending to send exactly this text."
    )
    message_id = serializers.CharField()
    raw_sha256 = serializers.CharField(
        allow_null=True, help_text="SHA-256 of the message as frozen; null for a draft."
    )
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(allow_null=True)
    frozen_at = serializers.DateTimeField(allow_null=True)
    frozen_by = serializers.CharField(allow_null=True)
    sent_at = serializers.DateTimeField(
        allow_null=True, help_text="When the attempt the mail server accepted started."
    )
    accepted_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the platform's mail server accepted it, or it was submitted in the portal.",
    )
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledgment_source = serializers.CharField()
    time_to_acknowledgment_seconds = serializers.IntegerField(
        allow_null=True, help_text="From accepted_at to acknowledged_at."
    )
    acknowledgment_clock = ClockSerializer(
        allow_null=True,
        help_text="Running while the platform has not acknowledged an accepted notice; null "
        "otherwise.",
    )
    reminded_at = serializers.DateTimeField(allow_null=True)
    portal_reference = serializers.CharField()
    portal_confirmation_sha256 = serializers.CharField(allow_null=True)
    delivery = DeliverySerializer(allow_null=True)


# The answers are built by hand, like intake's (a serializer introspects on every call); the
# serializers above document them, and test_api checks the two agree.
_DATETIME = serializers.DateTimeField()


def _dt(moment: dt.datetime | None) -> str | None:
    return None if moment is None else _DATETIME.to_representation(moment)


def _seconds(delta: dt.timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds())


def _attempt(attempt: Attempt) -> dict[str, Any]:
    return {
        "number": attempt.number,
        "stage": attempt.stage,
        "started_at": _dt(attempt.started_at),
        "finished_at": _dt(attempt.finished_at),
        "result": attempt.result,
        "server": attempt.server,
        "reply_code": attempt.reply_code,
        "reply": attempt.reply,
    }


def _delivery(delivery: Delivery, attempts: list[Attempt]) -> dict[str, Any]:
    return {
        "state": delivery.state,
        "attempt_count": delivery.attempts,
        "next_attempt_at": _dt(delivery.next_attempt_at),
        "accepted_at": _dt(delivery.accepted_at),
        "server_reply": delivery.server_reply,
        "last_error": delivery.last_error,
        "evidence": {str(k): v for k, v in (delivery.evidence or {}).items()},
        "updated_at": _dt(delivery.updated_at),
        "attempts": [_attempt(a) for a in attempts],
    }


def notice_answer(
    notice: Notice, clock: clocks.Clock | None, stuck: service.StuckNotice | None
) -> dict[str, Any]:
    """What NoticeSerializer documents, from a notice read by :func:`_notices`."""
    delivery: Delivery | None = getattr(notice, "delivery", None)
    attempts = list(delivery.attempt_rows.all()) if delivery is not None else []
    sent_at = next((a.started_at for a in attempts if a.result == AttemptResult.ACCEPTED), None)
    reading = clock.reading if clock is not None else None
    draft = notice.status == NoticeStatus.DRAFT
    return {
        "id": notice.pk,
        "case": notice.case.reference,
        "decision": notice.decision_id,
        "platform": notice.platform.slug,
        "follows": notice.follows_id,
        "follow_ups": [f.pk for f in notice.follow_ups.all()],
        "status": notice.status,
        "state": delivery.state if delivery is not None else "draft",
        "stuck": stuck.explanation if stuck is not None else None,
        "channel": notice.channel_kind,
        "recipient": notice.recipient,
        "language": notice.language,
        "subject": notice.subject,
        "body": notice.body,
        "english_summary": notice.english_summary,
        "dutch_paragraphs": service.dutch_in_english(notice) if draft else [],
        "text_sha256": service.draft_digest(notice),
        "message_id": notice.message_id,
        "raw_sha256": notice.raw_sha256 or None,
        "created_at": _dt(notice.created_at),
        "created_by": notice.created_by.get_username() if notice.created_by else None,
        "frozen_at": _dt(notice.frozen_at),
        "frozen_by": notice.frozen_by.get_username() if notice.frozen_by else None,
        "sent_at": _dt(sent_at),
        "accepted_at": _dt(delivery.accepted_at) if delivery is not None else None,
        "acknowledged_at": _dt(notice.acknowledged_at),
        "acknowledgment_source": notice.acknowledgment_source,
        "time_to_acknowledgment_seconds": _seconds(service.time_to_acknowledgment(notice)),
        "acknowledgment_clock": None
        if reading is None
        else {
            "state": str(reading.state),
            "since": _dt(reading.since),
            "threshold_minutes": reading.threshold_minutes,
            "due_at": _dt(reading.due_at),
            "elapsed_seconds": _seconds(reading.elapsed),
        },
        "reminded_at": _dt(notice.reminded_at),
        "portal_reference": notice.portal_reference,
        "portal_confirmation_sha256": notice.portal_confirmation_sha256 or None,
        "delivery": _delivery(delivery, attempts) if delivery is not None else None,
    }


def _notices() -> QuerySet[Notice]:
    # A fixed number of queries for any number of notices (asserted in test_api).
    return Notice.objects.select_related(
        "case", "platform", "delivery", "created_by", "frozen_by"
    ).prefetch_related("follow_ups", "delivery__attempt_rows")


def answers(notices: list[Notice]) -> list[dict[str, Any]]:
    """The notices as the API shows them: their clocks and stuck state read once for all."""
    if not notices:
        return []
    ids = [n.pk for n in notices]
    now = timezone.now()
    running = {
        c.notice.pk: c
        for c in clocks.acknowledgment_clocks(now, Notice.objects.filter(pk__in=ids))
        if c.notice is not None
    }
    cases = {n.case_id for n in notices}
    stuck = {
        s.notice.pk: s
        for s in service.stuck_notices(now, case=cases.pop() if len(cases) == 1 else None)
    }
    return [notice_answer(n, running.get(n.pk), stuck.get(n.pk)) for n in notices]


def answer(notice: Notice) -> dict[str, Any]:
    [found] = answers([_notices().get(pk=notice.pk)])
    return found


def notice_url(notice: Notice) -> str:
    return reverse("fd-api-notice", kwargs={"id": str(notice.pk)})


# ------------------------------------------------------------------ input


class NoticeEditSerializer(serializers.Serializer[Any]):
    subject = serializers.CharField(max_length=300, required=False)
    body = serializers.CharField(max_length=100_000, required=False, trim_whitespace=False)
    english_summary = serializers.CharField(
        max_length=10_000,
        required=False,
        help_text="An English notice is composed again from the case with this summary in "
        "place of the Dutch free text; hand edits to the body are replaced. Not together with "
        "body.",
    )

    def validate_subject(self, value: str) -> str:
        if not " ".join(value.split()):
            raise serializers.ValidationError(_("A notice needs a subject and a text."))
        return value

    def validate_body(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("A notice needs a subject and a text."))
        return value

    def validate_english_summary(self, value: str) -> str:
        if looks_dutch(value):
            raise serializers.ValidationError(_("The summary looks Dutch; write it in English."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(_("Send subject, body or english_summary."))
        if "english_summary" in attrs and "body" in attrs:
            raise serializers.ValidationError(
                {"english_summary": [_("Composing with a summary replaces the body: send one.")]}
            )
        return attrs


class SendSerializer(serializers.Serializer[Any]):
    text_sha256 = serializers.CharField(
        min_length=64,
        max_length=64,
        help_text="The text_sha256 of the draft as you read it. If the draft changed since, "
        "nothing is sent (409).",
    )

    def validate_text_sha256(self, value: str) -> str:
        if not SHA256.fullmatch(value):
            raise serializers.ValidationError(_("64 lowercase hexadecimal characters."))
        return value


class PortalSubmissionSerializer(serializers.Serializer[Any]):
    submitted_at = serializers.DateTimeField(
        help_text="When it was submitted in the portal; counts as the acknowledgment."
    )
    reference = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="The case or ticket number the portal showed.",
    )
    confirmation = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The portal's confirmation (PNG, JPEG, GIF, WebP, PDF or text; judged by its "
        "bytes).",
    )

    def validate_submitted_at(self, value: dt.datetime) -> dt.datetime:
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise serializers.ValidationError(_("The submission time lies in the future."))
        return value

    def validate_confirmation(self, value: Any) -> Any:
        if value is not None:
            # The same check as the case page's form and a signal's attachments.
            check_upload(value)
        return value


class OutcomeSerializer(serializers.Serializer[Any]):
    arrived = serializers.BooleanField(
        help_text="true: it arrived, do not send again; false: send it again."
    )
    note = serializers.CharField(
        max_length=5_000, help_text="What you base this on, e.g. the platform said so by phone."
    )


# ------------------------------------------------------------------ views


class NoticeActionView(APIView):
    permission_classes = [StaffOnly]

    def notice(self, id: str) -> Notice:
        # The role first, so the answer never hints at which ids exist.
        require(self.request.user, Action.SEND_NOTICE)
        return get_object_or_404(Notice.objects.select_related("case"), pk=path_int(id))


def _acting(action: Callable[[], T]) -> T:
    try:
        return action()
    except service.NoticeError as exc:
        raise Conflict(str(exc)) from exc
    except Delivery.DoesNotExist as exc:
        # The actions after sending look up the delivery; a draft has none yet.
        raise Conflict(_("This notice has not been sent yet.")) from exc


@extend_schema(tags=["meldingen"], summary="The notices of a case (staff only)")
class CaseNoticeList(generics.ListAPIView[Notice]):
    serializer_class = NoticeSerializer
    permission_classes = [StaffOnly]

    def get_queryset(self) -> QuerySet[Notice]:
        case = get_object_or_404(Case, reference=path_reference(self.kwargs["reference"]))
        return _notices().filter(case=case).order_by("created_at", "pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the API always paginates
        return self.get_paginated_response(answers(list(page)))


@extend_schema(tags=["meldingen"], parameters=[ID_PARAMETER])
class NoticeDetail(NoticeActionView):
    @extend_schema(summary="One notice with its delivery (staff only)", responses=NoticeSerializer)
    def get(self, request: Request, id: str) -> Response:
        return Response(answer(get_object_or_404(Notice, pk=path_int(id))))

    @extend_schema(
        summary="Edit a draft: subject, body, or compose it with an English summary",
        request=NoticeEditSerializer,
        responses={200: NoticeSerializer},
    )
    def patch(self, request: Request, id: str) -> Response:
        notice = self.notice(id)
        body = NoticeEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        if "subject" in values or "body" in values:
            subject, text = values.get("subject", notice.subject), values.get("body", notice.body)
            notice = _acting(lambda: service.update_draft(notice, subject, text, request.user))
        if "english_summary" in values:
            summary = values["english_summary"]
            notice = _acting(lambda: service.summarise(notice, summary, request.user))
        return Response(answer(notice))


@extend_schema(tags=["meldingen"], parameters=[ID_PARAMETER])
class NoticeSend(NoticeActionView):
    problem_responses = {
        "post": {
            "409": "The notice was sent already, cannot be sent as it is (no channel address, "
            "Dutch text in an English notice, URLs outside the decision), or its text is no "
            "longer the one text_sha256 names."
        }
    }

    @extend_schema(
        summary="Send a draft: freeze it and hand it to the worker",
        request=SendSerializer,
        responses={202: NoticeSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        notice = self.notice(id)
        body = SendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        digest = body.validated_data["text_sha256"]
        _acting(lambda: service.send(notice, request.user, expected_digest=digest))
        return Response(answer(notice), status=202, headers={"Location": notice_url(notice)})


@extend_schema(tags=["meldingen"], parameters=[ID_PARAMETER])
class NoticeFollowUp(NoticeActionView):
    @extend_schema(
        summary="Draft a follow-up of a sent notice (same thread)",
        request=None,
        responses={201: NoticeSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        notice = self.notice(id)
        draft = _acting(lambda: service.follow_up(notice, request.user))
        return Response(answer(draft), status=201, headers={"Location": notice_url(draft)})


@extend_schema(tags=["meldingen"], parameters=[ID_PARAMETER])
class NoticePortalSubmission(NoticeActionView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Record that a portal notice was submitted, with the portal's confirmation",
        request={"multipart/form-data": PortalSubmissionSerializer},
        responses={200: NoticeSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        notice = self.notice(id)
        body = PortalSubmissionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        notice = _acting(
            lambda: service.record_portal_submission(
                notice,
                request.user,
                submitted_at=values["submitted_at"],
                reference=values["reference"],
                confirmation=values["confirmation"],
            )
        )
        return Response(answer(notice))


@extend_schema(tags=["meldingen"], parameters=[ID_PARAMETER])
class NoticeOutcome(NoticeActionView):
    @extend_schema(
        summary="Settle an unknown outcome: it arrived, or send it again",
        request=OutcomeSerializer,
        responses={200: NoticeSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        notice = self.notice(id)
        body = OutcomeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        _acting(
            lambda: service.resolve_unknown(
                notice, request.user, delivered=values["arrived"], note=values["note"]
            )
        )
        return Response(answer(notice))


@extend_schema(tags=["meldingen"], parameters=[ID_PARAMETER])
class NoticeResend(NoticeActionView):
    @extend_schema(
        summary="Send again: a failed or bounced notice, or queue a stuck one again",
        description="The same frozen bytes go out again. A stuck notice (queued, but no "
        "worker task or no progress) is queued again and still sent once.",
        request=None,
        responses={202: NoticeSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        notice = self.notice(id)
        delivery = Delivery.objects.filter(notice=notice).only("state").first()
        if delivery is not None and delivery.state in (
            DeliveryState.QUEUED,
            DeliveryState.RETRYING,
        ):
            _acting(lambda: service.requeue_stuck(notice, request.user))
        else:
            _acting(lambda: service.send_again(notice, request.user))
        return Response(answer(notice), status=202)


# Where a follow-up leads (OpenAPI links; schemathesis follows them).
for _name, _target in (
    ("ReadNotice", "meldingen_retrieve"),
    ("EditNotice", "meldingen_partial_update"),
):
    register_link(
        "meldingen_vervolgmeldingen_create", "201", _name, _target, {"id": "$response.body#/id"}
    )
