# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class NarrativesConfig(AppConfig):
    name = "flagdesk.narratives"
    label = "narratives"
