# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "flagdesk.assessments"
    label = "assessments"

    def ready(self) -> None:
        from flagdesk.assessments import selectors
        from flagdesk.intake.hooks import DecisionLookups, register_decision_lookups

        register_decision_lookups(DecisionLookups(selectors.notified_urls, selectors.frozen_sets))
