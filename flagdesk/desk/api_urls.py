# SPDX-License-Identifier: EUPL-1.2
"""/api/v1 routes: Dutch plural resource names, kebab-case, no trailing slashes."""

from django.urls import URLPattern, URLResolver, path
from django.views.decorators.cache import cache_control
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny

from flagdesk.accounts import api as accounts
from flagdesk.assessments import api as assessments
from flagdesk.elections import api as elections
from flagdesk.intake import api as intake
from flagdesk.mailarchive import api as mailarchive
from flagdesk.narratives import api as narratives
from flagdesk.notices import api as notices
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
    # issue 16: archived mail
    path("berichten", mailarchive.MessageList.as_view(), name="fd-api-messages"),
    path("berichten/<str:id>", mailarchive.MessageDetail.as_view(), name="fd-api-message"),
    path(
        "berichten/<str:id>/origineel",
        mailarchive.MessageOriginal.as_view(),
        name="fd-api-message-original",
    ),
    path(
        "berichten/<str:id>/koppeling",
        mailarchive.MessageLink.as_view(),
        name="fd-api-message-link",
    ),
    path(
        "berichten/<str:id>/bevestiging",
        mailarchive.MessageConfirmation.as_view(),
        name="fd-api-message-confirmation",
    ),
    path(
        "berichten/<str:id>/afwijzing",
        mailarchive.MessageRejection.as_view(),
        name="fd-api-message-rejection",
    ),
    # issue 16: fixes and the case actions (owner, withdraw, reassign)
    path("besluiten/<str:id>", assessments.DecisionDetail.as_view(), name="fd-api-decision"),
    path(
        "zaken/<str:reference>/eigenaar",
        assessments.CaseOwnerView.as_view(),
        name="fd-api-case-owner",
    ),
    path(
        "besluiten/<str:id>/intrekking",
        assessments.DecisionWithdrawal.as_view(),
        name="fd-api-decision-withdrawal",
    ),
    path(
        "besluiten/<str:id>/toewijzing",
        assessments.DecisionReassignment.as_view(),
        name="fd-api-decision-reassignment",
    ),
    # issue 16: notices
    path(
        "zaken/<str:reference>/meldingen",
        notices.CaseNoticeList.as_view(),
        name="fd-api-case-notices",
    ),
    path("meldingen/<str:id>", notices.NoticeDetail.as_view(), name="fd-api-notice"),
    path("meldingen/<str:id>/verzending", notices.NoticeSend.as_view(), name="fd-api-notice-send"),
    path(
        "meldingen/<str:id>/vervolgmeldingen",
        notices.NoticeFollowUp.as_view(),
        name="fd-api-notice-follow-ups",
    ),
    path(
        "meldingen/<str:id>/portaalindiening",
        notices.NoticePortalSubmission.as_view(),
        name="fd-api-notice-portal-submission",
    ),
    path(
        "meldingen/<str:id>/uitkomst", notices.NoticeOutcome.as_view(), name="fd-api-notice-outcome"
    ),
    path(
        "meldingen/<str:id>/herverzending",
        notices.NoticeResend.as_view(),
        name="fd-api-notice-resend",
    ),
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
    # issue 16: administration (partner organisations and their tokens, platform settings)
    path("organisaties", accounts.OrganisationList.as_view(), name="fd-api-organisations"),
    path(
        "organisaties/<str:id>",
        accounts.OrganisationDetail.as_view(),
        name="fd-api-organisation",
    ),
    path(
        "organisaties/<str:id>/tokens",
        accounts.TokenList.as_view(),
        name="fd-api-organisation-tokens",
    ),
    path(
        "organisaties/<str:id>/tokens/<str:token_id>",
        accounts.TokenDetail.as_view(),
        name="fd-api-organisation-token",
    ),
    path("platforms/<str:code>", platforms.PlatformDetail.as_view(), name="fd-api-platform"),
    # issue 16: narratives and statistics
    path("narratieven", narratives.NarrativeList.as_view(), name="fd-api-narratives"),
    path("narratieven/<str:slug>", narratives.NarrativeDetail.as_view(), name="fd-api-narrative"),
    path(
        "narratieven/<str:slug>/intrekking",
        narratives.NarrativeRetirement.as_view(),
        name="fd-api-narrative-retirement",
    ),
    path(
        "narratieven/<str:slug>/samenvoeging",
        narratives.NarrativeMerge.as_view(),
        name="fd-api-narrative-merge",
    ),
    path(
        "zaken/<str:reference>/narratieven",
        narratives.CaseNarratives.as_view(),
        name="fd-api-case-narratives",
    ),
    path(
        "zaken/<str:reference>/narratief-suggesties",
        narratives.CaseNarrativeSuggestions.as_view(),
        name="fd-api-case-narrative-suggestions",
    ),
    path(
        "narratief-koppelingen/<str:id>/beoordeling",
        narratives.NarrativeLinkDecision.as_view(),
        name="fd-api-narrative-link-decision",
    ),
    path(
        "vergelijkbare-zaken/<str:id>/beoordeling",
        narratives.SimilarCaseDecision.as_view(),
        name="fd-api-similar-case-decision",
    ),
    path("statistieken", reports.Statistics.as_view(), name="fd-api-statistics"),
]
