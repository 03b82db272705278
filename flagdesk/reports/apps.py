# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "flagdesk.reports"
    label = "reports"

    def ready(self) -> None:
        from flagdesk.narratives.hooks import register_final_report_lookup
        from flagdesk.reports import service

        register_final_report_lookup(service.latest_final)
