# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class MailarchiveConfig(AppConfig):
    name = "flagdesk.mailarchive"
    label = "mailarchive"

    def ready(self) -> None:
        from flagdesk.core.integrity import register_stored_files
        from flagdesk.mailarchive import integrity

        register_stored_files("mailarchive.files", integrity.stored_files)

        from flagdesk.mailarchive import selectors
        from flagdesk.notices.hooks import MailLookups, register_mail_lookups

        register_mail_lookups(
            MailLookups(selectors.messages_for_case, selectors.waiting_for_a_person)
        )
