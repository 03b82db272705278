# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "flagdesk.reports"
    label = "reports"
