# SPDX-License-Identifier: EUPL-1.2
import gc
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

# Everything loaded so far (Django, the apps, the templates' modules) lives as long as the
# worker: out of the collector's reach, a full collection no longer walks it on every page
# (70-90 ms pauses every ~40 requests at 100k signals; docs/benchmarks.md).
gc.freeze()
