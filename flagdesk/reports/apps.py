# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "flagdesk.reports"
    label = "reports"

    def ready(self) -> None:
        from flagdesk.core.integrity import register_stored_files
        from flagdesk.reports import integrity

        register_stored_files("reports.final", integrity.stored_files)

        from flagdesk.narratives.hooks import register_final_report_lookup
        from flagdesk.reports import service

        register_final_report_lookup(service.latest_final)

        from flagdesk.redaction.hooks import register_document_namer
        from flagdesk.reports import document_names

        register_document_namer(document_names.document_name)
