# SPDX-License-Identifier: EUPL-1.2
"""What a live page's poll costs: CPU per request, 304 against a full render (issue 15).

Usage (from the repository root)::

    .venv/bin/python benchmarks/live.py [--signals 20000] [--polls 500] [--renders 100]

In one process, on a fresh SQLite database in a temporary directory (benchmarks/intake.py's
bulk fill: ``--signals`` signals on their cases), with Django's test client and a logged-in
assessor with a confirmed second factor, for each live page: the CPU time
(``time.process_time``) and the queries of a full GET, and of a poll answered 304 (the
same URL with ``X-FlagDesk-Live`` and the page's ETag). CPU time, not wall-clock time, so
a machine that other jobs keep busy changes the figures little. The whole middleware stack
runs, as under gunicorn; only the socket is missing. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def measure(client: Any, path: str, n: int, headers: dict[str, str]) -> tuple[float, int]:
    from django.db import connection

    # An execute wrapper, not CaptureQueriesContext: each request closes its connection.
    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(path, **headers)
    started = time.process_time()
    for _ in range(n):
        response = client.get(path, **headers)
    cpu_ms = (time.process_time() - started) * 1000 / n
    expected = 304 if "HTTP_IF_NONE_MATCH" in headers else 200
    assert response.status_code == expected, (path, response.status_code)
    return cpu_ms, len(statements)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=20000)
    parser.add_argument("--polls", type=int, default=500)
    parser.add_argument("--renders", type=int, default=100)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="flagdesk-bench-live-"))
    os.environ.update(
        {
            "FLAGDESK_DATA_DIR": str(data_dir),
            "FLAGDESK_SECRET_KEY": "benchmark-only-" + "x" * 40,
            "DATABASE_URL": f"sqlite:///{data_dir / 'bench.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "flagdesk.settings",
            "FLAGDESK_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from benchmarks import intake as intake_bench
    from flagdesk.accounts import service as accounts
    from flagdesk.accounts.constants import Role
    from flagdesk.conftest import verified_client
    from flagdesk.intake.models import Case

    settings.ALLOWED_HOSTS = ["testserver"]
    # As the in-process tests: static URLs from the apps, no collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    partner = accounts.create_partner("Live bench", "media")
    intake_bench._populate(args.signals, partner.pk)
    user, _ = accounts.create_staff_user(
        "live-bench", [Role.ASSESSOR], password="x" * 20, must_change_password=False
    )
    client = verified_client(user)
    reference = Case.objects.filter(election__code="TK2025").values_list("reference", flat=True)[0]
    pages = ["/", "/cases?election=TK2025", f"/cases/{reference}", "/mail/unmatched"]
    print(f"{args.signals} signals, {Case.objects.count()} cases; SQLite; CPU ms per request\n")
    print("| Page | full GET: CPU ms | queries | poll 304: CPU ms | queries | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for path in pages:
        full_ms, full_q = measure(client, path, args.renders, {})
        etag = client.get(path)["ETag"]
        poll = {"HTTP_X_FLAGDESK_LIVE": "1", "HTTP_IF_NONE_MATCH": etag}
        poll_ms, poll_q = measure(client, path, args.polls, poll)
        name = path.replace(reference, "<ref>")
        print(
            f"| `{name}` | {full_ms:.2f} | {full_q} | {poll_ms:.3f} | {poll_q} "
            f"| {full_ms / poll_ms:.0f} × |"
        )
    shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
