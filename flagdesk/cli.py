# SPDX-License-Identifier: EUPL-1.2
"""The ``flagdesk`` console command: Django's manage.py under our name.

``check-config`` and ``secret-key`` run before Django loads the settings, so that they work
when the settings are what is broken. A setting that cannot be read stops every other
command with one line per problem, each naming the variable, instead of a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys

# Commands that need no settings (flagdesk/core/checkconfig.py).
EARLY_COMMANDS = {"check-config": "check_config", "secret-key": "secret_key"}


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in EARLY_COMMANDS:
        from flagdesk.core import checkconfig

        sys.exit(getattr(checkconfig, EARLY_COMMANDS[args[0]])(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flagdesk.settings")
    _stop_on_config_errors()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["flagdesk", *args])


def _stop_on_config_errors() -> None:
    from flagdesk.core.env import ConfigError

    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ConfigError as bad:
        print("flagdesk: the configuration has errors; nothing was started:", file=sys.stderr)
        for error in bad.errors:
            print(f"  {error}", file=sys.stderr)
        print("  (check a file with: flagdesk check-config --env-file PATH)", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
