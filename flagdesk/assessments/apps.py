# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "flagdesk.assessments"
    label = "assessments"
