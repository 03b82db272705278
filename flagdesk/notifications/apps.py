# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "flagdesk.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from flagdesk.audit import hooks
        from flagdesk.core.live import register_user_version_source
        from flagdesk.notifications import recipients, selectors, service

        hooks.subscribe("notifications", service.notify_for)
        recipients.register_default_case_people()
        # The bell is on every page, the case page too, whose version is the case's own.
        register_user_version_source("notifications", selectors.bell_version)
