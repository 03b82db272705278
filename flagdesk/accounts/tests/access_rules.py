# SPDX-License-Identifier: EUPL-1.2
"""Who gets in where: every URL name of the site, for reading (GET) and for changing (POST,
or PUT where the API says so), by role.

This is the one table ``test_authorisation_matrix.py`` checks every URL against. A new URL
without a line here fails that test, so adding a page means deciding, here, who may use it.
The roles come from ``flagdesk.accounts.permissions.ACTION_ROLES``; the table repeats them
per URL on purpose, so that a change to either shows up as a failing test.

``None`` means the method is not offered: whoever gets past the login gets 405.
"""

from __future__ import annotations

from dataclasses import dataclass

ANONYMOUS = "anonymous"
INTAKE = "intake_officer"
ASSESSOR = "assessor"
APPROVER = "approver"
ADMIN = "admin"
PARTNER = "partner"  # a partner organisation's API token (its service account)

ROLES = (ANONYMOUS, INTAKE, ASSESSOR, APPROVER, ADMIN, PARTNER)

Roles = frozenset[str]

PUBLIC: Roles = frozenset(ROLES)
STAFF: Roles = frozenset({INTAKE, ASSESSOR, APPROVER, ADMIN})  # Action.VIEW_CASES
RECORDERS: Roles = frozenset({INTAKE, ASSESSOR})  # Action.RECORD_SIGNAL
ASSESSORS: Roles = frozenset({ASSESSOR})  # Action.ASSESS, DECIDE, SEND_NOTICE
APPROVERS: Roles = frozenset({APPROVER})  # Action.APPROVE
REVIEWERS: Roles = frozenset({ASSESSOR, APPROVER})  # Action.REVIEW_REDACTIONS
ADMINS: Roles = frozenset({ADMIN})  # Action.ADMINISTER
OWNERS: Roles = frozenset({ASSESSOR, APPROVER})  # Action.OWN_CASE
ASSIGNERS: Roles = frozenset({APPROVER, ADMIN})  # Action.ASSIGN_CASES
# Any signed-in person (their own password and second factor). A partner has no session:
# its token is not accepted by the web UI.
SIGNED_IN: Roles = STAFF
API_USERS: Roles = STAFF | {PARTNER}


@dataclass(frozen=True)
class Rule:
    get: Roles | None
    unsafe: Roles | None
    api: bool = False
    method: str = "post"  # the unsafe method the URL offers
    configured_only: bool = False  # 404 for everyone until its feature is configured


def ui(get: Roles | None, unsafe: Roles | None, configured_only: bool = False) -> Rule:
    return Rule(get, unsafe, configured_only=configured_only)


def api(get: Roles | None, unsafe: Roles | None, method: str = "post") -> Rule:
    return Rule(get, unsafe, api=True, method=method)


RULES: dict[str, Rule] = {
    # core
    "fd-dashboard": ui(STAFF, STAFF),  # any method renders the dashboard; nothing changes
    "fd-health": ui(PUBLIC, PUBLIC),  # for the load balancer: counts only, no data
    # accounts: login, second factor, partner administration
    "fd-login": ui(PUBLIC, PUBLIC),
    "fd-logout": ui(None, PUBLIC),
    "fd-password": ui(SIGNED_IN, SIGNED_IN),
    "fd-otp-setup": ui(SIGNED_IN, SIGNED_IN),
    "fd-otp-verify": ui(SIGNED_IN, SIGNED_IN),
    # notifications: each person's own (the queries are limited to the signed-in person)
    "fd-notifications": ui(STAFF, None),
    "fd-notifications-read": ui(None, STAFF),  # someone else's id: 404 (tests/test_views)
    "fd-notification-settings": ui(STAFF, STAFF),
    "fd-partner-list": ui(ADMINS, ADMINS),
    "fd-partner-new": ui(ADMINS, ADMINS),
    "fd-partner-detail": ui(ADMINS, ADMINS),
    "fd-partner-token-issue": ui(None, ADMINS),
    "fd-partner-token-revoke": ui(None, ADMINS),
    # intake
    "fd-signal-new": ui(RECORDERS, RECORDERS),
    "fd-citizen": ui(RECORDERS, RECORDERS),
    "fd-signal-recorded": ui(STAFF, STAFF),  # any method shows the result; nothing changes
    "fd-case-list": ui(STAFF, STAFF),  # likewise
    "fd-case-owner": ui(None, OWNERS | ASSIGNERS),  # take, release, assign (issue 15)
    "fd-cases-bulk-assign": ui(None, ASSIGNERS),
    "fd-case-list-export": ui(STAFF, None),  # a download of the list the role sees
    # assessments: the case page and its four-eyes workflow
    "fd-case-detail": ui(STAFF, None),
    "fd-case-assess": ui(None, ASSESSORS),
    "fd-case-eligibility": ui(None, ASSESSORS),
    "fd-case-decide": ui(None, ASSESSORS),
    "fd-case-review": ui(None, APPROVERS),
    "fd-case-withdraw": ui(None, ASSESSORS),
    "fd-case-reassign": ui(None, ADMINS),
    "fd-attachment-download": ui(STAFF, None),
    # platforms
    "fd-platform-list": ui(ADMINS, ADMINS),
    "fd-platform-edit": ui(ADMINS, ADMINS),
    # notices
    "fd-notice-draft": ui(None, ASSESSORS),
    "fd-notice-send": ui(None, ASSESSORS),
    "fd-notice-follow-up": ui(None, ASSESSORS),
    "fd-notice-portal-submission": ui(None, ASSESSORS),
    "fd-notice-unknown": ui(None, ASSESSORS),
    "fd-notice-send-again": ui(None, ASSESSORS),
    "fd-notice-requeue": ui(None, ASSESSORS),
    "fd-notice-raw": ui(STAFF, None),
    "fd-notice-confirmation": ui(STAFF, None),
    "fd-notice-template-list": ui(ADMINS, None),
    "fd-notice-template-edit": ui(ADMINS, ADMINS),  # POST previews or saves a version
    "fd-notice-template-version": ui(ADMINS, None),
    "fd-notice-template-activate": ui(None, ADMINS),
    "fd-notice-template-use-file": ui(None, ADMINS),
    # mail archive
    "fd-mail-unmatched": ui(STAFF, None),
    "fd-mail-detail": ui(STAFF, None),
    "fd-mail-raw": ui(STAFF, None),
    "fd-mail-attach": ui(None, ASSESSORS),
    "fd-mail-confirm": ui(None, ASSESSORS),
    "fd-mail-reject": ui(None, ASSESSORS),
    "fd-mail-attachment": ui(STAFF, None),
    # reports
    "fd-report-list": ui(STAFF, None),
    "fd-report-detail": ui(STAFF, None),
    "fd-report-draft": ui(STAFF, None),
    "fd-report-prepare": ui(None, REVIEWERS),
    "fd-report-sign-off": ui(None, APPROVERS),
    "fd-report-final": ui(STAFF, None),
    # redaction review
    "fd-redaction-list": ui(STAFF, None),
    "fd-redaction-document": ui(STAFF, None),
    "fd-redaction-accept-all": ui(None, REVIEWERS),
    "fd-redaction-bulk": ui(None, REVIEWERS),
    "fd-redaction-election-bulk": ui(None, REVIEWERS),
    "fd-redaction-add-text": ui(None, REVIEWERS),
    "fd-redaction-decide": ui(None, REVIEWERS),
    # narratives
    "fd-narrative-list": ui(STAFF, None),
    "fd-narrative-detail": ui(STAFF, None),
    "fd-narrative-retire": ui(None, ASSESSORS),
    "fd-narrative-merge": ui(None, ASSESSORS),
    "fd-narrative-link-decide": ui(None, ASSESSORS),
    "fd-similar-decide": ui(None, ASSESSORS),
    "fd-narrative-suggest": ui(None, ASSESSORS),
    "fd-narrative-link": ui(None, ASSESSORS),
    # records
    "fd-retention": ui(ADMINS, None),
    # Django's language switch (a cookie; the form is on every page)
    "set_language": ui(PUBLIC, PUBLIC),
    # single sign-on with the organisation's identity provider (FLAGDESK_OIDC_*): the start
    # and the provider's way back are public; both are 404 until OIDC is configured
    "fd-oidc-login": ui(PUBLIC, None, configured_only=True),
    "fd-oidc-callback": ui(PUBLIC, None, configured_only=True),
    # /api/v1
    "fd-api-docs": api(PUBLIC, None),
    "fd-api-elections": api(API_USERS, None),
    "fd-api-platforms": api(API_USERS, None),
    "fd-api-signals": api(API_USERS, RECORDERS | {PARTNER}),  # a partner sees only its own
    "fd-api-signal": api(API_USERS, None),
    "fd-api-cases": api(STAFF, None),
    "fd-api-case": api(STAFF, None),
    "fd-api-assessment": api(None, ASSESSORS, method="put"),
    "fd-api-decisions": api(None, ASSESSORS),
    "fd-api-timeline": api(STAFF, None),
    "fd-api-review": api(None, APPROVERS),
    "fd-api-eligibility": api(None, API_USERS),  # stateless: the rules, nothing stored
    # issue 16: archived mail, as the mail pages (fd-mail-*)
    "fd-api-messages": api(STAFF, None),
    "fd-api-message": api(STAFF, None),
    "fd-api-message-original": api(STAFF, None),
    "fd-api-message-link": api(None, ASSESSORS),
    "fd-api-message-confirmation": api(None, ASSESSORS),
    "fd-api-message-rejection": api(None, ASSESSORS),
    # issue 16: fixes and the case actions
    "fd-api-decision": api(STAFF, None),
    "fd-api-case-owner": api(None, OWNERS | ASSIGNERS),  # the service checks each action
    "fd-api-decision-withdrawal": api(None, ASSESSORS),  # someone else's: 409 (service)
    "fd-api-decision-reassignment": api(None, ADMINS),
    # issue 16: notices (the case page's notice panel)
    "fd-api-case-notices": api(STAFF, None),
    "fd-api-notice": api(STAFF, ASSESSORS, method="patch"),
    "fd-api-notice-send": api(None, ASSESSORS),
    "fd-api-notice-follow-ups": api(None, ASSESSORS),
    "fd-api-notice-portal-submission": api(None, ASSESSORS),
    "fd-api-notice-outcome": api(None, ASSESSORS),
    "fd-api-notice-resend": api(None, ASSESSORS),
    # issue 16: reports and their redaction review (staff read; reviewers review; approvers
    # sign off)
    "fd-api-reports": api(STAFF, None),
    "fd-api-report": api(STAFF, None),
    "fd-api-report-prepare": api(None, REVIEWERS),
    "fd-api-report-documents": api(STAFF, None),
    "fd-api-report-document": api(STAFF, None),
    "fd-api-report-document-proposals": api(None, REVIEWERS),
    "fd-api-report-proposals-bulk": api(None, REVIEWERS),
    "fd-api-report-proposal": api(STAFF, REVIEWERS, method="patch"),
    "fd-api-report-sign-off": api(None, APPROVERS),
    "fd-api-report-versions": api(STAFF, None),
    "fd-api-report-version": api(STAFF, None),
    "fd-api-report-file": api(STAFF, None),
    # issue 16: administration
    "fd-api-organisations": api(ADMINS, ADMINS),
    "fd-api-organisation": api(ADMINS, ADMINS, method="patch"),
    "fd-api-organisation-tokens": api(ADMINS, ADMINS),
    "fd-api-organisation-token": api(ADMINS, ADMINS, method="delete"),
    "fd-api-platform": api(ADMINS, ADMINS, method="patch"),
    # issue 16: narratives and statistics
    "fd-api-narratives": api(STAFF, None),
    "fd-api-narrative": api(STAFF, None),
    "fd-api-narrative-retirement": api(None, ASSESSORS),
    "fd-api-narrative-merge": api(None, ASSESSORS),
    "fd-api-case-narratives": api(STAFF, ASSESSORS),
    "fd-api-case-narrative-suggestions": api(None, ASSESSORS),
    "fd-api-narrative-link-decision": api(None, ASSESSORS),
    "fd-api-similar-case-decision": api(None, ASSESSORS),
    "fd-api-statistics": api(STAFF, None),
}

# Names routed only in some configurations, whose rules may exist without the URL. None
# today: the OIDC URLs are always routed (and answer 404 until configured), and a locked-out
# login is a 429 answer of the login page itself, not a URL of its own.
OPTIONAL: frozenset[str] = frozenset()

# URL namespaces left out of the matrix, with the reason.
EXCLUDED_NAMESPACES = {
    "admin": "Django's admin: every page is refused to anyone without is_staff, which only "
    "the admin role sets (test_the_django_admin_refuses_everyone_but_admins checks the door).",
}
# Static files are served by WhiteNoise before URL resolution (no URL name); they are public
# by design and hold only our CSS, JavaScript and fonts.
