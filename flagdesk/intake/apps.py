# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "flagdesk.intake"
    label = "intake"
