# SPDX-License-Identifier: EUPL-1.2
import os
import sys

from django.core.wsgi import get_wsgi_application

from flagdesk.core.env import ConfigError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flagdesk.settings")
try:
    application = get_wsgi_application()
except ConfigError as bad:
    # One line per unreadable setting, naming it, instead of a traceback in the journal.
    for error in bad.errors:
        print(f"flagdesk: configuration error: {error}", file=sys.stderr)
    # 3 is gunicorn's "worker failed to boot": the server stops instead of starting new
    # workers that fail the same way forever.
    raise SystemExit(3) from None
