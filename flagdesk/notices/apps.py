# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "flagdesk.notices"
    label = "notices"

    def ready(self) -> None:
        from flagdesk.assessments.signals import decision_approved
        from flagdesk.notices.receivers import draft_notice_on_approval

        decision_approved.connect(draft_notice_on_approval, dispatch_uid="notices-draft")
