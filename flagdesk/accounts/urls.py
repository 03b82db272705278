# SPDX-License-Identifier: EUPL-1.2
from django.urls import path

from flagdesk.accounts import oidc, partner_views, views

urlpatterns = [
    path("login", views.login_view, name="fd-login"),
    path("logout", views.logout_view, name="fd-logout"),
    # Single sign-on: 404 unless FLAGDESK_OIDC_* is configured. The provider must accept
    # https://<host>/oidc/callback/ as redirect URI.
    path("oidc/authenticate/", oidc.LoginStartView.as_view(), name="fd-oidc-login"),
    path("oidc/callback/", oidc.callback_view, name=oidc.CALLBACK_URL_NAME),
    path("account/password", views.password_view, name="fd-password"),
    path("account/2fa/setup", views.otp_setup_view, name="fd-otp-setup"),
    path("account/2fa", views.otp_verify_view, name="fd-otp-verify"),
    path("partners", partner_views.partner_list, name="fd-partner-list"),
    path("partners/new", partner_views.partner_new, name="fd-partner-new"),
    path("partners/<int:pk>", partner_views.partner_detail, name="fd-partner-detail"),
    path("partners/<int:pk>/tokens", partner_views.token_issue, name="fd-partner-token-issue"),
    path(
        "partners/<int:pk>/tokens/<int:token_pk>/revoke",
        partner_views.token_revoke,
        name="fd-partner-token-revoke",
    ),
]
