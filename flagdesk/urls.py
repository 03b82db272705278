# SPDX-License-Identifier: EUPL-1.2
"""ROOT_URLCONF: the site itself is composed in flagdesk/desk/urls.py."""

from django.urls import include, path

urlpatterns = [path("", include("flagdesk.desk.urls"))]

# problem+json under /api/, Django's pages elsewhere (flagdesk/core/errors.py).
handler400 = "flagdesk.core.errors.bad_request"
handler403 = "flagdesk.core.errors.permission_denied"
handler404 = "flagdesk.core.errors.page_not_found"
handler500 = "flagdesk.core.errors.server_error"
