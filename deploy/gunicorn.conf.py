# SPDX-License-Identifier: EUPL-1.2
"""gunicorn settings for FlagDesk: ``gunicorn -c deploy/gunicorn.conf.py``.

Options on the command line win over these, so one file serves every set-up; the number of
worker processes comes from ``WEB_CONCURRENCY`` (gunicorn's own variable), see
docs/deployment.md for how many to run on PostgreSQL and on SQLite.
"""

import os

wsgi_app = "flagdesk.wsgi:application"
# nginx on the same host talks to this port; never expose it directly.
bind = ["127.0.0.1:8000"]
# Sync workers: every request holds one process; nginx buffers slow clients and uploads.
# About two per core; docs/benchmarks.md ("Load") shows 4 on 2 cores under an election surge.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# gunicorn's sync worker; the request lines and headers it refuses (414, 431) are answered
# as problem+json like every other API error (flagdesk/core/gunicorn.py).
worker_class = "flagdesk.core.gunicorn.ProblemSyncWorker"
# The longest request line gunicorn reads (its default); Django refuses the same length
# (flagdesk.core.middleware.MAX_URI_BYTES), nginx's 8 KB buffers are larger.
limit_request_line = 4094
# A request that takes longer than this is killed (report rendering is the slowest page).
timeout = 120
graceful_timeout = 30
keepalive = 5
# Restart each worker now and then: per-process caches (the narratives case index) grow.
max_requests = 2000
max_requests_jitter = 200
# Trust X-Forwarded-* only from the local proxy.
forwarded_allow_ips = "127.0.0.1,::1"
# No control socket: nothing here uses gunicornc, and the service user has no home to put it.
control_socket_disable = True

# No access log: FlagDesk logs every request itself (flagdesk.request) with a request id and
# without the query string, which may hold personal data; gunicorn's %(r)s would include it.
accesslog = None
errorlog = "-"
loglevel = "info"


def on_starting(server: object) -> None:
    """Check the settings in the master before any worker boots.

    A broken setting then stops the server with one line per problem naming the variable,
    instead of each worker failing to boot and gunicorn's arbiter printing a traceback while
    it halts. The check runs in a child process, so the master never imports Django and a
    reload (HUP) still starts workers on the code and settings on disk.
    """
    import sys

    from flagdesk.core.checkconfig import startup_errors

    errors = startup_errors()
    for error in errors:
        print(f"flagdesk: configuration error: {error}", file=sys.stderr)
    if errors:
        raise SystemExit(3)


def _log_format() -> str:
    chosen = os.environ.get("FLAGDESK_LOG_FORMAT", "")
    debug = os.environ.get("FLAGDESK_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
    return chosen or ("console" if debug else "json")


# gunicorn's own lines (boot, worker start and exit, timeouts) in the same format as the app.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structlog": {"()": "flagdesk.core.logging.formatter", "fmt": _log_format()},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "structlog",
            "stream": "ext://sys.stderr",
        },
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"level": "WARNING", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        # Any logging config switches gunicorn's access log on; keep it off (see above).
        "gunicorn.access": {"level": "WARNING", "handlers": ["null"], "propagate": False},
    },
}
