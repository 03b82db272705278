# SPDX-License-Identifier: EUPL-1.2
"""/api/v1 routes: Dutch plural resource names, kebab-case, no trailing slashes."""

from django.urls import URLPattern, URLResolver, path
from django.views.decorators.cache import cache_control
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny

from flagdesk.assessments import api as assessments
from flagdesk.elections import api as elections
from flagdesk.intake import api as intake
from flagdesk.platforms import api as platforms
from flagdesk.redaction import api as redaction
from flagdesk.reports import api as reports

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "openapi.json",
        # Public and the same for everyone: caches may keep it (core.middleware.NoStoreMiddleware).
        cache_control(public=True, max_age=300)(
            SpectacularJSONAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[])
        ),
        name="fd-api-docs",
    ),
    path("verkiezingen", elections.ElectionList.as_view(), name="fd-api-elections"),
    path("platforms", platforms.PlatformList.as_view(), name="fd-api-platforms"),
    path("signalen", intake.SignalList.as_view(), name="fd-api-signals"),
    path("signalen/<str:id>", intake.SignalDetail.as_view(), name="fd-api-signal"),
    path("zaken", assessments.CaseList.as_view(), name="fd-api-cases"),
    path("zaken/<str:reference>", assessments.CaseDetail.as_view(), name="fd-api-case"),
    path(
        "zaken/<str:reference>/beoordeling",
        assessments.AssessmentView.as_view(),
        name="fd-api-assessment",
    ),
    path(
        "zaken/<str:reference>/besluiten",
        assessments.DecisionCreate.as_view(),
        name="fd-api-decisions",
    ),
    path(
        "zaken/<str:reference>/tijdlijn", assessments.CaseTimeline.as_view(), name="fd-api-timeline"
    ),
    path(
        "besluiten/<str:id>/goedkeuring", assessments.DecisionReview.as_view(), name="fd-api-review"
    ),
    path("geschiktheid", assessments.EligibilityView.as_view(), name="fd-api-eligibility"),
    # issue 16: reports and their redaction review
    path("rapportages", reports.ReportList.as_view(), name="fd-api-reports"),
    path("rapportages/<str:election>", reports.ReportDetail.as_view(), name="fd-api-report"),
    path(
        "rapportages/<str:election>/voorbereiding",
        reports.ReportPreparation.as_view(),
        name="fd-api-report-prepare",
    ),
    path(
        "rapportages/<str:election>/documenten",
        redaction.DocumentList.as_view(),
        name="fd-api-report-documents",
    ),
    path(
        "rapportages/<str:election>/documenten/<str:id>",
        redaction.DocumentDetail.as_view(),
        name="fd-api-report-document",
    ),
    path(
        "rapportages/<str:election>/documenten/<str:id>/voorstellen",
        redaction.ProposalCreate.as_view(),
        name="fd-api-report-document-proposals",
    ),
    # Before voorstellen/<id>: "bulk" is not an id.
    path(
        "rapportages/<str:election>/voorstellen/bulk",
        redaction.ProposalBulk.as_view(),
        name="fd-api-report-proposals-bulk",
    ),
    path(
        "rapportages/<str:election>/voorstellen/<str:id>",
        redaction.ProposalDetail.as_view(),
        name="fd-api-report-proposal",
    ),
    path(
        "rapportages/<str:election>/ondertekening",
        reports.ReportSignOff.as_view(),
        name="fd-api-report-sign-off",
    ),
    path(
        "rapportages/<str:election>/versies",
        reports.VersionList.as_view(),
        name="fd-api-report-versions",
    ),
    path(
        "rapportages/<str:election>/versies/<str:version>",
        reports.VersionDetail.as_view(),
        name="fd-api-report-version",
    ),
    path(
        "rapportages/<str:election>/versies/<str:version>/<str:fmt>",
        reports.VersionFile.as_view(),
        name="fd-api-report-file",
    ),
]
