# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "flagdesk.core"
    label = "core"

    def ready(self) -> None:
        from flagdesk.core.live import register_version_source, this_minute

        # What the pages show as time passes (stuck notices, a silent worker, clocks) has
        # no event of its own: a live page is rendered anew at least once a minute.
        register_version_source("minute", this_minute)
