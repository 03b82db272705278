# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "flagdesk.notices"
    label = "notices"

    def ready(self) -> None:
        from flagdesk.assessments.case_sections import register_case_section
        from flagdesk.assessments.signals import decision_approved
        from flagdesk.core.integrity import register_check, register_stored_files
        from flagdesk.core.live import register_version_source
        from flagdesk.notices import clocks, integrity, selectors
        from flagdesk.notices.receivers import draft_notice_on_approval

        decision_approved.connect(draft_notice_on_approval, dispatch_uid="notices-draft")
        register_stored_files("notices.portal_confirmations", integrity.portal_confirmations)
        register_check("notices.frozen_bytes", integrity.check_notice_bytes)
        # A worker claiming a delivery (queued -> sending) writes an attempt, not an event.
        register_version_source("notices.attempts", selectors.latest_attempt_id)
        register_case_section("clocks", clocks.clocks_as_json)
