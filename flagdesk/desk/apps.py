# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The composition app: the one place that wires the domain apps into one site.

    It sits on top of every other app (docs/architecture.md) and no app imports it.
    """

    name = "flagdesk.desk"
    label = "desk"

    def ready(self) -> None:
        from flagdesk.desk import progress
        from flagdesk.intake.hooks import register_case_progress

        register_case_progress(progress.case_progress)
