# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "flagdesk.elections"
    label = "elections"
