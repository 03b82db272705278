# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Records management: retention of personal data and the Archiefwet export."""

    name = "flagdesk.records"
    label = "records"
