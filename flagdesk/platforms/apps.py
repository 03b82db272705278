# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "flagdesk.platforms"
    label = "platforms"
