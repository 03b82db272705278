# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class NarrativesConfig(AppConfig):
    name = "flagdesk.narratives"
    label = "narratives"

    def ready(self) -> None:
        from flagdesk.intake.signals import signal_recorded
        from flagdesk.narratives import selectors
        from flagdesk.narratives.receivers import suggest_on_intake
        from flagdesk.notices.hooks import register_earlier_notifications, register_narratives

        signal_recorded.connect(suggest_on_intake, dispatch_uid="narratives-suggest")
        register_earlier_notifications(selectors.earlier_notifications)
        register_narratives(selectors.confirmed)
