# SPDX-License-Identifier: EUPL-1.2
from django.urls import path

from flagdesk.accounts import views

urlpatterns = [
    path("login", views.login_view, name="fd-login"),
    path("logout", views.logout_view, name="fd-logout"),
    path("account/password", views.password_view, name="fd-password"),
    path("account/2fa/setup", views.otp_setup_view, name="fd-otp-setup"),
    path("account/2fa", views.otp_verify_view, name="fd-otp-verify"),
]
