# SPDX-License-Identifier: EUPL-1.2
"""The ``flagdesk`` console command: Django's manage.py under our name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flagdesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["flagdesk", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
