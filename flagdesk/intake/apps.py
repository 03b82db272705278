# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "flagdesk.intake"
    label = "intake"

    def ready(self) -> None:
        from flagdesk.core.integrity import register_stored_files
        from flagdesk.intake import integrity

        register_stored_files("intake.attachments", integrity.stored_files)
