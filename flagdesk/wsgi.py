# SPDX-License-Identifier: EUPL-1.2
import os
import sys

from django.core.wsgi import get_wsgi_application

from flagdesk.core.env import ConfigError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flagdesk.settings")
try:
    application = get_wsgi_application()
except ConfigError as bad:
    # One line per unreadable setting, naming it, instead of a traceback in the journal;
    # gunicorn then stops (its worker failed to boot).
    for error in bad.errors:
        print(f"flagdesk: configuration error: {error}", file=sys.stderr)
    raise SystemExit(2) from None
