# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "flagdesk.audit"
    label = "audit"

    def ready(self) -> None:
        from flagdesk.audit.service import chain_seq
        from flagdesk.core.live import register_version_source

        # Every state change writes an audit event: the chain head's seq is the version of
        # (nearly) everything the live pages show, in one primary-key read.
        register_version_source("audit", chain_seq)
