# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class RedactionConfig(AppConfig):
    name = "flagdesk.redaction"
    label = "redaction"
