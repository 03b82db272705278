# SPDX-License-Identifier: EUPL-1.2
"""What anchoring every commit costs: one audit event per transaction, anchored or not.

Usage (from the repository root)::

    .venv/bin/python benchmarks/audit_anchor.py [--events N] [--rounds N] [--db sqlite|postgres]

Makes a temporary FLAGDESK_DATA_DIR with a fresh database (SQLite, or a scratch PostgreSQL
database on 127.0.0.1), migrates it, then times ``audit.log()`` in autocommit, so every call
is its own transaction as a request's would be, with FLAGDESK_AUDIT_ANCHOR_EVERY_COMMIT off
and on in alternating rounds (the same machine noise for both). Prints the median time per
transaction of each and the difference. Not a test: speed lives here.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432"
PG_BENCH_DB = "flagdesk_bench_anchor"


def prepare(db: str, data_dir: Path) -> None:
    os.environ["FLAGDESK_DATA_DIR"] = str(data_dir)
    os.environ["FLAGDESK_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "flagdesk.settings"
    if db == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
            conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
        os.environ["DATABASE_URL"] = f"{PG_ADMIN_URL}/{PG_BENCH_DB}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    sys.path.insert(0, str(REPO))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def time_round(events: int) -> float:
    """Milliseconds per audit.log() transaction, over ``events`` calls."""
    from flagdesk.audit import service as audit

    start = time.perf_counter()
    for number in range(events):
        audit.log("bench_event", ("bench.thing", number), after={"n": number})
    return (time.perf_counter() - start) / events * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="events per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each setting")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flagdesk-bench-anchor-") as tmp:
        prepare(args.db, Path(tmp))
        from django.conf import settings

        times: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(args.rounds):
            for anchored in (False, True):
                settings.AUDIT_ANCHOR_EVERY_COMMIT = anchored
                times[anchored].append(time_round(args.events))
        off, on = (statistics.median(times[flag]) for flag in (False, True))
        lines = sum(1 for _ in (Path(tmp) / "audit-checkpoints.jsonl").open())
    print(f"Command: python benchmarks/audit_anchor.py --events {args.events} "
          f"--rounds {args.rounds} --db {args.db}")  # fmt: skip
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print("| Database | anchor every commit | ms per transaction (median of rounds) |")
    print("|---|---|---:|")
    print(f"| {args.db} | off | {off:.3f} |")
    print(f"| {args.db} | on | {on:.3f} |")
    print(f"Difference: {on - off:+.3f} ms per transaction ({(on - off) / off:+.1%}); "
          f"{lines} checkpoint lines written")  # fmt: skip


if __name__ == "__main__":
    main()
