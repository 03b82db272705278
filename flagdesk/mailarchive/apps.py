# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class MailarchiveConfig(AppConfig):
    name = "flagdesk.mailarchive"
    label = "mailarchive"
