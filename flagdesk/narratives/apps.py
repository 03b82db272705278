# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class NarrativesConfig(AppConfig):
    name = "flagdesk.narratives"
    label = "narratives"

    def ready(self) -> None:
        from flagdesk.intake.signals import signal_recorded
        from flagdesk.narratives.receivers import suggest_on_intake

        signal_recorded.connect(suggest_on_intake, dispatch_uid="narratives-suggest")
